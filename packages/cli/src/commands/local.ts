import { parseArgs } from 'node:util';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst local`. */
export const LOCAL_HELP = `catalyst local serve [--port N] [--host H]

Serves the embedded local model as an OpenAI-compatible API (chat completions with streaming,
embeddings, models), so curl, any OpenAI client or a generated Python service can use it:
  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=local
The model is CATALYST_LOCAL_MODEL, or the one "npm run setup:local-model" installed.`;

/** `catalyst local serve`: the local model behind an OpenAI-compatible HTTP API. */
export async function localCommand(argv: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'serve') throw new UsageError('the only local action is "serve"');
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  // Loaded only here: node-llama-cpp is heavy and other commands never need it.
  const { createLocalOpenAIServer, createLocalProvider } = await import(
    '@catalyst/providers/local'
  );
  const server = await createLocalOpenAIServer({
    provider: createLocalProvider(),
    port,
    host: values.host,
  });
  io.stdout.write(`Catalyst local model serving an OpenAI-compatible API on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}
