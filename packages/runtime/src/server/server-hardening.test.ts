import { connect } from 'node:net';
import { createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { WorkflowDefinition } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conformanceEnvironment, parseEventStream } from '../testing/conformance-vector.js';
import { createCatalystApp } from './create-catalyst-app.js';
import { createServerLogger } from './request-log.js';
import { serveNode } from './serve-node.js';

// Shutdown, Connection: close and the access log, through real sockets where the behaviour is
// the socket's. The limits, 405, auth and CORS are conformance vectors (conformance/workflows/http-*).

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
    { id: 'output', type: 'output' },
  ],
  edges: [
    { from: 'input', to: 'answer' },
    { from: 'answer', to: 'output' },
  ],
};

const SLOW = 'one two three four five six seven eight [[sim {"timing":{"tokenDelayMs":100}}]]';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

function appWith(extra: Partial<Parameters<typeof createCatalystApp>[0]> = {}) {
  return createCatalystApp({
    workflows: [chat],
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment: {},
    ...extra,
  });
}

function streamRequest(question: string, headers: Record<string, string> = {}): Request {
  return new Request('http://catalyst.test/workflows/chat/stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ question }),
  });
}

describe('graceful shutdown (drain)', () => {
  it('refuses new requests with 503 + Retry-After and ends runs past the grace period with a retryable unavailable error', async () => {
    simulator.reset();
    const app = appWith();
    const response = await app.fetch(streamRequest(SLOW));
    const body = response.text();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(app.inFlight()).toBe(1);
    const drained = app.drain({ graceMs: 100 });
    const refused = await app.fetch(streamRequest('hi'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({
      error: { kind: 'unavailable', message: 'the server is shutting down; retry the request' },
    });
    await drained;
    const events = parseEventStream(await body);
    expect(events.filter(([name]) => name === 'token').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual([
      'error',
      {
        kind: 'unavailable',
        message: 'the server is shutting down; retry the request',
        retryable: true,
      },
    ]);
    expect(app.inFlight()).toBe(0);
    await app.close();
  });

  it('lets a run that ends within the grace period finish with done', async () => {
    simulator.reset();
    const app = appWith();
    const response = await app.fetch(streamRequest('short [[sim {"timing":{"tokenDelayMs":20}}]]'));
    const body = response.text();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await app.drain({ graceMs: 5000 });
    expect(parseEventStream(await body).at(-1)?.[0]).toBe('done');
    await app.close();
  });
});

describe('signals', () => {
  it('never combines a signal that outlives its request (AbortSignal.any keeps each one forever)', async () => {
    // Node keeps a WeakRef per AbortSignal.any() call in every signal it combines until that
    // signal is collected (nodejs/node#55351): a server-wide signal in there grows the heap with
    // every request. So no signal may be combined in two different requests.
    const combined = new Map<AbortSignal, number>();
    const original = AbortSignal.any.bind(AbortSignal);
    let request = 0;
    const spy = vi.spyOn(AbortSignal, 'any').mockImplementation((signals) => {
      for (const signal of signals) {
        const first = combined.get(signal);
        if (first === undefined) combined.set(signal, request);
        else if (first !== request) throw new Error('a signal was combined in two requests');
      }
      return original(signals);
    });
    const app = appWith();
    try {
      for (request = 0; request < 3; request += 1) {
        const run = await app.fetch(
          new Request('http://catalyst.test/workflows/chat/run', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ question: 'hi' }),
          }),
        );
        expect(run.status).toBe(200);
        const stream = await app.fetch(streamRequest('hello'));
        expect(parseEventStream(await stream.text()).at(-1)?.[0]).toBe('done');
      }
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      await app.close();
    }
  });
});

describe('Connection: close on an event stream', () => {
  it('closes the socket right after the terminal event', async () => {
    simulator.reset();
    const app = appWith();
    const server = await serveNode(app, { port: 0, host: '127.0.0.1' });
    try {
      const body = JSON.stringify({ question: 'hello' });
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      let doneAt = 0;
      const closedAt = await new Promise<number>((resolve, reject) => {
        socket.on('data', (chunk) => {
          received += chunk.toString();
          if (doneAt === 0 && received.includes('event: done')) doneAt = Date.now();
        });
        socket.on('close', () => resolve(Date.now()));
        socket.on('error', reject);
        socket.write(
          `POST /workflows/chat/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      expect(received).toMatch(/\r\nconnection: close\r\n/i);
      expect(doneAt).toBeGreaterThan(0);
      // Before the fix the socket stayed open for Node's 5 s keep-alive timeout.
      expect(closedAt - doneAt).toBeLessThan(1000);
    } finally {
      await server.close();
      await app.close();
    }
  });
});

describe('access log', () => {
  it('writes one JSON line per request with id, workflow, status, timing, tokens and cost; echoes the id', async () => {
    simulator.reset();
    const lines: string[] = [];
    const logger = createServerLogger({
      stream: { write: (text: string) => lines.push(text), isTTY: false },
      level: 'info',
    });
    let clock = 1_000;
    const app = appWith({ logger, now: () => (clock += 5), createRequestId: () => 'generated-1' });
    const response = await app.fetch(streamRequest('hi', { 'x-request-id': 'client-42' }));
    expect(response.headers.get('x-request-id')).toBe('client-42');
    await response.text();
    const refused = await app.fetch(
      new Request('http://catalyst.test/workflows/chat/run', { method: 'POST', body: 'x' }),
    );
    expect(refused.headers.get('x-request-id')).toBe('generated-1');
    expect(lines).toHaveLength(2);
    const [streamed, rejected] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(streamed).toMatchObject({
      level: 'info',
      requestId: 'client-42',
      method: 'POST',
      path: '/workflows/chat/stream',
      workflow: 'chat',
      status: 200,
      errorKind: null,
    });
    expect(streamed?.durationMs).toEqual(expect.any(Number));
    expect(streamed?.timeToFirstTokenMs).toEqual(expect.any(Number));
    expect(streamed?.tokens).toBeGreaterThan(0);
    expect(streamed?.costUsd).toEqual(expect.any(Number));
    expect(rejected).toMatchObject({
      level: 'warn',
      status: 415,
      errorKind: 'unsupported_media_type',
    });
    // The log holds no prompt or reply text.
    expect(lines.join('')).not.toContain('hi"');
    await app.close();
  });

  it('prints stack traces only at debug', () => {
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text), isTTY: false };
    createServerLogger({ stream, level: 'info' }).message('error', 'boom', { stack: 'at x' });
    createServerLogger({ stream, level: 'debug' }).message('error', 'boom', { stack: 'at x' });
    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('stack');
    expect(JSON.parse(lines[1] ?? '{}')).toHaveProperty('stack', 'at x');
  });
});
