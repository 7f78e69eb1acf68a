import { type ChatRequest, ProviderError, type StreamEvent } from '@catalyst/spec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  resolveProviderSettings,
} from '../config/provider-settings.js';
import { createProviderError } from './create-provider-error.js';
import { type ProviderStreamOptions, providerStream } from './provider-stream.js';
import type { RawPart } from './raw-part.js';

// The clocks that keep a stream from ending in silence: first token, idle between chunks, and
// the per-attempt timeout. Scripted attempts stand in for a provider that stalls.

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
    maxRetries: 0,
    ...overrides,
  };
}

/** Yields `parts`, then hangs until the attempt is aborted (a stalled provider). */
function stallAfter(...parts: RawPart[]): (signal: AbortSignal) => AsyncIterable<RawPart> {
  return (signal) => ({
    async *[Symbol.asyncIterator]() {
      for (const part of parts) yield part;
      await new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    },
  });
}

function reply(...parts: RawPart[]): () => AsyncIterable<RawPart> {
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (const part of parts) yield part;
    },
  });
}

function options(
  attempts: Array<(signal: AbortSignal) => AsyncIterable<RawPart>>,
  overrides: Partial<ProviderStreamOptions> = {},
): ProviderStreamOptions {
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
    sleep: async () => {},
    random: () => 0,
    ...overrides,
  };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const finish: RawPart = { type: 'finish', finishReason: 'stop' };

afterEach(() => {
  vi.useRealTimers();
});

describe('providerStream timeouts', () => {
  it('ends a stream that stalls after its first token with a timeout error (idle clock)', async () => {
    const events = await collect(
      providerStream(
        options([stallAfter({ type: 'text', text: 'one ' })], {
          request: request({ idleTimeoutMs: 30 }),
        }),
      ),
    );
    expect(events.map((event) => event.type)).toEqual(['token', 'error']);
    expect(events[1]).toMatchObject({
      type: 'error',
      partialText: 'one ',
      error: { kind: 'timeout' },
    });
    const message = events[1]?.type === 'error' ? events[1].error.message : '';
    expect(message).toContain('nothing for 30 ms after the last chunk');
  });

  it('re-arms the idle clock on every chunk, so a slow but steady stream completes', async () => {
    const slow = () => ({
      async *[Symbol.asyncIterator]() {
        for (const text of ['a', 'b', 'c', 'd']) {
          await new Promise((resolve) => setTimeout(resolve, 15));
          yield { type: 'text', text } as RawPart;
        }
        yield finish;
      },
    });
    const events = await collect(
      providerStream(options([slow], { request: request({ idleTimeoutMs: 40 }) })),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'abcd' });
  });

  it('applies the built-in defaults when neither the request nor the settings set a timeout', async () => {
    vi.useFakeTimers();
    const firstTokenRun = collect(providerStream(options([stallAfter()])));
    await vi.advanceTimersByTimeAsync(DEFAULT_FIRST_TOKEN_TIMEOUT_MS - 1);
    let settled = false;
    void firstTokenRun.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    const events = await firstTokenRun;
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'timeout' } });

    const idleRun = collect(providerStream(options([stallAfter({ type: 'text', text: 'x' })])));
    await vi.advanceTimersByTimeAsync(DEFAULT_IDLE_TIMEOUT_MS + 1);
    expect((await idleRun).at(-1)).toMatchObject({ type: 'error', error: { kind: 'timeout' } });
  });

  it('takes the provider settings (the environment) as the default, and 0 turns a clock off', async () => {
    const settings = resolveProviderSettings(
      'openai',
      {},
      { CATALYST_FIRST_TOKEN_TIMEOUT_MS: '25', CATALYST_IDLE_TIMEOUT_MS: '0' },
    );
    expect(settings).toMatchObject({ firstTokenTimeoutMs: 25, idleTimeoutMs: 0 });
    const events = await collect(
      providerStream(options([stallAfter()], { defaultTimeouts: settings })),
    );
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'timeout' } });
    // The request's own value wins over the setting.
    const explicit = await collect(
      providerStream(
        options([stallAfter(), reply({ type: 'text', text: 'ok' }, finish)], {
          defaultTimeouts: { firstTokenTimeoutMs: 5_000 },
          request: request({ firstTokenTimeoutMs: 20, maxRetries: 1 }),
        }),
      ),
    );
    expect(explicit.map((event) => event.type)).toEqual(['retry', 'token', 'done']);
  });

  it('rejects a malformed timeout variable, naming it', () => {
    expect(() =>
      resolveProviderSettings('openai', {}, { CATALYST_IDLE_TIMEOUT_MS: '30s' }),
    ).toThrow(/CATALYST_IDLE_TIMEOUT_MS must be a whole number of milliseconds/);
  });

  it('retries an attempt that hit its per-attempt timeout before any token (timeoutMs)', async () => {
    const events = await collect(
      providerStream(
        options([stallAfter(), reply({ type: 'text', text: 'late' }, finish)], {
          request: request({ attemptTimeoutMs: 20, maxRetries: 1 }),
        }),
      ),
    );
    expect(events.map((event) => event.type)).toEqual(['retry', 'token', 'done']);
    expect(events[0]).toMatchObject({
      error: {
        kind: 'timeout',
        message: expect.stringContaining('within the attempt timeout of 20 ms'),
      },
    });
  });
});
