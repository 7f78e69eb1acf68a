import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProviderRegistry } from '@catalyst/providers';
import { createCatalystApp, serveNode } from '@catalyst/runtime';
import type { WorkflowDefinition } from '@catalyst/spec';
import { createStudioApp, mountStudio } from '@catalyst/studio-server';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst serve`. */
export const SERVE_HELP = `catalyst serve FILE... [--port N] [--host H] [--studio]

Serves workflows over HTTP: GET /health, GET /workflows, GET /openapi.json,
POST /workflows/{id}/run (JSON) and POST /workflows/{id}/stream (Server-Sent Events).
--studio also serves Catalyst Studio at /studio/ over the directory of the first FILE.
Stops on Ctrl-C.`;

/** Where `--studio` mounts the studio beside the API. */
const STUDIO_PREFIX = '/studio';

/** `catalyst serve`: an HTTP server for one or more workflows. */
export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      studio: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('serve needs at least one workflow file');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  const workflows: WorkflowDefinition[] = [];
  const files = new Map<string, string>();
  for (const path of positionals) {
    try {
      const workflow = await loadValidWorkflow(path, io);
      const previous = files.get(workflow.id);
      if (previous)
        throw new UsageError(`${path} and ${previous} both define workflow "${workflow.id}"`);
      files.set(workflow.id, path);
      workflows.push(workflow);
    } catch (error) {
      if (!(error instanceof InvalidWorkflowError)) throw error;
      io.stderr.write(`catalyst serve: ${error.message}; not serving\n`);
      return 1;
    }
  }
  const api = createCatalystApp({
    workflows,
    providers: createProviderRegistry({ environment: io.environment }),
    environment: io.environment,
  });
  const app = values.studio
    ? mountStudio({
        app: api,
        prefix: STUDIO_PREFIX,
        studio: createStudioApp({
          directory: dirname(resolve(io.cwd, positionals[0] as string)),
          environment: io.environment,
          basePath: STUDIO_PREFIX,
        }),
      })
    : api;
  const server = await serveNode(app, { port, host: values.host });
  io.stdout.write(`Catalyst serving ${workflows.length} workflow(s) on ${server.url}\n`);
  if (values.studio) io.stdout.write(`  Catalyst Studio on ${server.url}${STUDIO_PREFIX}/\n`);
  for (const workflow of workflows) {
    io.stdout.write(`  POST ${server.url}/workflows/${workflow.id}/stream   (${workflow.name})\n`);
  }
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  await app.close();
  return 0;
}
