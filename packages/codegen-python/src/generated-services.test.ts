import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceVector,
  conformanceEnvironment,
  eventsByNode,
  loadConformanceVectors,
  parseEventStream,
  vectorText,
} from '../../runtime/src/testing/conformance-vector.js';
import { sampleInput } from './sample-input.js';

// Issue #4's end-to-end check, run by `npm run test:generated` (vitest.generated.config.ts), not
// with the unit tests: for every example and every workflow of a conformance vector, it builds
// the Python project with the real CLI, creates a venv and installs the project in it, runs ruff,
// mypy and the project's own pytest suite, then starts the service with uvicorn and
// `catalyst serve` side by side on one simulator and sends both the same requests. Bodies must
// be equal byte for byte (keep-alive comments aside) and match the vector's expectation.

const execFileAsync = promisify(execFile);
const REPOSITORY = join(import.meta.dirname, '..', '..', '..');
const CLI = join(REPOSITORY, 'packages', 'cli', 'bin', 'catalyst.mjs');
const UV = join(REPOSITORY, '.venv', 'bin', 'uv');
const WORK = mkdtempSync(join(tmpdir(), 'catalyst-generated-'));
const MYPY_CACHE = join(tmpdir(), 'catalyst-generated-mypy-cache');

interface Group {
  name: string;
  /** The workflow file given to `catalyst build` and `catalyst serve`. */
  file: string;
  vectors: Array<{ file: string; vector: ConformanceVector }>;
}

function groups(): Group[] {
  const byFile = new Map<string, Group>();
  const inputs = join(WORK, 'workflows');
  mkdirSync(inputs, { recursive: true });
  const examples = join(REPOSITORY, 'examples');
  for (const name of readdirSync(examples)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const file = join(examples, name);
    byFile.set(file, { name: `examples/${name}`, file, vectors: [] });
  }
  for (const { file, vector } of loadConformanceVectors()) {
    let path: string;
    if (typeof vector.workflow === 'string') {
      path = join(REPOSITORY, vector.workflow);
    } else {
      // Vectors may share a workflow id with different settings: one file per distinct workflow.
      const text = JSON.stringify(vector.workflow, null, 2);
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 8);
      path = join(inputs, `${vector.workflow.id}-${digest}.json`);
      writeFileSync(path, text);
    }
    const group = byFile.get(path) ?? {
      name:
        typeof vector.workflow === 'string' ? vector.workflow : `inline workflow ${basename(path)}`,
      file: path,
      vectors: [],
    };
    group.vectors.push({ file, vector });
    byFile.set(path, group);
  }
  return [...byFile.values()];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function run(
  command: string,
  args: string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd,
      env: env ?? process.env,
      maxBuffer: 32 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}`,
    );
  }
}

/** Only what the servers need: no developer keys leak in. */
function serverEnvironment(simulatorUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    ...conformanceEnvironment(simulatorUrl),
  };
}

interface Server {
  url: string;
  process: ChildProcess;
  output: () => string;
}

async function startServer(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<Server> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${command} did not answer /health within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, process: child, output: () => output };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.process.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.kill('SIGTERM');
    setTimeout(() => server.process.kill('SIGKILL'), 5_000).unref();
  });
}

interface Exchange {
  status: number;
  headers: Record<string, string | null>;
  body: string;
}

async function exchange(
  url: string,
  vector: ConformanceVector,
  workflowId: string,
): Promise<Exchange> {
  const id = vector.request.workflowId ?? workflowId;
  // The HTTP-level fields of conformance/README.md: method, path, headers, body pieces.
  const method = vector.request.method ?? 'POST';
  const target =
    vector.request.path !== undefined
      ? vectorText(vector.request.path)
      : `/workflows/${id}/${vector.request.endpoint ?? 'run'}`;
  const requestHeaders = new Headers();
  for (const [name, value] of Object.entries(
    vector.request.headers ?? { 'content-type': 'application/json' },
  )) {
    if (value !== null) requestHeaders.set(name, value);
  }
  const response = await fetch(`${url}${target}`, {
    method,
    headers: requestHeaders,
    ...(method !== 'GET' &&
      method !== 'HEAD' && {
        body:
          vector.request.body !== undefined
            ? vectorText(vector.request.body)
            : JSON.stringify(vector.request.input ?? {}),
      }),
  });
  const body = await response.text();
  const headers: Record<string, string | null> = {};
  const names = ['content-type', 'cache-control', 'x-accel-buffering'];
  for (const name of [...names, ...Object.keys(vector.expected.headers ?? {})])
    headers[name] = response.headers.get(name);
  // Keep-alive comments depend on timing; everything else must match byte for byte.
  return { status: response.status, headers, body: body.replace(/^:[^\n]*\n\n/gm, '') };
}

function expectMatchesVector(actual: Exchange, vector: ConformanceVector): void {
  expect(actual.status).toBe(vector.expected.status);
  for (const [name, value] of Object.entries(vector.expected.headers ?? {}))
    expect([name, actual.headers[name]]).toEqual([name, value]);
  if (vector.expected.body !== undefined) expect(actual.body).toBe(vector.expected.body);
  if (vector.expected.json !== undefined)
    expect(JSON.parse(actual.body) as JsonValue).toEqual(vector.expected.json);
  if (vector.expected.events !== undefined) {
    const events = parseEventStream(actual.body);
    if (vector.ordering === 'per-node') {
      expect(eventsByNode(events)).toEqual(eventsByNode(vector.expected.events));
      expect(events.at(-1)).toEqual(vector.expected.events.at(-1));
    } else {
      expect(events).toEqual(vector.expected.events);
    }
  }
}

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await simulator?.close();
  rmSync(WORK, { recursive: true, force: true });
});

for (const group of groups()) {
  describe.sequential(group.name, () => {
    const project = join(WORK, 'projects', group.name.replace(/[^A-Za-z0-9]+/g, '-'));
    const python = join(project, '.venv', 'bin', 'python');
    let workflowId = '';

    // Router state and embedding caches live in the servers: for workflows with such nodes both
    // servers start fresh for each exchange, as the TypeScript conformance test's app does.
    const stateful = /"(llmRouter|embeddingGenerate)"/.test(readFileSync(group.file, 'utf8'));
    let shared: [Server, Server] | undefined;

    async function startServers(extra: Record<string, string> = {}): Promise<[Server, Server]> {
      const env = { ...serverEnvironment(simulator.url), ...extra };
      const [pythonPort, typescriptPort] = [await freePort(), await freePort()];
      const started = await Promise.allSettled([
        startServer(
          join(project, '.venv', 'bin', 'uvicorn'),
          ['app.main:app', '--host', '127.0.0.1', '--port', String(pythonPort), '--no-access-log'],
          project,
          env,
          pythonPort,
        ),
        startServer(
          process.execPath,
          [CLI, 'serve', group.file, '--port', String(typescriptPort)],
          WORK,
          env,
          typescriptPort,
        ),
      ]);
      const servers = started.map((result) =>
        result.status === 'fulfilled' ? result.value : undefined,
      );
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) {
        await Promise.all(servers.map(stopServer));
        throw failed.reason;
      }
      return servers as [Server, Server];
    }

    async function withServers<T>(
      body: (python: Server, typescript: Server) => Promise<T>,
      environment?: Record<string, string>,
    ): Promise<T> {
      // A vector with its own environment (API keys, CORS origins) gets servers of its own.
      if (!stateful && environment === undefined) {
        shared ??= await startServers();
        return body(...shared);
      }
      const servers = await startServers(environment);
      try {
        return await body(...servers);
      } finally {
        await Promise.all(servers.map(stopServer));
      }
    }

    afterAll(async () => {
      await Promise.all((shared ?? []).map(stopServer));
    });

    beforeAll(async () => {
      const built = await run(
        process.execPath,
        [CLI, 'build', group.file, '--target', 'python', '--out', project],
        WORK,
      );
      workflowId = /built workflow "([^"]+)"/.exec(built)?.[1] ?? '';
      await run(UV, ['venv', '--quiet', '--python', 'python3', '.venv'], project);
      await run(UV, ['pip', 'install', '--quiet', '--python', python, '.[dev]'], project);
    });

    it('passes ruff, mypy --strict and its own pytest suite', async () => {
      const env = { ...process.env, MYPY_CACHE_DIR: MYPY_CACHE };
      await run(join(project, '.venv', 'bin', 'ruff'), ['check', '.'], project, env);
      await run(join(project, '.venv', 'bin', 'mypy'), [], project, env);
      const tests = await run(
        python,
        ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'],
        project,
        env,
      );
      expect(tests).toMatch(/\d+ passed/);
      expect(tests).not.toMatch(/\d+ (failed|errors?)\b/);
    });

    it('answers GET routes and a sample run with the same bytes as catalyst serve', async () => {
      simulator.reset();
      simulator.setScenario(parseScenario({ rules: [] }));
      await withServers(async (pythonServer, typescriptServer) => {
        // The `fastest` strategy routes by measured time to first token, which no run without
        // a scripted timing (the vectors have one) can hold equal between two servers.
        const timingDependent = /"strategy":\s*"fastest"/.test(readFileSync(group.file, 'utf8'));
        const sample: ConformanceVector = {
          description: 'a sample run',
          workflow: group.file,
          request: {
            endpoint: 'stream',
            input: sampleInput(JSON.parse(readFileSync(group.file, 'utf8')).input),
          },
          expected: { status: 200 },
        };
        const [fromPython, fromTypescript] = [
          await exchange(pythonServer.url, sample, workflowId),
          await exchange(typescriptServer.url, sample, workflowId),
        ];
        expect(fromPython.status).toBe(fromTypescript.status);
        // The simulator invents tool-call ids per request; they are not the runtimes' to match.
        const withoutIds = (body: string) => body.replace(/"(call|toolu)_[A-Za-z0-9]+"/g, '"$1_*"');
        fromPython.body = withoutIds(fromPython.body);
        fromTypescript.body = withoutIds(fromTypescript.body);
        const [pythonEvents, typescriptEvents] = [
          parseEventStream(fromPython.body),
          parseEventStream(fromTypescript.body),
        ];
        if (timingDependent) {
          expect(pythonEvents.at(-1)?.[0]).toBe(typescriptEvents.at(-1)?.[0]);
        } else {
          // Parallel branches may interleave differently; each node's events may not.
          expect(eventsByNode(pythonEvents)).toEqual(eventsByNode(typescriptEvents));
          expect(pythonEvents.at(-1)).toEqual(typescriptEvents.at(-1));
        }
        for (const path of ['/health', '/workflows', '/openapi.json', '/nope']) {
          const [a, b] = await Promise.all([
            fetch(`${pythonServer.url}${path}`),
            fetch(`${typescriptServer.url}${path}`),
          ]);
          expect([path, a.status, await a.text()]).toEqual([path, b.status, await b.text()]);
        }
      });
    });

    for (const { file, vector } of group.vectors) {
      it(`${file}: ${vector.description}`, async () => {
        await withServers(async (pythonServer, typescriptServer) => {
          const results: Exchange[] = [];
          for (const server of [pythonServer, typescriptServer]) {
            simulator.reset();
            simulator.setScenario(parseScenario(vector.scenario ?? { rules: [] }));
            results.push(await exchange(server.url, vector, workflowId));
          }
          const [fromPython, fromTypescript] = results as [Exchange, Exchange];
          expectMatchesVector(fromPython, vector);
          expectMatchesVector(fromTypescript, vector);
          expect(fromPython.status).toBe(fromTypescript.status);
          expect(fromPython.headers).toEqual(fromTypescript.headers);
          if (vector.ordering === 'per-node') {
            expect(eventsByNode(parseEventStream(fromPython.body))).toEqual(
              eventsByNode(parseEventStream(fromTypescript.body)),
            );
          } else {
            expect(fromPython.body).toBe(fromTypescript.body);
          }
        }, vector.environment);
      });
    }

    if (group.name === 'examples/chat.json') {
      it('cancels the provider call when the client disconnects, like catalyst serve', async () => {
        simulator.reset();
        simulator.setScenario(
          parseScenario({
            rules: [
              {
                match: { provider: 'anthropic' },
                reply: { text: 'one two three four five six seven eight' },
                timing: { firstTokenMs: 10, tokenDelayMs: 300 },
              },
            ],
          }),
        );
        await withServers(async (pythonServer, typescriptServer) => {
          for (const server of [pythonServer, typescriptServer]) {
            simulator.reset();
            const controller = new AbortController();
            const response = await fetch(`${server.url}/workflows/chat/stream`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ question: 'Tell me a long story' }),
              signal: controller.signal,
            });
            const reader = response.body?.getReader();
            let seen = '';
            while (!seen.includes('event: token')) {
              const chunk = await reader?.read();
              if (!chunk || chunk.done) break;
              seen += new TextDecoder().decode(chunk.value);
            }
            expect(seen).toContain('event: token');
            controller.abort();
            const deadline = Date.now() + 10_000;
            while (
              !simulator.requests().some((request) => request.clientClosedEarly) &&
              Date.now() < deadline
            ) {
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            expect(simulator.requests().map((request) => request.clientClosedEarly)).toEqual([
              true,
            ]);
          }
        });
      });
    }
  });
}
