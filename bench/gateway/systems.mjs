/**
 * The systems under test and how each is started here, pinned to core 0 (`taskset -c 0`) so the
 * mock and the load driver (core 1) do not share its CPU. Each entry says how to start it, how to
 * tell it is ready, and what a benchmark request to it looks like.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalystServeArgs } from './lib/start-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The model name every request asks for (the mock answers any). */
export const MODEL = 'gpt-4.1-mini';
/** The upstream API key the systems send to the mock (not a secret: the mock ignores it). */
const UPSTREAM_KEY = 'sk-bench-upstream';
/** LiteLLM refuses to start without a master key; the driver sends it as the bearer token. */
const LITELLM_MASTER_KEY = 'sk-bench-litellm-master';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The OpenAI chat-completions request the relay, Portkey, LiteLLM and the mock take. */
function openAiRequest({ url, headers = {} }) {
  return ({ prompt, stream }) => ({
    url,
    format: 'openai',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: prompt }],
      max_tokens: 256,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
  });
}

/** A Catalyst workflow request: `/stream` (SSE) or `/run` (JSON); the body is the input. */
function catalystRequest({ base }) {
  return ({ prompt, stream }) => ({
    url: `${base}/workflows/bench-completion/${stream ? 'stream' : 'run'}`,
    format: 'catalyst',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: prompt }),
  });
}

function startProcess({ command, args, env, cwd, logName, logDirectory }) {
  const child = spawn('taskset', ['-c', '0', command, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const keep = (chunk) => {
    log.push(String(chunk));
    if (log.length > 200) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', () => {
    if (logDirectory) writeFileSync(join(logDirectory, `${logName}.log`), log.join(''));
  });
  return { child, log };
}

async function waitReady({ url, child, log, timeoutMs, headers }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`exited with ${child.exitCode}: ${log.join('').slice(-600)}`);
    }
    try {
      const response = await fetch(url, { headers });
      if (response.status < 500) {
        await response.arrayBuffer();
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${log.join('').slice(-600)}`);
}

/**
 * The systems, in report order. `start({ mockUrl, logDirectory })` resolves to
 * `{ pid, request, stop }` (`pid` undefined for `direct`, which has no process of its own).
 */
export const SYSTEMS = [
  {
    name: 'direct',
    label: 'direct (client → mock)',
    async start({ mockUrl }) {
      return {
        pid: undefined,
        request: openAiRequest({ url: `${mockUrl}/v1/chat/completions` }),
        stop: async () => {},
      };
    },
  },
  {
    name: 'relay',
    label: 'node:http relay (floor)',
    async start({ mockUrl, logDirectory }) {
      const port = await freePort();
      return launch({
        command: process.execPath,
        args: [join(here, 'relay.mjs'), '--upstream', mockUrl, '--port', String(port)],
        ready: `http://127.0.0.1:${port}/`,
        request: openAiRequest({ url: `http://127.0.0.1:${port}/v1/chat/completions` }),
        logName: 'relay',
        logDirectory,
      });
    },
  },
  {
    name: 'catalyst',
    label: 'catalyst serve (TS)',
    async start({ mockUrl, logDirectory }) {
      const port = await freePort();
      return launch({
        command: process.execPath,
        args: catalystServeArgs({ port }),
        env: { OPENAI_BASE_URL: `${mockUrl}/v1`, OPENAI_API_KEY: UPSTREAM_KEY },
        cwd: here,
        ready: `http://127.0.0.1:${port}/health`,
        request: catalystRequest({ base: `http://127.0.0.1:${port}` }),
        logName: 'catalyst',
        logDirectory,
      });
    },
  },
  {
    name: 'python',
    label: 'generated Python service',
    async start({ mockUrl, logDirectory }) {
      const port = await freePort();
      return launch({
        command: join(here, '.build', 'python-venv', 'bin', 'uvicorn'),
        args: ['app.main:app', '--host', '127.0.0.1', '--port', String(port), '--no-access-log'],
        env: { OPENAI_BASE_URL: `${mockUrl}/v1`, OPENAI_API_KEY: UPSTREAM_KEY },
        cwd: join(here, '.build', 'python-service'),
        ready: `http://127.0.0.1:${port}/health`,
        request: catalystRequest({ base: `http://127.0.0.1:${port}` }),
        logName: 'python',
        logDirectory,
        timeoutMs: 60_000,
      });
    },
  },
  {
    name: 'portkey',
    label: 'Portkey gateway 1.15.2 (patched)',
    async start({ mockUrl, logDirectory }) {
      const port = await freePort();
      return launch({
        command: process.execPath,
        args: [
          join(here, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'),
          `--port=${port}`,
          '--headless',
        ],
        env: { NODE_ENV: 'production' },
        ready: `http://127.0.0.1:${port}/`,
        request: openAiRequest({
          url: `http://127.0.0.1:${port}/v1/chat/completions`,
          headers: {
            authorization: `Bearer ${UPSTREAM_KEY}`,
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': `${mockUrl}/v1`,
          },
        }),
        logName: 'portkey',
        logDirectory,
      });
    },
  },
  {
    name: 'litellm',
    label: 'LiteLLM proxy 1.108.7',
    async start({ mockUrl, logDirectory }) {
      const port = await freePort();
      const config = join(logDirectory, 'litellm-config.yaml');
      writeFileSync(
        config,
        [
          'model_list:',
          `  - model_name: ${MODEL}`,
          '    litellm_params:',
          `      model: openai/${MODEL}`,
          `      api_base: ${mockUrl}/v1`,
          `      api_key: ${UPSTREAM_KEY}`,
          'litellm_settings:',
          '  telemetry: false',
          '  drop_params: true',
          '',
        ].join('\n'),
      );
      return launch({
        command: join(here, '.venv-litellm', 'bin', 'litellm'),
        args: [
          '--config',
          config,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--num_workers',
          '1',
        ],
        env: {
          LITELLM_MASTER_KEY,
          LITELLM_LOCAL_MODEL_COST_MAP: 'True',
          LITELLM_LOG: 'ERROR',
          DISABLE_SCHEMA_UPDATE: 'True',
        },
        cwd: logDirectory,
        ready: `http://127.0.0.1:${port}/health/liveliness`,
        request: openAiRequest({
          url: `http://127.0.0.1:${port}/v1/chat/completions`,
          headers: { authorization: `Bearer ${LITELLM_MASTER_KEY}` },
        }),
        logName: 'litellm',
        logDirectory,
        timeoutMs: 120_000,
      });
    },
  },
];

async function launch({
  command,
  args,
  env = {},
  cwd = here,
  ready,
  request,
  logName,
  logDirectory,
  timeoutMs = 30_000,
}) {
  const { child, log } = startProcess({ command, args, env, cwd, logName, logDirectory });
  const stop = async () => {
    // Already gone (exited, or killed by a signal: then exitCode stays null).
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // taskset execs the command, so child.pid is the server itself; its workers are its children.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady({ url: ready, child, log, timeoutMs });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, request, stop, log };
}
