import { type ChatRequest, ProviderError } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { collectEvents } from '../testing/index.js';
import { collectResult } from './collect-result.js';
import { createProviderError } from './create-provider-error.js';
import { type ProviderStreamOptions, providerStream } from './provider-stream.js';
import type { RawPart } from './raw-part.js';

// These tests drive the shared streaming loop with scripted attempts; the adapters' own tests
// go through real HTTP against the simulator.

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

function rateLimited(retryAfterMs?: number): ProviderError {
  return createProviderError({
    provider: 'openai',
    kind: 'rate_limit',
    status: 429,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

function options(
  attempts: Array<(signal: AbortSignal) => AsyncIterable<RawPart>>,
  overrides: Partial<ProviderStreamOptions> = {},
): ProviderStreamOptions & { sleeps: number[]; opened: () => number } {
  const sleeps: number[] = [];
  let opened = 0;
  return {
    provider: 'openai',
    request: request(),
    catalog: ModelCatalog.default(),
    open: (signal) => {
      const attempt = attempts[Math.min(opened, attempts.length - 1)];
      opened += 1;
      if (!attempt) throw new Error('no attempt scripted');
      return attempt(signal);
    },
    toProviderError: (error) =>
      error instanceof ProviderError
        ? error
        : createProviderError({ provider: 'openai', kind: 'network', detail: String(error) }),
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
    random: () => 0,
    sleeps,
    opened: () => opened,
    ...overrides,
  };
}

async function* reply(...parts: RawPart[]): AsyncGenerator<RawPart> {
  for (const part of parts) yield part;
}

async function* failing(error: unknown, ...before: RawPart[]): AsyncGenerator<RawPart> {
  for (const part of before) yield part;
  throw error;
}

const finish: RawPart[] = [
  { type: 'usage', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } },
  { type: 'finish', finishReason: 'stop' },
];

describe('providerStream', () => {
  it('forwards tokens and ends with one done carrying usage and cost', async () => {
    const events = await collectEvents(
      providerStream(
        options([
          () => reply({ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }, ...finish),
        ]),
      ),
    );
    expect(events.map((event) => event.type)).toEqual(['token', 'token', 'done']);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', text: 'Hello', finishReason: 'stop' });
    if (done?.type !== 'done') throw new Error('expected done');
    expect(done.usage.totalTokens).toBe(2_000_000);
    // gpt-4.1-mini: 0.40 in + 1.60 out per million tokens.
    expect(done.cost?.totalUsd).toBeCloseTo(2.0, 6);
  });

  it('retries a rate limit before the first token, waiting the retry-after', async () => {
    const run = options([
      () => failing(rateLimited(1500)),
      () => reply({ type: 'text', text: 'ok' }, ...finish),
    ]);
    const events = await collectEvents(providerStream(run));
    expect(events.map((event) => event.type)).toEqual(['retry', 'token', 'done']);
    expect(run.sleeps).toEqual([1500]);
  });

  it('backs off exponentially without retry-after and gives up after maxRetries', async () => {
    const run = options([() => failing(rateLimited())]);
    const events = await collectEvents(providerStream(run));
    expect(events.map((event) => event.type)).toEqual(['retry', 'retry', 'error']);
    expect(run.sleeps).toEqual([500, 1000]);
    expect(run.opened()).toBe(3);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { kind: 'rate_limit', retryable: true },
    });
  });

  it('never retries once tokens went out, and reports the partial text', async () => {
    const run = options([() => failing(rateLimited(), { type: 'text', text: 'half' })]);
    const events = await collectEvents(providerStream(run));
    expect(events.map((event) => event.type)).toEqual(['token', 'error']);
    expect(events.at(-1)).toMatchObject({ partialText: 'half' });
    expect(run.opened()).toBe(1);
  });

  it('does not retry errors that are not retryable', async () => {
    const auth = createProviderError({ provider: 'openai', kind: 'auth', status: 401 });
    const run = options([() => failing(auth)]);
    const events = await collectEvents(providerStream(run));
    expect(events.map((event) => event.type)).toEqual(['error']);
    expect(events[0]).toMatchObject({ error: { kind: 'auth' } });
    expect((events[0] as { error: { message: string } }).error.message).toContain('OPENAI_API_KEY');
  });

  it('ends with an aborted error at once when the caller aborts a silent stream', async () => {
    const controller = new AbortController();
    const never = (signal: AbortSignal): AsyncIterable<RawPart> => ({
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<RawPart>>(() => void signal),
      }),
    });
    const run = options([never], { request: request({ signal: controller.signal }) });
    setTimeout(() => controller.abort(), 20);
    const events = await collectEvents(providerStream(run));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'error',
      error: { kind: 'aborted', retryable: false },
    });
  });

  it('times out an attempt with no first token and retries it', async () => {
    let calls = 0;
    const silentThenOk = (signal: AbortSignal): AsyncIterable<RawPart> => {
      calls += 1;
      if (calls === 1) {
        return {
          [Symbol.asyncIterator]: () => ({
            next: () => new Promise<IteratorResult<RawPart>>(() => void signal),
          }),
        };
      }
      return reply({ type: 'text', text: 'late' }, ...finish);
    };
    const run = options([silentThenOk, silentThenOk], {
      request: request({ firstTokenTimeoutMs: 30 }),
    });
    const events = await collectEvents(providerStream(run));
    expect(events.map((event) => event.type)).toEqual(['retry', 'token', 'done']);
    expect(events[0]).toMatchObject({ error: { kind: 'timeout' } });
  });

  it('assembles streamed tool calls in index order and parses their arguments', async () => {
    const run = options([
      () =>
        reply(
          { type: 'tool-call-delta', index: 1, id: 'b', name: 'price', argumentsDelta: '' },
          { type: 'tool-call-delta', index: 0, id: 'a', name: 'weather', argumentsDelta: '{"ci' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: 'ty":"Oslo"}' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '{"ticker":"AAPL"}' },
          { type: 'finish', finishReason: 'tool_calls' },
        ),
    ]);
    const result = await collectResult(providerStream(run));
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'a', name: 'weather', arguments: '{"city":"Oslo"}', input: { city: 'Oslo' } },
      { id: 'b', name: 'price', arguments: '{"ticker":"AAPL"}', input: { ticker: 'AAPL' } },
    ]);
  });

  it('refuses a retired model before any request, naming the replacement', async () => {
    const run = options([() => reply(...finish)], {
      provider: 'anthropic',
      request: request({ model: 'claude-3-sonnet-20240229' }),
    });
    const events = await collectEvents(providerStream(run));
    expect(run.opened()).toBe(0);
    expect(events[0]).toMatchObject({ type: 'error', error: { kind: 'model_not_found' } });
    expect((events[0] as { error: { message: string } }).error.message).toContain(
      'claude-sonnet-4-6',
    );
  });

  it('lists available models when the provider does not know the model', async () => {
    const notFound = createProviderError({
      provider: 'openai',
      kind: 'model_not_found',
      status: 404,
      detail: 'The model `gpt-9` does not exist',
    });
    const events = await collectEvents(providerStream(options([() => failing(notFound)])));
    const message = (events.at(-1) as { error: { message: string } }).error.message;
    expect(message).toContain('gpt-9');
    expect(message).toContain('gpt-4.1-mini');
  });

  it('parses JSON-mode output into done.json', async () => {
    const run = options(
      [() => reply({ type: 'text', text: '{"a":' }, { type: 'text', text: '1}' }, ...finish)],
      {
        request: request({ responseFormat: { type: 'json_object' } }),
      },
    );
    const result = await collectResult(providerStream(run));
    expect(result.json).toEqual({ a: 1 });
  });
});
