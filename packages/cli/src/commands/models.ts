import { parseArgs } from 'node:util';
import {
  CATALOG_SOURCES,
  DEFAULT_MODELS,
  isProviderName,
  ModelCatalog,
  RETIRED_MODELS,
} from '@catalyst/providers';
import type { ModelInfo } from '@catalyst/spec';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst models`. */
export const MODELS_HELP = `catalyst models [--provider P] [--retired] [--json]

Lists the models in the catalog with context window, price per million tokens (input, cached
input read and written, output) and status: current, deprecated (with the end-of-life date and
the replacement) or, with --retired, retired. The footer names the data versions the catalog was
built from.`;

/** `catalyst models`: the catalog as a table (or JSON). */
export async function modelsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      provider: { type: 'string', short: 'p' },
      json: { type: 'boolean', default: false },
      retired: { type: 'boolean', default: false },
    },
  });
  if (values.provider !== undefined && !isProviderName(values.provider)) {
    throw new UsageError(`unknown provider "${values.provider}"`);
  }
  const catalog = ModelCatalog.default();
  const models = values.retired
    ? [...DEFAULT_MODELS, ...RETIRED_MODELS].filter(
        (model) => values.provider === undefined || model.provider === values.provider,
      )
    : catalog.list(values.provider);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
    return 0;
  }
  const rows = models.map((model) => [
    model.provider,
    model.id,
    model.contextWindow.toLocaleString('en-US'),
    price(model.pricing?.inputPerMillion),
    price(model.pricing?.cacheReadPerMillion),
    price(model.pricing?.cacheWritePerMillion),
    price(model.pricing?.outputPerMillion),
    status(model),
  ]);
  const header = [
    'provider',
    'model',
    'context',
    'in/1M',
    'cached/1M',
    'cache write/1M',
    'out/1M',
    'status',
  ];
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
  io.stdout.write(
    `\nPrices and context windows: @pydantic/genai-prices ${CATALOG_SOURCES['@pydantic/genai-prices']} (as of ${CATALOG_SOURCES.pricesAsOf}); deprecations: @anthropic-ai/sdk ${CATALOG_SOURCES['@anthropic-ai/sdk']}.\n`,
  );
  return 0;
}

function price(perMillion: number | undefined): string {
  return perMillion === undefined ? '-' : `$${perMillion}`;
}

function status(model: ModelInfo): string {
  if (model.retired) {
    return `retired ${model.retired.since}; use ${model.retired.replacements.join(' or ')}`;
  }
  if (model.deprecated) {
    const until = model.deprecated.endOfLife ? `, end of life ${model.deprecated.endOfLife}` : '';
    return `deprecated${until}; use ${model.deprecated.replacements.join(' or ')}`;
  }
  return 'current';
}
