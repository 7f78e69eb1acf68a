import { parseArgs } from 'node:util';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst validate`. */
export const VALIDATE_HELP = `catalyst validate FILE...

Checks workflow files and prints every problem with its location (file:line:column, node,
field, position in the expression). Exits 1 when any file has an error.`;

/** `catalyst validate`: every problem of every file, then a verdict per file. */
export async function validateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError('validate needs at least one workflow file');
  let failed = 0;
  for (const path of positionals) {
    try {
      const workflow = await loadValidWorkflow(path, io);
      io.stdout.write(
        `✓ ${path}: workflow "${workflow.id}" is valid (${workflow.nodes.length} nodes)\n`,
      );
    } catch (error) {
      if (!(error instanceof InvalidWorkflowError)) throw error;
      failed += 1;
      io.stdout.write(`✗ ${error.message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
