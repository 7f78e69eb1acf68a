// The reliability suite of issue 12: both runtimes, served over real sockets, against every
// provider × every simulator fault; client disconnects in bulk; schemathesis against both
// servers' /openapi.json. The Python server is the real runtime under uvicorn
// (python/tests/runtime/serve_workflows.py), started once with every workflow of this file.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conformanceEnvironment,
  parseEventStream,
  REPOSITORY_ROOT,
} from '../testing/conformance-vector.js';
import { type RunningPythonServer, startPythonServer } from '../testing/python-server.js';
import { type CatalystApp, createCatalystApp } from './create-catalyst-app.js';
import { type RunningServer, serveNode } from './serve-node.js';

const SCHEMATHESIS = join(REPOSITORY_ROOT, '.venv', 'bin', 'schemathesis');

/**
 * Server-wide stream timeouts for this suite (the defaults are 120 s and 30 s): small, so a
 * stalled provider ends its stream in a few seconds, yet long enough that a healthy reply on a
 * heavily loaded two-core machine (load average 15 seen) is not taken for a stall.
 */
const FIRST_TOKEN_TIMEOUT_MS = 1_500;
const IDLE_TIMEOUT_MS = 1_500;
/**
 * Every stream of the matrix must end within this. The slowest case is a stall before the first
 * token: two attempts (maxRetries 1) of FIRST_TOKEN_TIMEOUT_MS plus the retry backoff; the
 * rest is headroom for a loaded two-core machine. The defaults would take minutes.
 */
const STREAM_BOUND_MS = 12_000;
/** Time the Python server gets to import, build its app and listen (a cold machine is slow). */
const PYTHON_READY_MS = 90_000;

const QUESTION_INPUT = {
  type: 'object',
  properties: { question: { type: 'string', minLength: 1 } },
  required: ['question'],
  additionalProperties: false,
} as const;

/** One provider of the matrix: the node that reaches it. */
interface ProviderCase {
  provider: string;
  node: { type: string; config: Record<string, JsonValue> };
}

const COMMON = { prompt: '{{ input.question }}', maxRetries: 1 } as const;

const PROVIDERS: ProviderCase[] = [
  { provider: 'anthropic', node: { type: 'anthropicCompletion', config: { ...COMMON } } },
  {
    provider: 'openai',
    node: { type: 'openaiCompletion', config: { ...COMMON, model: 'gpt-4.1-mini' } },
  },
  {
    provider: 'azure',
    node: { type: 'azureOpenaiCompletion', config: { ...COMMON, model: 'my-gpt-deployment' } },
  },
  { provider: 'groq', node: { type: 'groqCompletion', config: { ...COMMON } } },
  { provider: 'gemini', node: { type: 'geminiCompletion', config: { ...COMMON } } },
  { provider: 'xai', node: { type: 'grokCompletion', config: { ...COMMON } } },
  {
    // No completion node speaks to an arbitrary OpenAI-compatible server; a router target does.
    provider: 'openai-compatible',
    node: {
      type: 'llmRouter',
      config: {
        ...COMMON,
        routes: [],
        default: { provider: 'openai-compatible', model: 'llama3.2' },
      },
    },
  },
];

function workflowFor(providerCase: ProviderCase): WorkflowDefinition {
  return {
    id: providerCase.provider,
    name: `Reliability ${providerCase.provider}`,
    input: QUESTION_INPUT,
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'answer', type: providerCase.node.type, config: providerCase.node.config },
      { id: 'output', type: 'output', config: { value: { answer: '{{ nodes.answer.text }}' } } },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  } as WorkflowDefinition;
}

/**
 * The same workflows with per-node timeouts of a minute, for the disconnect test: its clients
 * leave after the first token, so the short server-wide timeouts only add load-dependent noise.
 */
function patientWorkflowFor(providerCase: ProviderCase): WorkflowDefinition {
  const workflow = workflowFor(providerCase);
  const answer = workflow.nodes[1] as { config: Record<string, JsonValue> };
  answer.config = { ...answer.config, firstTokenTimeoutMs: 60_000, idleTimeoutMs: 60_000 };
  return { ...workflow, id: `${providerCase.provider}-patient` };
}

const WORKFLOWS = [...PROVIDERS.map(workflowFor), ...PROVIDERS.map(patientWorkflowFor)];

/** One simulator fault of the matrix, as an inline directive, and the terminal event it ends in. */
interface FaultCase {
  name: string;
  directive: (provider: string) => JsonValue;
  terminal: 'done' | 'error';
}

const http = (kind: string, extra: Record<string, JsonValue> = {}) => ({
  fault: { type: 'http', kind, ...extra },
});

const FAULTS: FaultCase[] = [
  { name: 'no fault', directive: () => ({}), terminal: 'done' },
  { name: '401', directive: () => http('auth'), terminal: 'error' },
  { name: '404 model', directive: () => http('model_not_found'), terminal: 'error' },
  { name: '400 context length', directive: () => http('context_length'), terminal: 'error' },
  {
    name: '429 + retry-after',
    directive: () => http('rate_limit', { retryAfterSeconds: 1, retryAfterMs: 100 }),
    terminal: 'error',
  },
  { name: '500', directive: () => http('server'), terminal: 'error' },
  {
    name: '529/503 overloaded',
    directive: (provider) => http('overloaded', provider === 'anthropic' ? { status: 529 } : {}),
    terminal: 'error',
  },
  {
    name: 'reset before first byte',
    directive: () => ({ fault: { type: 'reset' } }),
    terminal: 'error',
  },
  {
    name: 'disconnect mid-stream',
    directive: () => ({ fault: { type: 'disconnect', afterChunks: 2 } }),
    terminal: 'error',
  },
  {
    name: 'malformed chunk',
    directive: () => ({ fault: { type: 'malformed', afterChunks: 2 } }),
    terminal: 'error',
  },
  {
    name: 'stall before the first token',
    directive: () => ({ fault: { type: 'stall', afterChunks: 0 } }),
    terminal: 'error',
  },
  {
    name: 'stall mid-stream',
    directive: () => ({ fault: { type: 'stall', afterChunks: 2 } }),
    terminal: 'error',
  },
  {
    name: 'in-stream error event',
    directive: () => ({ fault: { type: 'stream-error', afterChunks: 2, kind: 'overloaded' } }),
    terminal: 'error',
  },
];

/** A server under test: its URL and, for the Python one, what it printed (shown on failure). */
interface ServerUnderTest {
  runtime: 'typescript' | 'python';
  url: string;
  output: () => string;
}

/**
 * How long a run whose client left waits for a reconnect before it is cancelled (resumable
 * streams; default 15 s). Short here, so the disconnect test sees the cancellation it causes.
 */
const RECONNECT_MS = 300;

let simulator: RunningSimulator;
let environment: Record<string, string>;
let typescriptApp: CatalystApp;
let typescriptServer: RunningServer;
let python: RunningPythonServer | undefined;
const servers: ServerUnderTest[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  environment = {
    ...conformanceEnvironment(simulator.url),
    OPENAI_COMPATIBLE_BASE_URL: `${simulator.url}/v1`,
    OPENAI_COMPATIBLE_API_KEY: 'compatible-reliability-0000',
    CATALYST_FIRST_TOKEN_TIMEOUT_MS: String(FIRST_TOKEN_TIMEOUT_MS),
    CATALYST_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    CATALYST_LOG_LEVEL: 'warn',
    CATALYST_SHUTDOWN_GRACE_MS: '0',
    CATALYST_STREAM_RECONNECT_MS: String(RECONNECT_MS),
  };
  const pythonServer = startPythonServer({
    workflows: WORKFLOWS,
    environment,
    readyMs: PYTHON_READY_MS,
  });
  typescriptApp = createCatalystApp({
    workflows: WORKFLOWS,
    providers: createProviderRegistry({ environment }),
    environment,
    streamReconnectMs: RECONNECT_MS,
  });
  typescriptServer = await serveNode(typescriptApp, { port: 0, host: '127.0.0.1' });
  servers.push({ runtime: 'typescript', url: typescriptServer.url, output: () => '' });
  python = await pythonServer;
  servers.push({ runtime: 'python', url: python.url, output: python.output });
}, PYTHON_READY_MS + 30_000);

afterAll(async () => {
  python?.close();
  await typescriptServer?.close();
  await typescriptApp?.close();
  await simulator?.close();
});

/** The question that carries `directive` to the simulator (workflow runtimes add no headers). */
function question(text: string, directive: JsonValue): string {
  return `${text} [[sim ${JSON.stringify(directive)}]]`;
}

/** Streams one run to its end; the events, the time it took, and whether it hit the bound. */
async function streamRun(options: {
  server: ServerUnderTest;
  workflow: string;
  question: string;
  boundMs: number;
}): Promise<{ status: number; events: Array<[string, JsonValue]>; ms: number; timedOut: boolean }> {
  const startedAt = performance.now();
  const signal = AbortSignal.timeout(options.boundMs);
  try {
    const response = await fetch(`${options.server.url}/workflows/${options.workflow}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: options.question }),
      signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      events: response.status === 200 ? parseEventStream(text) : [],
      ms: performance.now() - startedAt,
      timedOut: false,
    };
  } catch (error) {
    if (signal.aborted) {
      return { status: 0, events: [], ms: performance.now() - startedAt, timedOut: true };
    }
    throw error;
  }
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Error kinds per runtime, per provider and fault, for the cross-runtime comparison. */
const terminalKinds: Record<string, Record<string, string>> = { typescript: {}, python: {} };

describe.each(['typescript', 'python'] as const)('the %s server', (runtime) => {
  const server = () => {
    const found = servers.find((candidate) => candidate.runtime === runtime);
    if (!found) throw new Error(`the ${runtime} server did not start`);
    return found;
  };

  it(`ends every provider × fault stream (${PROVIDERS.length} × ${FAULTS.length}) with exactly one terminal event, in time`, async () => {
    const cases = PROVIDERS.flatMap((providerCase) =>
      FAULTS.map((fault) => ({ providerCase, fault })),
    );
    const results = await pool(
      cases.map(({ providerCase, fault }) => async () => {
        const result = await streamRun({
          server: server(),
          workflow: providerCase.provider,
          question: question(`reliability ${fault.name}`, fault.directive(providerCase.provider)),
          boundMs: STREAM_BOUND_MS,
        });
        return { providerCase, fault, result };
      }),
      6,
    );
    const problems: string[] = [];
    for (const { providerCase, fault, result } of results) {
      const label = `${providerCase.provider} / ${fault.name}`;
      const terminals = result.events.filter(([name]) => name === 'done' || name === 'error');
      const last = result.events.at(-1);
      const kind =
        last?.[0] === 'error' ? String((last[1] as { kind?: unknown }).kind) : (last?.[0] ?? '');
      (terminalKinds[runtime] as Record<string, string>)[label] = kind;
      if (result.timedOut) problems.push(`${label}: no end within ${STREAM_BOUND_MS} ms`);
      else if (result.status !== 200) problems.push(`${label}: HTTP ${result.status}`);
      else if (terminals.length !== 1) {
        problems.push(`${label}: ${terminals.length} terminal events`);
      } else if (last?.[0] !== fault.terminal) {
        problems.push(`${label}: ended with ${JSON.stringify(last)}, expected ${fault.terminal}`);
      }
    }
    const slowest = Math.max(...results.map(({ result }) => result.ms));
    console.log(
      `[reliability] ${runtime}: ${results.length} streams, slowest ${slowest.toFixed(0)} ms`,
    );
    expect(problems, server().output()).toEqual([]);
  }, 120_000);
});

/** Client disconnects per runtime: each aborts its stream after the first token. */
const DISCONNECTS = 200;

/** The p-th percentile (0–100) of `values`, nearest rank. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe.each(['typescript', 'python'] as const)('the %s server under disconnects', (runtime) => {
  it(`closes the upstream call of each of ${DISCONNECTS} clients that leave mid-stream`, async () => {
    const server = servers.find((candidate) => candidate.runtime === runtime);
    if (!server) throw new Error(`the ${runtime} server did not start`);
    // Slow enough that no provider finishes before its client leaves, even when a loaded machine
    // delays the close by seconds: about 16 s of tokens, longer than the 15 s the test waits for
    // the upstream calls to end (an upstream left open is then reported, never mistaken).
    const slow = { timing: { firstTokenMs: 0, tokenDelayMs: 40 } };
    const words = Array.from({ length: 400 }, (_, index) => `w${index}`).join(' ');
    const abortedAt = new Map<string, number>();
    const leave = async (index: number) => {
      const providerCase = PROVIDERS[index % PROVIDERS.length] as ProviderCase;
      const marker = `${runtime}-leave-${index}`;
      const controller = new AbortController();
      const response = await fetch(
        `${server.url}/workflows/${providerCase.provider}-patient/stream`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: question(`${marker} ${words}`, slow) }),
          signal: controller.signal,
        },
      );
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (reader && !text.includes('event: token')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`${marker}: the stream ended before its first token: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      abortedAt.set(marker, Date.now());
      controller.abort();
      await reader?.cancel().catch(() => {});
    };
    const startedAt = Date.now();
    await pool(
      Array.from({ length: DISCONNECTS }, (_, index) => () => leave(index)),
      25,
    );
    // Wait (bounded) for every upstream call of these clients to end.
    const mine = () =>
      simulator
        .requests()
        .filter(
          (entry) =>
            entry.startedAt >= startedAt &&
            JSON.stringify(entry.body).includes(`${runtime}-leave-`),
        );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && mine().some((entry) => !entry.finished)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const entries = mine();
    const lags: number[] = [];
    const open: string[] = [];
    for (const entry of entries) {
      const marker = /(\w+-leave-\d+)/.exec(JSON.stringify(entry.body))?.[1] ?? '';
      const at = abortedAt.get(marker);
      if (!entry.finished || !entry.clientClosedEarly) {
        open.push(
          `${marker} (${entry.provider}): finished ${entry.finished}, closed early ${entry.clientClosedEarly}`,
        );
      } else if (at !== undefined && entry.durationMs !== null) {
        lags.push(entry.startedAt + entry.durationMs - at);
      }
    }
    console.log(
      `[reliability] ${runtime}: ${DISCONNECTS} disconnects in ${Date.now() - startedAt} ms; upstream close lag (reconnect grace ${RECONNECT_MS} ms included) p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, max ${Math.max(...lags)} ms`,
    );
    // One run per client; a loaded machine may retry a slow first attempt (also closed early).
    const runs = new Set(
      entries.map((entry) => /(\w+-leave-\d+)/.exec(JSON.stringify(entry.body))?.[1]),
    );
    expect(runs.size).toBe(DISCONNECTS);
    expect(open, server.output()).toEqual([]);
  }, 120_000);
});

/**
 * Schemathesis (PyPI, installed by `npm run setup` from python/requirements-dev.txt) generates
 * requests from each server's own /openapi.json and checks every answer against it. Bounded: a
 * fixed seed and a few examples per operation.
 */
function runSchemathesis(url: string): Promise<{ code: number; output: string }> {
  // Schemathesis keeps a cache (.schemathesis/) in its working directory: not in the repository.
  const directory = mkdtempSync(join(tmpdir(), 'catalyst-schemathesis-'));
  return new Promise((resolve) => {
    execFile(
      SCHEMATHESIS,
      [
        'run',
        `${url}/openapi.json`,
        '--checks',
        'all',
        '--max-examples',
        '15',
        '--seed',
        '1',
        // One worker: Hypothesis describes its strategies' lambdas through Python's ast module,
        // which is not thread-safe on 3.11 ("AST constructor recursion depth mismatch").
        '--workers',
        '1',
        '--generation-database',
        'none',
        '--request-timeout',
        '20',
        '--no-color',
        // The disconnect test's copies of the workflows add nothing schemathesis has not seen.
        '--exclude-path-regex',
        '-patient/',
      ],
      { cwd: directory, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        rmSync(directory, { recursive: true, force: true });
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe.each(['typescript', 'python'] as const)('the %s server under schemathesis', (runtime) => {
  it('answers every generated request as its /openapi.json says', async () => {
    if (!existsSync(SCHEMATHESIS)) throw new Error(`${SCHEMATHESIS} is missing: run npm run setup`);
    const server = servers.find((candidate) => candidate.runtime === runtime);
    if (!server) throw new Error(`the ${runtime} server did not start`);
    const { code, output } = await runSchemathesis(server.url);
    const summary = output.split('\n').filter((line) => /passed|failed|error/i.test(line));
    console.log(`[reliability] ${runtime} schemathesis:\n${summary.slice(-6).join('\n')}`);
    expect(code, output).toBe(0);
  }, 300_000);
});

describe('both runtimes', () => {
  it('end each provider × fault stream with the same terminal event kind', () => {
    const { typescript, python } = terminalKinds;
    // Only when both matrices ran (a filtered run compares nothing).
    if (Object.keys(typescript ?? {}).length === 0 || Object.keys(python ?? {}).length === 0)
      return;
    expect(python).toEqual(typescript);
  });
});
