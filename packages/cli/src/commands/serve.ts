import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createProviderRegistry,
  readMillisecondsVariable,
  TIMEOUT_ENVIRONMENT,
} from '@catalyst/providers';
import {
  captureConsole,
  createBatchedLogStream,
  createCatalystApp,
  createServerLogger,
  GATEWAY_FILE_ENVIRONMENT,
  type GatewayConfig,
  parseGatewayConfig,
  readServerConfig,
  serveNode,
} from '@catalyst/runtime';
import type { WorkflowDefinition } from '@catalyst/spec';
import { createStudioApp, mountStudio } from '@catalyst/studio-server';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst serve`. */
export const SERVE_HELP = `catalyst serve FILE... [--port N] [--host H] [--cors ORIGINS] [--log-level L]
              [--max-body-bytes N] [--shutdown-grace MS] [--studio]
              [--first-token-timeout MS] [--idle-timeout MS]
              [--stream-retention MS] [--stream-retained-events N]
              [--stream-reconnect MS] [--gateway FILE]

Serves workflows over HTTP: GET /health, GET /workflows, GET /openapi.json,
POST /workflows/{id}/run (JSON) and POST /workflows/{id}/stream (Server-Sent Events; resume a
cut stream by sending it again with Last-Event-ID, or GET /workflows/{id}/runs/{run}/stream),
and the OpenAI API: POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models (model
PROVIDER/MODEL, workflow/ID, or a name from --gateway FILE: aliases and llmRouter routes).
--studio also serves Catalyst Studio at /studio/ over the directory of the first FILE (loopback
only, without API keys: the studio writes files and has no login).
Listens on 127.0.0.1 unless --host says otherwise. Each flag overrides its variable:
  --cors                 CATALYST_CORS_ORIGINS   comma-separated origins (or *); default: CORS off
  --log-level            CATALYST_LOG_LEVEL      debug, info (default), warn, error, silent
  --max-body-bytes       CATALYST_MAX_BODY_BYTES default 1048576
  --shutdown-grace       CATALYST_SHUTDOWN_GRACE_MS  default 25000
  --first-token-timeout  CATALYST_FIRST_TOKEN_TIMEOUT_MS  default 120000 (0 = off)
  --idle-timeout         CATALYST_IDLE_TIMEOUT_MS  default 30000 (0 = off)
  --stream-retention     CATALYST_STREAM_RETENTION_MS  default 300000: a run's events stay
                         resumable this long after it ended (in Redis when REDIS_URL is set)
  --stream-retained-events  CATALYST_STREAM_RETAINED_EVENTS  default 200000: at most this many
                         events of finished runs stay in memory (the oldest runs are forgotten first)
  --stream-reconnect     CATALYST_STREAM_RECONNECT_MS  default 15000: a run nobody reads keeps
                         running this long, waiting for its client to reconnect (0 = stop at once)
  --gateway              CATALYST_GATEWAY_FILE  the OpenAI gateway's named models (YAML or JSON;
                         docs/gateway.md), as generated Python services read it
API keys only from CATALYST_API_KEYS (comma-separated) or CATALYST_API_KEYS_FILE, never a flag
(a flag shows in the process list). One log line per request on stderr.
Ctrl-C or SIGTERM: new requests get 503, runs in flight finish within the grace period, the rest
end with a retryable "unavailable" error event; exit 0.`;

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
      cors: { type: 'string' },
      'log-level': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'shutdown-grace': { type: 'string' },
      'stream-retention': { type: 'string' },
      'stream-reconnect': { type: 'string' },
      'stream-retained-events': { type: 'string' },
      gateway: { type: 'string' },
      'first-token-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('serve needs at least one workflow file');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  // Flags become the variables they stand for, so one reader validates both.
  const environment = { ...io.environment };
  const flagVariables: Array<[string | undefined, string]> = [
    [values.cors, 'CATALYST_CORS_ORIGINS'],
    [values['log-level'], 'CATALYST_LOG_LEVEL'],
    [values['max-body-bytes'], 'CATALYST_MAX_BODY_BYTES'],
    [values['shutdown-grace'], 'CATALYST_SHUTDOWN_GRACE_MS'],
    [values['stream-retention'], 'CATALYST_STREAM_RETENTION_MS'],
    [values['stream-reconnect'], 'CATALYST_STREAM_RECONNECT_MS'],
    [values['stream-retained-events'], 'CATALYST_STREAM_RETAINED_EVENTS'],
    [values['first-token-timeout'], 'CATALYST_FIRST_TOKEN_TIMEOUT_MS'],
    [values['idle-timeout'], 'CATALYST_IDLE_TIMEOUT_MS'],
  ];
  for (const [value, name] of flagVariables) if (value !== undefined) environment[name] = value;
  let config: ReturnType<typeof readServerConfig>;
  try {
    config = readServerConfig(environment);
    for (const name of Object.values(TIMEOUT_ENVIRONMENT))
      readMillisecondsVariable(name, environment);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
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
  let gateway: GatewayConfig | undefined;
  // The flag wins over the variable, as for the other settings; an empty variable is unset.
  const gatewayFile =
    values.gateway ?? (environment[GATEWAY_FILE_ENVIRONMENT]?.trim() || undefined);
  if (gatewayFile !== undefined) {
    const source = values.gateway !== undefined ? '--gateway' : GATEWAY_FILE_ENVIRONMENT;
    const path = resolve(io.cwd, gatewayFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new UsageError(`${source}: cannot read ${gatewayFile} (${code})`);
    }
    try {
      gateway = parseGatewayConfig(text, gatewayFile);
    } catch (error) {
      io.stderr.write(
        `catalyst serve: ${error instanceof Error ? error.message : String(error)}; not serving\n`,
      );
      return 1;
    }
  }
  // The access log is written a batch at a time: one system call per request was ~6 % of CPU.
  const logStream = createBatchedLogStream({
    stream: io.stderr as { write(text: string): unknown; isTTY?: boolean },
  });
  const flushLog = () => logStream.flush();
  process.once('exit', flushLog);
  const logger = createServerLogger({ stream: logStream, level: config.logLevel });
  if (values.studio && (config.apiKeys.length > 0 || !isLoopbackHost(values.host))) {
    throw new UsageError(
      '--studio edits files and has no login: use it on a loopback host (127.0.0.1, localhost, ::1) without CATALYST_API_KEYS',
    );
  }
  const api = createCatalystApp({
    workflows,
    providers: createProviderRegistry({ environment }),
    environment,
    limits: config.limits,
    apiKeys: config.apiKeys,
    corsOrigins: config.corsOrigins,
    streamRetentionMs: config.streamRetentionMs,
    streamReconnectMs: config.streamReconnectMs,
    streamRetainedEvents: config.streamRetainedEvents,
    ...(gateway !== undefined && { gateway }),
    logger,
  });
  const app = values.studio
    ? mountStudio({
        app: api,
        prefix: STUDIO_PREFIX,
        studio: createStudioApp({
          directory: dirname(resolve(io.cwd, positionals[0] as string)),
          environment,
          basePath: STUDIO_PREFIX,
        }),
      })
    : api;
  // Provider SDKs print raw upstream chunks (user content) on the console; never let them out.
  const restoreConsole = captureConsole(logger);
  try {
    const server = await serveNode(app, { port, host: values.host });
    io.stdout.write(`Catalyst serving ${workflows.length} workflow(s) on ${server.url}\n`);
    if (values.studio) io.stdout.write(`  Catalyst Studio on ${server.url}${STUDIO_PREFIX}/\n`);
    for (const workflow of workflows) {
      io.stdout.write(
        `  POST ${server.url}/workflows/${workflow.id}/stream   (${workflow.name})\n`,
      );
    }
    if (config.apiKeys.length > 0) io.stdout.write(`  API keys: ${config.apiKeys.length}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    logger.message('info', 'shutting down: refusing new requests, draining runs in flight', {
      runs: app.inFlight(),
      graceMs: config.shutdownGraceMs,
    });
    await app.drain({ graceMs: config.shutdownGraceMs });
    await server.close({ graceful: true });
    await app.close();
    logger.message('info', 'stopped');
    return 0;
  } finally {
    restoreConsole();
    flushLog();
    process.off('exit', flushLog);
  }
}

/** Whether `host` only accepts connections from this machine. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
