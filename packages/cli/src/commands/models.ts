import { parseArgs } from 'node:util';
import { isProviderName, ModelCatalog } from '@catalyst/providers';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst models`. */
export const MODELS_HELP = `catalyst models [--provider P] [--json]

Lists the models in the catalog with context window and price per million tokens.`;

/** `catalyst models`: the catalog as a table (or JSON). */
export async function modelsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      provider: { type: 'string', short: 'p' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.provider !== undefined && !isProviderName(values.provider)) {
    throw new UsageError(`unknown provider "${values.provider}"`);
  }
  const models = ModelCatalog.default().list(values.provider);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
    return 0;
  }
  const rows = models.map((model) => [
    model.provider,
    model.id,
    model.contextWindow.toLocaleString('en-US'),
    model.pricing ? `$${model.pricing.inputPerMillion}` : '-',
    model.pricing ? `$${model.pricing.outputPerMillion}` : '-',
  ]);
  const header = ['provider', 'model', 'context', 'in/1M', 'out/1M'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of [header, ...rows]) {
    io.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
  return 0;
}
