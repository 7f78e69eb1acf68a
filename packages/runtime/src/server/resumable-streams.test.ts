import { createProviderRegistry } from '@catalyst/providers';
import { type RunningRedis, startRedisServer } from '@catalyst/providers/testing';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { WorkflowDefinition } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceEnvironment, parseEventFrames } from '../testing/conformance-vector.js';
import { type CatalystAppOptions, createCatalystApp } from './create-catalyst-app.js';
import { type RunningServer, serveNode } from './serve-node.js';

// Streams outlive their connection: a client that reconnects with Last-Event-ID gets the rest of
// the same run (one provider call), on the same server or on another one sharing Redis.

const chat: WorkflowDefinition = {
  id: 'chat',
  name: 'Chat',
  input: {
    type: 'object',
    properties: { question: { type: 'string' } },
    required: ['question'],
  },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'answer',
      type: 'openaiCompletion',
      config: { model: 'gpt-4.1-mini', prompt: '{{ input.question }}' },
    },
    { id: 'output', type: 'output', config: { value: '{{ nodes.answer.text }}' } },
  ],
  edges: [
    { from: 'input', to: 'answer' },
    { from: 'answer', to: 'output' },
  ],
};

/** A reply of 16 tokens, 60 ms apart: long enough to cut in the middle. */
const SLOW_QUESTION = 'a b c d e f g h i j k l m n o p [[sim {"timing":{"tokenDelayMs":60}}]]';

let simulator: RunningSimulator;
let redis: RunningRedis;
const servers: RunningServer[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  for (const close of closers) await close();
  await simulator.close();
  await redis.close();
});

async function serve(options: Partial<CatalystAppOptions> = {}): Promise<RunningServer> {
  const app = createCatalystApp({
    workflows: [chat],
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment: {},
    ...options,
  });
  const server = await serveNode(app, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  closers.push(() => app.close());
  return server;
}

function startStream(server: RunningServer, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/workflows/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: SLOW_QUESTION }),
    ...(signal && { signal }),
  });
}

function resumeStream(server: RunningServer, lastEventId: string): Promise<Response> {
  return fetch(`${server.url}/workflows/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'last-event-id': lastEventId },
    // A reconnect sends the same request again.
    body: JSON.stringify({ question: SLOW_QUESTION }),
  });
}

/** Reads frames until `count` events arrived, then cuts the connection. */
async function readThenCut(
  response: Response,
  controller: AbortController,
  count: number,
): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  while (parseEventFrames(text.slice(0, text.lastIndexOf('\n\n') + 2)).length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  await reader.cancel().catch(() => {});
  return text.slice(0, text.lastIndexOf('\n\n') + 2);
}

function tokensOf(text: string): string {
  return parseEventFrames(text)
    .filter((frame) => frame.name === 'token')
    .map((frame) => (frame.data as { text: string }).text)
    .join('');
}

function chatRequests(): number {
  return simulator.requests().filter((request) => request.operation === 'chat').length;
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('resumable streams', () => {
  it('resumes a cut connection from Last-Event-ID: replayed, then live, without a second run', async () => {
    const server = await serve();
    simulator.reset();
    const controller = new AbortController();
    const first = await startStream(server, controller.signal);
    const runId = first.headers.get('x-catalyst-run-id') ?? '';
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    // node input started/finished, answer started, then two tokens.
    const before = await readThenCut(first, controller, 5);
    const seen = parseEventFrames(before);
    expect(seen.map((frame) => frame.id)).toEqual([1, 2, 3, 4, 5].map((seq) => `${runId}:${seq}`));

    // Let the run go on a little while nobody reads: those events come back from the buffer.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const resumed = await resumeStream(server, `${runId}:5`);
    expect(resumed.headers.get('x-catalyst-run-id')).toBe(runId);
    const after = parseEventFrames(await resumed.text());
    expect(after[0]?.id).toBe(`${runId}:6`);
    expect(after.map((frame) => frame.id)).toEqual(
      after.map((_, index) => `${runId}:${6 + index}`),
    );
    expect(after.at(-1)?.name).toBe('done');
    const answer = (after.at(-1)?.data as { text?: string } | undefined)?.text;
    expect(tokensOf(before) + tokensOf(after.map(frameText).join(''))).toBe(answer);
    expect(chatRequests()).toBe(1);
    expect(simulator.requests()[0]?.clientClosedEarly).toBe(false);
  });

  it('replays a finished run to EventSource (GET) and ends a resume of an expired run with an expired error', async () => {
    const server = await serve({ streamRetentionMs: 150 });
    simulator.reset();
    const response = await fetch(`${server.url}/workflows/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'hello there' }),
    });
    const full = parseEventFrames(await response.text());
    const runId = response.headers.get('x-catalyst-run-id') ?? '';
    const replay = await fetch(`${server.url}/workflows/chat/runs/${runId}/stream`);
    expect(parseEventFrames(await replay.text())).toEqual(full);
    // A path that cannot name a run is an unknown resource.
    const malformed = await fetch(`${server.url}/workflows/chat/runs/not%20a%20run/stream`);
    expect(malformed.status).toBe(404);
    expect(await malformed.json()).toEqual({
      error: {
        kind: 'not_found',
        message:
          'no run "not a run" of workflow "chat": a run id is 1 to 128 letters, digits, "_" or "-"',
      },
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    const expired = parseEventFrames(await (await resumeStream(server, `${runId}:2`)).text());
    expect(expired).toEqual([
      {
        id: `${runId}:3`,
        name: 'error',
        data: {
          kind: 'expired',
          message: `run "${runId}" of workflow "chat" cannot be resumed: this server keeps a finished run's events for 0.15 s (and at most 200000 events of finished runs) and has none for it; start a new run`,
          retryable: false,
        },
      },
    ]);
    expect(chatRequests()).toBe(1);
  });

  it('stops a run nobody reconnects to once the reconnect grace is over', async () => {
    const server = await serve({ streamReconnectMs: 150 });
    simulator.reset();
    const controller = new AbortController();
    await readThenCut(await startStream(server, controller.signal), controller, 4);
    await new Promise((resolve) => setTimeout(resolve, 80));
    // Still running inside the grace period…
    expect(simulator.requests()[0]?.finished).toBe(false);
    // …and stopped after it: the provider connection is closed early.
    await until(() => simulator.requests()[0]?.clientClosedEarly === true);
    expect(simulator.requests()[0]?.clientClosedEarly).toBe(true);
  });

  it('resumes on another server sharing Redis, live while the run goes on', async () => {
    const environment = { REDIS_URL: redis.url };
    const a = await serve({ environment, streamReconnectMs: 2_000 });
    const b = await serve({ environment, streamReconnectMs: 2_000 });
    simulator.reset();
    const controller = new AbortController();
    const first = await startStream(a, controller.signal);
    const runId = first.headers.get('x-catalyst-run-id') ?? '';
    const before = await readThenCut(first, controller, 5);
    // Reconnect to the other server while the run still streams on the first.
    const resumed = await resumeStream(b, `${runId}:5`);
    const text = await resumed.text();
    const after = parseEventFrames(text);
    expect(after.map((frame) => frame.id)).toEqual(
      after.map((_, index) => `${runId}:${6 + index}`),
    );
    expect(after.at(-1)?.name).toBe('done');
    const answer = (after.at(-1)?.data as { text?: string } | undefined)?.text;
    expect(tokensOf(before) + tokensOf(text)).toBe(answer);
    expect(chatRequests()).toBe(1);
    expect(simulator.requests()[0]?.clientClosedEarly).toBe(false);
    // An unknown run on B: the expired error, not a hang.
    const unknown = parseEventFrames(
      await (await resumeStream(b, '0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d:0')).text(),
    );
    expect(unknown.map((frame) => [frame.id, frame.name])).toEqual([
      ['0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d:1', 'error'],
    ]);
  });
});

function frameText(frame: { id: string | undefined; name: string; data: unknown }): string {
  return `id: ${frame.id}\nevent: ${frame.name}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}
