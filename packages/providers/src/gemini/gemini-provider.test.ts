import { type RunningSimulator, type ScenarioAction, startSimulator } from '@catalyst/simulator';
import type { ChatRequest, ErrorEvent, StreamEvent } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiProvider } from './gemini-provider.js';

// Integration tests: the real @google/genai against the simulator's Gemini wire protocol.
const KEY = 'AIzaSECRET1234567890';
const MODEL = 'gemini-2.5-flash';
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

/** A provider whose every request carries `directive` (the simulator's per-request steering). */
function provider(directive?: ScenarioAction) {
  return createGeminiProvider({
    apiKey: KEY,
    baseUrl: simulator.url,
    environment: {},
    ...(directive && { headers: { 'x-sim-directive': JSON.stringify(directive) } }),
  });
}

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: MODEL,
    messages: [{ role: 'user', content: 'Say hello' }],
    signal: AbortSignal.timeout(10_000),
    ...fields,
  };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

function terminalError(events: StreamEvent[]): ErrorEvent {
  const last = events.at(-1);
  if (last?.type !== 'error') {
    throw new Error(`expected an error event, got ${JSON.stringify(last)}`);
  }
  // Whatever went wrong, the key never reaches an event.
  expect(JSON.stringify(last)).not.toContain(KEY);
  expect(last.error.message).not.toContain('SECRET');
  return last;
}

const fast = { timing: { firstTokenMs: 0, tokenDelayMs: 0 } };

describe('Gemini provider against the simulator', () => {
  it('streams text tokens and ends with one done event', async () => {
    const events = await collect(
      provider({ ...fast, reply: { chunks: ['Hel', 'lo ', 'there'] } }).stream(request()),
    );
    expect(events.filter((event) => event.type === 'token').map((event) => event.text)).toEqual([
      'Hel',
      'lo ',
      'there',
    ]);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', text: 'Hello there', finishReason: 'stop' });
    expect(done?.type === 'done' && done.model).toContain('gemini-2.5-flash');
    expect(events.filter((event) => event.type === 'done' || event.type === 'error')).toHaveLength(
      1,
    );
    expect(simulator.requests()[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
  });

  it('generates a result', async () => {
    const result = await provider({ ...fast, reply: { text: 'Hi!' } }).generate(request());
    expect(result).toMatchObject({ provider: 'gemini', text: 'Hi!', finishReason: 'stop' });
  });

  it('reports usage including cache tokens, and prices them', async () => {
    const result = await provider({
      ...fast,
      reply: {
        text: 'ok',
        usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800 },
      },
    }).generate(request());
    expect(result.usage).toMatchObject({
      inputTokens: 1000,
      cacheReadTokens: 800,
      cacheWriteTokens: 0,
      outputTokens: 10,
      totalTokens: 1010,
    });
    // gemini-2.5-flash: $0.30 in, $2.50 out; the catalog has no cache price, so reads cost input.
    expect(result.cost?.inputUsd).toBeCloseTo((200 * 0.3) / 1e6, 12);
    expect(result.cost?.cacheReadUsd).toBeCloseTo((800 * 0.3) / 1e6, 12);
    expect(result.cost?.outputUsd).toBeCloseTo((10 * 2.5) / 1e6, 12);
  });

  it('sends a tool result back and gets the answer', async () => {
    const result = await provider(fast).generate(
      request({
        tools: [{ name: 'weather', parameters: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              {
                id: 'call_0',
                name: 'weather',
                arguments: '{"city":"Paris"}',
                input: { city: 'Paris' },
              },
            ],
          },
          { role: 'tool', toolCallId: 'call_0', toolName: 'weather', content: '{"celsius":18}' },
        ],
      }),
    );
    expect(result.finishReason).toBe('stop');
    expect(result.text).toContain('18');
  });

  it('assembles a tool call', async () => {
    const events = await collect(
      provider({
        ...fast,
        reply: { toolCalls: [{ name: 'weather', arguments: { city: 'Paris' } }] },
      }).stream(
        request({
          tools: [
            {
              name: 'weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          ],
        }),
      ),
    );
    const call = events.find((event) => event.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.toolCall).toMatchObject({
      name: 'weather',
      input: { city: 'Paris' },
    });
    expect(call?.type === 'tool-call' && call.toolCall.id).toBe('call_0');
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
  });

  it.each([
    ['json_object', { type: 'json_object' } as const],
    [
      'json_schema',
      {
        type: 'json_schema',
        name: 'place',
        schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      } as const,
    ],
  ])(
    'uses native JSON mode (%s) and returns text plus parsed json',
    async (_name, responseFormat) => {
      const events = await collect(
        provider({ ...fast, reply: { json: { city: 'Paris' } } }).stream(
          request({ responseFormat }),
        ),
      );
      expect(
        events.some((event) => event.type === 'tool-call' || event.type === 'tool-call-delta'),
      ).toBe(false);
      const done = events.at(-1);
      expect(done).toMatchObject({
        type: 'done',
        json: { city: 'Paris' },
        finishReason: 'stop',
        toolCalls: [],
      });
      expect(done?.type === 'done' && JSON.parse(done.text)).toEqual({ city: 'Paris' });
      const body = simulator.requests()[0]?.body as { generationConfig?: Record<string, unknown> };
      expect(body.generationConfig?.responseMimeType).toBe('application/json');
    },
  );

  it.each([
    ['400 API_KEY_INVALID', { type: 'http', kind: 'auth' }, 'auth', 400, false],
    ['404 unknown model', { type: 'http', kind: 'model_not_found' }, 'model_not_found', 404, false],
    ['400 prompt too long', { type: 'http', kind: 'context_length' }, 'context_length', 400, false],
    ['500', { type: 'http', kind: 'server' }, 'server', 500, true],
    ['503 overloaded', { type: 'http', kind: 'overloaded' }, 'overloaded', 503, true],
  ] as const)('maps HTTP fault %s', async (_name, fault, kind, status, retryable) => {
    const events = await collect(provider({ fault }).stream(request({ maxRetries: 0 })));
    const { error, partialText } = terminalError(events);
    expect(error).toMatchObject({ kind, status, retryable, provider: 'gemini' });
    expect(partialText).toBe('');
    // maxRetries 0 means one request: the SDK's own retries are off, ours are the only ones.
    expect(simulator.requests()).toHaveLength(1);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('SECRET');
    if (kind === 'model_not_found') expect(error.message).toContain('gemini-2.5-pro');
  });

  it('makes generate() throw the same typed error', async () => {
    await expect(
      provider({ fault: { type: 'http', kind: 'auth' } }).generate(request()),
    ).rejects.toMatchObject({ name: 'ProviderError', kind: 'auth', provider: 'gemini' });
  });

  it('retries a 429 after its retry-after and then succeeds', async () => {
    simulator.setScenario({
      rules: [
        {
          match: { provider: 'gemini', times: 1 },
          fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 20 },
        },
        { ...fast, reply: { text: 'after the wait' } },
      ],
    });
    const events = await collect(provider().stream(request()));
    expect(events[0]).toMatchObject({
      type: 'retry',
      attempt: 1,
      delayMs: 20,
      error: { kind: 'rate_limit' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'after the wait' });
    expect(simulator.requests()).toHaveLength(2);
  });

  it('ends with rate_limit and retryAfterMs once retries are exhausted', async () => {
    const events = await collect(
      provider({ fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 15 } }).stream(
        request({ maxRetries: 1 }),
      ),
    );
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
    expect(terminalError(events).error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 15,
    });
    expect(simulator.requests()).toHaveLength(2);
  });

  it('maps a reset before the first byte to a network error', async () => {
    const events = await collect(
      provider({ fault: { type: 'reset' } }).stream(request({ maxRetries: 0 })),
    );
    expect(terminalError(events).error).toMatchObject({ kind: 'network', retryable: true });
    expect(terminalError(events).error.message).not.toContain('SECRET');
  });

  it.each([
    ['disconnect mid-stream', { type: 'disconnect', afterChunks: 2 }, 'network'],
    [
      'in-stream error event',
      { type: 'stream-error', afterChunks: 2, kind: 'overloaded' },
      'overloaded',
    ],
    ['malformed chunk', { type: 'malformed', afterChunks: 2 }, 'server'],
  ] as const)(
    'ends a broken stream (%s) with an error carrying the partial text',
    async (_name, fault, kind) => {
      const events = await collect(
        // A small gap between chunks: a socket destroyed right after a write can lose that write.
        provider({
          timing: { firstTokenMs: 0, tokenDelayMs: 10 },
          reply: { chunks: ['one ', 'two ', 'three'] },
          fault,
        }).stream(request()),
      );
      const terminal = terminalError(events);
      expect(terminal.error.kind).toBe(kind);
      expect(terminal.partialText).toBe('one two ');
      // Text had streamed, so nothing was retried.
      expect(simulator.requests()).toHaveLength(1);
    },
  );

  it('gives up on a stalled stream with a first-token timeout', async () => {
    const events = await collect(
      provider({ fault: { type: 'stall', afterChunks: 0 } }).stream(
        request({ firstTokenTimeoutMs: 150, maxRetries: 0 }),
      ),
    );
    expect(terminalError(events).error).toMatchObject({ kind: 'timeout' });
  });

  it('aborts at once, ends with `aborted`, and closes the connection', async () => {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const stream = provider({
      timing: { firstTokenMs: 0, tokenDelayMs: 200 },
      reply: { chunks: ['a', 'b', 'c', 'd', 'e'] },
    }).stream(request({ signal: controller.signal }));
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'token') controller.abort();
    }
    expect(terminalError(events).error.kind).toBe('aborted');
    await expect
      .poll(() => simulator.requests()[0]?.clientClosedEarly, { timeout: 2000 })
      .toBe(true);
  });

  it('answers JSON mode from the schema when nothing is scripted', async () => {
    const result = await provider(fast).generate(
      request({
        responseFormat: {
          type: 'json_schema',
          name: 'place',
          schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      }),
    );
    expect(result.json).toEqual({ city: expect.any(String) });
    expect(result.toolCalls).toEqual([]);
  });

  it('fails without a key, naming the variable to set', async () => {
    const events = await collect(createGeminiProvider({ environment: {} }).stream(request()));
    expect(terminalError(events).error).toMatchObject({ kind: 'auth' });
    expect(terminalError(events).error.message).toContain('GEMINI_API_KEY');
  });

  it('lists models merged with the catalog', async () => {
    const models = await provider().listModels({ signal: AbortSignal.timeout(5000) });
    expect(models.length).toBeGreaterThan(0);
    const flash = models.find((model) => model.id === 'gemini-2.5-flash');
    expect(flash?.pricing?.inputPerMillion).toBe(0.3);
  });

  it('embeds texts in order, 100 per call, with the task type and dimensions', async () => {
    const input = Array.from({ length: 150 }, (_, index) => `text ${index}`);
    const result = await provider().embed?.({
      model: 'gemini-embedding-001',
      input,
      dimensions: 8,
      inputType: 'query',
      signal: AbortSignal.timeout(5000),
    });
    expect(result?.embeddings).toHaveLength(150);
    expect(result?.embeddings.every((vector) => vector.length === 8)).toBe(true);
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    const calls = simulator.requests();
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[0]?.body)).toContain('RETRIEVAL_QUERY');
    // The same text embeds to the same vector, so order is checkable against a single call.
    const single = await provider().embed?.({
      model: 'gemini-embedding-001',
      input: ['text 120'],
      dimensions: 8,
      signal: AbortSignal.timeout(5000),
    });
    expect(result?.embeddings[120]).toEqual(single?.embeddings[0]);
  });
});
