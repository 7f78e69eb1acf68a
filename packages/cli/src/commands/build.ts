import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  generatePythonProject,
  loadRuntimeSources,
  ProjectDirectoryError,
  projectNeeds,
  writeProject,
} from '@catalyst/codegen-python';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst build`. */
export const BUILD_HELP = `catalyst build FILE --target python --out DIR [--force]

Compiles a workflow into a standalone Python FastAPI project in DIR: app/ (the graph as Python
and the ASGI app app.main:app), catalyst_runtime/ (copied), tests/, pyproject.toml, README.md
and a Dockerfile. The service answers the same HTTP API and event stream as catalyst serve.

An invalid workflow is refused with the messages of catalyst validate. DIR must be empty, new,
or an earlier build's output; --force writes into any directory. A rebuild replaces the files
it wrote before (.catalyst-build.json lists them) and keeps every other file.`;

/** `catalyst build`: validate, generate, write. */
export async function buildCommand(argv: string[], io: CommandIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean', default: false },
    },
  });
  const [path, ...extra] = positionals;
  if (!path) throw new UsageError('build needs a workflow file');
  if (extra.length > 0)
    throw new UsageError(`build takes one workflow file, got ${positionals.length}`);
  if (values.target !== 'python') {
    throw new UsageError(
      values.target === undefined
        ? 'build needs --target python (the only target so far)'
        : `unknown target "${values.target}"; the only target is python`,
    );
  }
  if (!values.out)
    throw new UsageError('build needs --out DIR, the directory to write the project to');
  let workflow: Awaited<ReturnType<typeof loadValidWorkflow>>;
  try {
    workflow = await loadValidWorkflow(path, io);
  } catch (error) {
    if (!(error instanceof InvalidWorkflowError)) throw error;
    io.stderr.write(`✗ ${error.message}; nothing was built\n`);
    return 1;
  }
  const files = generatePythonProject(workflow, {
    runtime: loadRuntimeSources(),
    sourceName: basename(path),
  });
  let removed: string[];
  try {
    ({ removed } = writeProject(files, values.out, { force: values.force }));
  } catch (error) {
    if (!(error instanceof ProjectDirectoryError)) throw error;
    io.stderr.write(`catalyst build: ${error.message}\n`);
    return 1;
  }
  // A rebuild removes only files an earlier build wrote and this one does not: say which.
  for (const path of removed) io.stdout.write(`  removed ${path} (no longer generated)\n`);
  io.stdout.write(
    `✓ built workflow "${workflow.id}" into ${values.out} (${files.length} files)\n` +
      `  cd ${values.out} && python3 -m venv .venv && . .venv/bin/activate && pip install '.[dev]' && pytest && uvicorn app.main:app\n`,
  );
  if (projectNeeds(workflow).providers.includes('local')) {
    // A generated service embeds no model: say so now, not at the first request.
    io.stdout.write(
      '  the local model: a Python service embeds none. Serve one over Chat Completions\n' +
        '  (`catalyst local serve`, llama.cpp or Ollama) and set CATALYST_LOCAL_BASE_URL,\n' +
        '  e.g. CATALYST_LOCAL_BASE_URL=http://127.0.0.1:8080/v1 (CATALYST_LOCAL_API_KEY only if it asks for one)\n',
    );
  }
  return 0;
}
