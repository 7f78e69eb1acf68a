import { createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceEnvironment } from '../testing/conformance-vector.js';
import { questionWorkflow } from '../testing/question-workflow.js';
import { createCatalystApp } from './create-catalyst-app.js';
import { type RunningServer, serveNode } from './serve-node.js';

const chat = questionWorkflow({ description: 'Answers a question' });

let simulator: RunningSimulator;
let server: RunningServer;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  const app = createCatalystApp({
    workflows: [chat],
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment: {},
    keepAliveMs: 60,
    // A disconnect stops the run at once here; resumable-streams.test.ts covers the grace.
    streamReconnectMs: 0,
  });
  server = await serveNode(app, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
  await simulator.close();
});

function post(path: string, body: string, signal?: AbortSignal) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    ...(signal && { signal }),
  });
}

/** Reads SSE frames as they arrive, with the time each arrived. */
async function* frames(response: Response): AsyncGenerator<{ raw: string; at: number }> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let buffer = '';
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      yield { raw: buffer.slice(0, end + 2), at: Date.now() };
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

describe('Catalyst HTTP server', () => {
  it('answers health, the workflow list and an OpenAPI document', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({
      status: 'ok',
      workflows: 1,
    });
    const list = (await (await fetch(`${server.url}/workflows`)).json()) as {
      workflows: unknown[];
    };
    expect(list.workflows).toEqual([
      { id: 'chat', name: 'Chat', description: 'Answers a question', input: chat.input },
    ]);
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(openapi.paths)).toContain('/workflows/chat/stream');
  });

  it('streams with the SSE headers, one event per frame, first token before the provider finished', async () => {
    simulator.reset();
    const question = 'one two three four five six [[sim {"timing":{"tokenDelayMs":40}}]]';
    const response = await post('/workflows/chat/stream', JSON.stringify({ question }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('connection')).toBe('keep-alive');

    const events: Array<{ name: string; data: Record<string, unknown> }> = [];
    let providerFinishedAtFirstToken: boolean | undefined;
    for await (const frame of frames(response)) {
      if (frame.raw.startsWith(':')) continue;
      const match = /^id: [0-9a-f-]{36}:\d+\nevent: ([\w-]+)\ndata: (.*)\n\n$/.exec(frame.raw);
      expect(match, `frame ${JSON.stringify(frame.raw)}`).not.toBeNull();
      const [, name = '', data = ''] = match ?? [];
      if (name === 'token' && providerFinishedAtFirstToken === undefined) {
        providerFinishedAtFirstToken = simulator.requests().at(-1)?.finished;
      }
      events.push({ name, data: JSON.parse(data) as Record<string, unknown> });
    }
    expect(providerFinishedAtFirstToken).toBe(false);
    const tokens = events.filter((event) => event.name === 'token');
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens[0]?.data).toEqual({ node: 'answer', text: expect.any(String) });
    expect(events.at(-1)?.name).toBe('done');
    expect(events.filter((event) => ['done', 'error'].includes(event.name))).toHaveLength(1);
  });

  it('sends keep-alive comments while the provider is silent', async () => {
    const question = 'hi [[sim {"timing":{"firstTokenMs":300}}]]';
    const response = await post('/workflows/chat/stream', JSON.stringify({ question }));
    const raw: string[] = [];
    for await (const frame of frames(response)) raw.push(frame.raw);
    expect(raw).toContain(': keep-alive\n\n');
  });

  it('aborts the provider call when the client disconnects', async () => {
    simulator.reset();
    const controller = new AbortController();
    const question = 'a b c d e f g h i j k l m n o p [[sim {"timing":{"tokenDelayMs":100}}]]';
    const response = await post(
      '/workflows/chat/stream',
      JSON.stringify({ question }),
      controller.signal,
    );
    for await (const frame of frames(response)) {
      if (frame.raw.includes('\nevent: token')) break;
    }
    controller.abort();
    let closedEarly: boolean | undefined;
    for (let attempt = 0; attempt < 40 && !closedEarly; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      closedEarly = simulator
        .requests()
        .find((request) => request.operation === 'chat')?.clientClosedEarly;
    }
    expect(closedEarly).toBe(true);
  });

  it('returns the JSON result from /run', async () => {
    const response = await post('/workflows/chat/run', JSON.stringify({ question: 'Hello' }));
    expect(response.status).toBe(200);
    const result = (await response.json()) as { output: { answer: string }; tokenCount: number };
    expect(result.output.answer).toContain('Hello');
    expect(result.tokenCount).toBeGreaterThan(0);
  });

  it.each([
    [
      'not JSON',
      '/workflows/chat/run',
      '{"question":',
      400,
      { kind: 'invalid_json', message: 'the request body is not valid JSON' },
    ],
    ['empty body', '/workflows/chat/stream', '', 400, { kind: 'invalid_json' }],
    [
      'unknown workflow',
      '/workflows/nope/run',
      '{}',
      404,
      { kind: 'not_found', message: 'no workflow "nope"; this server runs: "chat"' },
    ],
    [
      'input failing the schema',
      '/workflows/chat/stream',
      '{"question":"","extra":1}',
      422,
      {
        kind: 'invalid_input',
        problems: [
          { path: '/question', message: 'must be at least 1 characters long' },
          { path: '/extra', message: 'is not allowed' },
        ],
      },
    ],
    [
      'missing field',
      '/workflows/chat/run',
      '{}',
      422,
      { problems: [{ path: '/question', message: 'is required' }] },
    ],
  ])('answers %s with a %s JSON error', async (_name, path, body, status, error) => {
    const response = await post(path, body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { error: unknown }).error).toMatchObject(error);
  });

  it('maps a provider failure on /run to a 502 with the node and kind', async () => {
    const question = 'x [[sim {"fault":{"type":"http","kind":"auth"}}]]';
    const response = await post('/workflows/chat/run', JSON.stringify({ question }));
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      kind: 'auth',
      node: 'answer',
      retryable: false,
    });
  });

  it('ends a failing stream with an error event', async () => {
    const question = 'a b c d [[sim {"fault":{"type":"disconnect","afterChunks":2}}]]';
    const response = await post('/workflows/chat/stream', JSON.stringify({ question }));
    const raw: string[] = [];
    for await (const frame of frames(response)) raw.push(frame.raw);
    expect(raw.at(-1)).toMatch(/^id: \S+\nevent: error\ndata: \{"node":"answer","kind":"network"/);
  });
});
