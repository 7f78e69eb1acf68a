import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { rewriteSpellings } from '@catalyst/workflow';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst validate`. */
export const VALIDATE_HELP = `catalyst validate [--fix] FILE...

Checks workflow files and prints every problem with its location (file:line:column, node,
field, position in the expression). Exits 1 when any file has an error. Old spellings (the
planning documents' snake_case settings, response_format, functions, router routes as
{condition, provider, model}, default as a provider name) load with a warning; --fix rewrites
them in the file (JSON with two-space indentation; YAML keeps its comments and layout).`;

/** `catalyst validate`: every problem of every file, then a verdict per file. */
export async function validateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { fix: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('validate needs at least one workflow file');
  let failed = 0;
  for (const path of positionals) {
    if (values.fix) await fixSpellings(path, io);
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

async function fixSpellings(path: string, io: CommandIo): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return; // validation reports the missing file
  }
  let rewritten: ReturnType<typeof rewriteSpellings>;
  try {
    rewritten = rewriteSpellings(text, { fileName: path });
  } catch {
    return; // a syntax error: validation reports it with its location
  }
  if (rewritten.changes.length === 0) return;
  await writeFile(path, rewritten.text);
  const count = rewritten.changes.length;
  io.stdout.write(`fixed ${count} old spelling${count === 1 ? '' : 's'} in ${path}\n`);
}
