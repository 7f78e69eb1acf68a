import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceVector,
  conformanceEnvironment,
  eventsByNode,
  expectedEventIds,
  loadConformanceVectors,
  parseDataStream,
  parseEventFrames,
  parseEventStream,
  RUN_ID_PATTERN,
  vectorRequestBody,
  vectorText,
} from '../../runtime/src/testing/conformance-vector.js';
import { sampleInput } from './sample-input.js';

// Issue #4's end-to-end check, run by `npm run test:generated` (vitest.generated.config.ts), not
// with the unit tests: for every example and every workflow of a conformance vector, it builds
// the Python project with the real CLI, runs ruff (check and format), mypy and the project's own
// pytest suite on it, then starts the service with uvicorn and `catalyst serve` side by side on
// one simulator and sends both the same requests. Bodies must be equal byte for byte (keep-alive
// comments aside) and match the vector's expectation.
//
// What keeps it fast without making it lenient:
// - One virtual environment holds the dependencies of every project (installed once from all
//   their pyproject.toml files together, so their requirements resolve); each project runs from
//   its own directory on it. That every import of a project is declared in its own pyproject is
//   checked statically (python/tools/check_declared_dependencies.py), and one project
//   (REPRESENTATIVE) is really installed with `pip install '.[dev]'` into a venv of its own,
//   checked and served from there.
// - mypy checks app/ and tests/ and reads the runtime silently: scripts/test-python.sh checks
//   catalyst_runtime once. Its cache is shared between projects, so one mypy runs at a time (the
//   projects' modules have the same names); warm, each run takes a fraction of a second.
// - Builds and checks run CHECKS_AT_ONCE at a time, in the background while the servers of
//   earlier projects are compared (those comparisons share one simulator, so they run in turn).

const execFileAsync = promisify(execFile);
const REPOSITORY = join(import.meta.dirname, '..', '..', '..');
const CLI = join(REPOSITORY, 'packages', 'cli', 'bin', 'catalyst.mjs');
const UV = join(REPOSITORY, '.venv', 'bin', 'uv');
const DECLARED_DEPENDENCIES = join(REPOSITORY, 'python', 'tools', 'check_declared_dependencies.py');
const WORK = mkdtempSync(join(tmpdir(), 'catalyst-generated-'));
const SHARED_VENV = join(WORK, 'venv');
// This run's own: a cache shared with other runs (other checkouts) breaks mypy when they overlap.
const MYPY_CACHE = join(WORK, 'mypy-cache');
/** The project installed from its own pyproject.toml into its own venv. */
const REPRESENTATIVE = 'examples/chat.json';
const CHECKS_AT_ONCE = Math.max(1, Math.min(3, availableParallelism()));
/** How long a server may take to answer /health: generous, for a loaded machine. */
const READY_DEADLINE_MS = 120_000;

interface Group {
  name: string;
  /** The workflow file given to `catalyst build` and `catalyst serve`. */
  file: string;
  /** Where its project is built. */
  project: string;
  vectors: Array<{ file: string; vector: ConformanceVector }>;
}

function groups(): Group[] {
  const byFile = new Map<string, Group>();
  const inputs = join(WORK, 'workflows');
  mkdirSync(inputs, { recursive: true });
  const group = (name: string, file: string): Group => ({
    name,
    file,
    project: join(WORK, 'projects', name.replace(/[^A-Za-z0-9]+/g, '-')),
    vectors: [],
  });
  const examples = join(REPOSITORY, 'examples');
  for (const name of readdirSync(examples)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const file = join(examples, name);
    byFile.set(file, group(`examples/${name}`, file));
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
    const found =
      byFile.get(path) ??
      group(
        typeof vector.workflow === 'string' ? vector.workflow : `inline workflow ${basename(path)}`,
        path,
      );
    found.vectors.push({ file, vector });
    byFile.set(path, found);
  }
  return [...byFile.values()];
}

/** `count` distinct free ports: every listener stays open until all have a port. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            resolve(typeof address === 'object' && address ? address.port : 0);
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
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

/** A function that runs tasks with at most `limit` of them at a time. */
function taskLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** A promise that never rejects unobserved: tests await it when they need its result. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
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
  const started = Date.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const describe = () =>
    `${command} ${args.join(' ')} (in ${cwd}, after ${Math.round((Date.now() - started) / 1000)} s); its output:\n${output || '(none)'}`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited before answering /health: ${describe()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > READY_DEADLINE_MS) {
      child.kill('SIGKILL');
      throw new Error(
        `the server did not answer /health within ${READY_DEADLINE_MS / 1000} s: ${describe()}`,
      );
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  return { url, process: child, output: () => output };
}

/** Runs `body`; a failure that is not an assertion (a refused connection) shows both servers' output. */
async function withServerOutput<T>(servers: Server[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Error && error.name === 'AssertionError') throw error;
    const outputs = servers
      .map((server) => {
        const state =
          server.process.exitCode !== null || server.process.signalCode !== null
            ? `exited (${server.process.exitCode ?? server.process.signalCode})`
            : 'running';
        return `${server.url}, ${state}; its output:\n${server.output() || '(none)'}`;
      })
      .join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${outputs}`, {
      cause: error,
    });
  }
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.process.exitCode !== null || server.process.signalCode !== null) return;
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
  const send = (runIdOfFirst: string) =>
    fetch(`${url}${target.replaceAll('{RUN_ID}', runIdOfFirst)}`, {
      method,
      headers: requestHeaders,
      ...(method !== 'GET' &&
        method !== 'HEAD' && {
          body: vectorRequestBody(vector.request),
        }),
    });
  let runIdOfFirst = '';
  if (vector.request.resumeAfter !== undefined) {
    // A resume vector: the first answer is read to its end, then resumed after its event N.
    const first = await send('');
    await first.text();
    runIdOfFirst = first.headers.get('x-catalyst-run-id') ?? '';
    requestHeaders.set('last-event-id', `${runIdOfFirst}:${vector.request.resumeAfter}`);
  }
  const response = await send(runIdOfFirst);
  let body = await response.text();
  // Catalyst's own event streams (not the AI SDK UI message stream, which has no ids).
  const catalystStream =
    (response.headers.get('content-type') ?? '').startsWith('text/event-stream') &&
    response.headers.get('x-vercel-ai-ui-message-stream') !== 'v1';
  if (catalystStream) {
    // Run ids are random: checked by rule, then written as RUN so two servers' bodies compare.
    const runId = response.headers.get('x-catalyst-run-id') ?? '';
    const resumed = /^(.*):(\d+)$/.exec(requestHeaders.get('last-event-id') ?? '');
    if (resumed === null) expect(runId).toMatch(RUN_ID_PATTERN);
    else expect(runId).toBe(resumed[1]);
    const ids = parseEventFrames(body).map((frame) => frame.id);
    expect(ids).toEqual(
      expectedEventIds(runId, ids.length, resumed === null ? 1 : Number(resumed[2]) + 1),
    );
    body = body.replaceAll(`id: ${runId}:`, 'id: RUN:');
  }
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
    // The AI SDK UI message stream (/ui) frames its chunks as `data:` lines only.
    const events =
      vector.request.endpoint === 'ui'
        ? parseDataStream(actual.body)
        : parseEventStream(actual.body);
    if (vector.ordering === 'per-node') {
      expect(eventsByNode(events)).toEqual(eventsByNode(vector.expected.events));
      expect(events.at(-1)).toEqual(vector.expected.events.at(-1));
    } else {
      expect(events).toEqual(vector.expected.events);
    }
  }
}

const GROUPS = groups();
const NO_RECONNECT_GRACE = { CATALYST_STREAM_RECONNECT_MS: '0' };
let simulator: RunningSimulator;

/** A built project: the workflow id the build reported, and the venv it runs in. */
interface Prepared {
  workflowId: string;
  venv: string;
}

/** Per group: its project built and its venv ready (servers wait for this). */
const prepared = new Map<string, Promise<Prepared>>();
/** Per group: the output of its own pytest suite, after ruff, mypy and the dependency check. */
const checked = new Map<string, Promise<string>>();

async function build(group: Group): Promise<string> {
  const built = await run(
    process.execPath,
    [CLI, 'build', group.file, '--target', 'python', '--out', group.project],
    WORK,
  );
  return /built workflow "([^"]+)"/.exec(built)?.[1] ?? '';
}

/** One venv with the dependencies of every project, resolved together from their pyprojects. */
async function installSharedVenv(): Promise<string> {
  await run(UV, ['venv', '--quiet', '--python', 'python3', SHARED_VENV], WORK);
  // Their dependencies and (`--extra dev`) their test and lint tools; not the projects themselves.
  const pyprojects = GROUPS.flatMap((group) => ['-r', join(group.project, 'pyproject.toml')]);
  const python = join(SHARED_VENV, 'bin', 'python');
  await run(
    UV,
    ['pip', 'install', '--quiet', '--python', python, '--extra', 'dev', ...pyprojects],
    WORK,
  );
  return SHARED_VENV;
}

/** The representative project, installed as its README says: `pip install '.[dev]'`. */
async function installOwnVenv(group: Group): Promise<string> {
  const venv = join(group.project, '.venv');
  await run(UV, ['venv', '--quiet', '--python', 'python3', venv], group.project);
  await run(
    UV,
    ['pip', 'install', '--quiet', '--python', join(venv, 'bin', 'python'), '.[dev]'],
    group.project,
  );
  // Installed, not only importable from its directory: the package data came along.
  const outside = await run(
    join(venv, 'bin', 'python'),
    [
      '-c',
      'import app.main, catalyst_runtime.providers.catalog.model_catalog as c; c.ModelCatalog.default(); print(app.main.__file__)',
    ],
    WORK,
  );
  if (!outside.includes(join(venv, 'lib')))
    throw new Error(
      `${group.name}: app.main was not imported from the installed project: ${outside}`,
    );
  return venv;
}

/** mypy's cache is shared and the projects' modules have the same names: one mypy at a time. */
const oneMypy = taskLimit(1);

async function check(group: Group, venv: string): Promise<string> {
  const tool = (name: string) => join(venv, 'bin', name);
  const env = { ...process.env, MYPY_CACHE_DIR: MYPY_CACHE };
  await run(tool('ruff'), ['check', '.'], group.project, env);
  await run(tool('ruff'), ['format', '--check', '.'], group.project, env);
  await oneMypy(() =>
    run(tool('mypy'), ['--follow-imports=silent', 'app', 'tests'], group.project, env),
  );
  await run(tool('python'), [DECLARED_DEPENDENCIES, group.project], group.project, env);
  return run(tool('python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], group.project, env);
}

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  const limit = taskLimit(CHECKS_AT_ONCE);
  const builds = new Map(GROUPS.map((group) => [group.name, limit(() => build(group))]));
  const shared = Promise.all(builds.values()).then(installSharedVenv);
  for (const group of GROUPS) {
    const built = builds.get(group.name) ?? Promise.reject(new Error(`${group.name} not built`));
    const venv = group.name === REPRESENTATIVE ? built.then(() => installOwnVenv(group)) : shared;
    const ready = Promise.all([built, venv]).then(([workflowId, path]) => ({
      workflowId,
      venv: path,
    }));
    prepared.set(group.name, settled(ready));
    checked.set(
      group.name,
      settled(ready.then(({ venv: path }) => limit(() => check(group, path)))),
    );
  }
  // Every server phase needs the builds; failing here names the broken build at once.
  await Promise.all(builds.values());
});

afterAll(async () => {
  await Promise.allSettled([...checked.values()]);
  await simulator?.close();
  rmSync(WORK, { recursive: true, force: true });
});

for (const group of GROUPS) {
  describe.sequential(group.name, () => {
    let workflowId = '';
    let venv = '';

    // Router state and embedding caches live in the servers: for workflows with such nodes both
    // servers start fresh for each exchange, as the TypeScript conformance test's app does.
    const stateful = /"(llmRouter|embeddingGenerate)"/.test(readFileSync(group.file, 'utf8'));
    let shared: [Server, Server] | undefined;

    async function startServers(extra: Record<string, string> = {}): Promise<[Server, Server]> {
      const env = { ...serverEnvironment(simulator.url), ...extra };
      const [pythonPort = 0, typescriptPort = 0] = await freePorts(2);
      const started = await Promise.allSettled([
        startServer(
          join(venv, 'bin', 'python'),
          [
            '-m',
            'uvicorn',
            'app.main:app',
            '--host',
            '127.0.0.1',
            '--port',
            String(pythonPort),
            '--no-access-log',
          ],
          group.project,
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
        const servers = shared;
        return withServerOutput(servers, () => body(...servers));
      }
      const servers = await startServers(environment);
      try {
        return await withServerOutput(servers, () => body(...servers));
      } finally {
        await Promise.all(servers.map(stopServer));
      }
    }

    afterAll(async () => {
      await Promise.all((shared ?? []).map(stopServer));
    });

    beforeAll(async () => {
      ({ workflowId, venv } = await (prepared.get(group.name) ??
        Promise.reject(new Error('not prepared'))));
    });

    it('passes ruff check, ruff format --check, mypy --strict, the dependency check and its own pytest suite', async () => {
      const tests = await checked.get(group.name);
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
        // Each server meets the simulator as it was at the start: its state (the prompt cache
        // that a first run writes and a second one reads) must not favour the second server.
        const fromPython = await exchange(pythonServer.url, sample, workflowId);
        simulator.reset();
        const fromTypescript = await exchange(typescriptServer.url, sample, workflowId);
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
          // Without a reconnect grace a stream's run stops with its connection (with the
          // default 15 s one it would wait for a resume first: docs/protocol.md).
        }, NO_RECONNECT_GRACE);
      });
    }
  });
}
