import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type {
  ChatRequest,
  ErrorEvent,
  LanguageModelProvider,
  ProviderErrorKind,
  StreamEvent,
} from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import {
  createAzureOpenAIProvider,
  createGroqProvider,
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  createXaiProvider,
} from './index.js';

// A key shaped like a real one: it must never appear in any error message.
const SECRET = 'sk-test-SECRET1234567890';
// No test reads the developer's real environment.
const environment = {};

interface Target {
  label: string;
  create(url: string): LanguageModelProvider;
  model: string;
  /** OpenAI and Azure split tool arguments across deltas; Groq and xAI send them whole. */
  splitsArguments: boolean;
  /** Whether the catalog prices the model. */
  priced: boolean;
  /** Groq's usage has no cached-token details. */
  reportsCachedTokens: boolean;
  /** What a 404 message should offer. */
  notFoundHint: RegExp;
}

const TARGETS: Target[] = [
  {
    label: 'openai',
    create: (url) => createOpenAIProvider({ apiKey: SECRET, baseUrl: `${url}/v1`, environment }),
    model: 'gpt-4.1-mini',
    splitsArguments: true,
    priced: true,
    reportsCachedTokens: true,
    notFoundHint: /Available models: .*gpt-4\.1/,
  },
  {
    label: 'azure (dated api-version)',
    create: (url) =>
      createAzureOpenAIProvider({
        apiKey: SECRET,
        baseUrl: url,
        apiVersion: '2024-10-21',
        environment,
      }),
    model: 'gpt-4o',
    splitsArguments: true,
    priced: true,
    reportsCachedTokens: true,
    notFoundHint: /name of a deployment/,
  },
  {
    label: 'azure (v1 path)',
    // `/azure` tells the simulator's shared `/openai/v1` path apart from Groq's.
    create: (url) =>
      createAzureOpenAIProvider({ apiKey: SECRET, baseUrl: `${url}/azure`, environment }),
    model: 'gpt-4o',
    splitsArguments: true,
    priced: true,
    reportsCachedTokens: true,
    notFoundHint: /name of a deployment/,
  },
  {
    label: 'groq',
    create: (url) => createGroqProvider({ apiKey: SECRET, baseUrl: url, environment }),
    model: 'llama-3.3-70b-versatile',
    splitsArguments: false,
    priced: true,
    reportsCachedTokens: false,
    notFoundHint: /Available models: .*llama-3\.1-8b-instant/,
  },
  {
    label: 'xai',
    create: (url) => createXaiProvider({ apiKey: SECRET, baseUrl: `${url}/v1`, environment }),
    model: 'grok-4',
    splitsArguments: false,
    priced: true,
    reportsCachedTokens: true,
    notFoundHint: /Available models: .*grok-4-fast-non-reasoning/,
  },
  {
    label: 'openai-compatible',
    create: (url) =>
      createOpenAICompatibleProvider({ apiKey: SECRET, baseUrl: `${url}/v1`, environment }),
    model: 'local-llama',
    splitsArguments: true,
    priced: false,
    reportsCachedTokens: true,
    // No catalog entry: the list comes from the server's GET /models.
    notFoundHint: /Available models: .*gpt-4o/,
  },
];

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

/** A request whose user message carries an inline simulator directive. */
function ask(
  model: string,
  directive: object | undefined,
  fields: Partial<ChatRequest> = {},
): ChatRequest {
  const marker = directive ? ` [[sim ${JSON.stringify(directive)}]]` : '';
  return {
    model,
    messages: [{ role: 'user', content: `Hello${marker}` }],
    signal: new AbortController().signal,
    ...fields,
  };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const collected: StreamEvent[] = [];
  for await (const event of events) collected.push(event);
  return collected;
}

function terminal(events: StreamEvent[]): StreamEvent | undefined {
  const terminals = events.filter((event) => event.type === 'done' || event.type === 'error');
  expect(terminals).toHaveLength(1);
  expect(events.at(-1)).toBe(terminals[0]);
  return terminals[0];
}

function errorOf(events: StreamEvent[]): ErrorEvent {
  const last = terminal(events);
  if (last?.type !== 'error')
    throw new Error(`expected an error event, got ${JSON.stringify(last)}`);
  expect(last.error.message).not.toContain(SECRET);
  expect(last.error.message).not.toContain('SECRET');
  return last;
}

const WEATHER_TOOLS = [
  {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
  {
    name: 'get_time',
    parameters: { type: 'object', properties: { zone: { type: 'string' } } },
  },
];

describe.each(TARGETS)('$label against the simulator', (target) => {
  const provider = () => target.create(simulator.url);

  it('streams text token by token, then done with model, request id and finish reason', async () => {
    const events = await collect(
      provider().stream(
        ask(target.model, { reply: { chunks: ['The ', 'quick ', 'brown ', 'fox.'] } }),
      ),
    );
    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.map((event) => event.text)).toEqual(['The ', 'quick ', 'brown ', 'fox.']);
    const done = terminal(events);
    expect(done).toMatchObject({
      type: 'done',
      text: 'The quick brown fox.',
      finishReason: 'stop',
    });
    if (done?.type !== 'done') return;
    expect(done.model).toBeTruthy();
    expect(done.requestId).toMatch(/^req_/);
  });

  it('generates a whole reply and sends the mapped request', async () => {
    const result = await provider().generate(
      ask(
        target.model,
        { reply: { text: 'Four.' } },
        {
          system: 'Answer briefly.',
          temperature: 0.3,
          maxTokens: 50,
          stop: ['\n\n'],
          seed: 42,
        },
      ),
    );
    expect(result).toMatchObject({ text: 'Four.', finishReason: 'stop' });
    const body = simulator.requests().at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: target.model,
      stream: true,
      temperature: 0.3,
      stop: ['\n\n'],
      seed: 42,
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user' }],
    });
    expect(body.max_completion_tokens ?? body.max_tokens).toBe(50);
  });

  it('assembles parallel tool calls, whether arguments come split or whole', async () => {
    const events = await collect(
      provider().stream(
        ask(
          target.model,
          {
            reply: {
              toolCalls: [
                { name: 'get_weather', arguments: { city: 'Paris, France' } },
                { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
              ],
            },
          },
          { tools: WEATHER_TOOLS, toolChoice: 'auto', parallelToolCalls: true },
        ),
      ),
    );
    const calls = events.filter((event) => event.type === 'tool-call');
    expect(calls.map((event) => event.toolCall.name)).toEqual(['get_weather', 'get_time']);
    expect(calls.map((event) => event.toolCall.input)).toEqual([
      { city: 'Paris, France' },
      { zone: 'Europe/Paris' },
    ]);
    expect(calls.every((event) => event.toolCall.id.length > 0)).toBe(true);
    const firstCallDeltas = events.filter(
      (event) => event.type === 'tool-call-delta' && event.index === 0 && event.argumentsDelta,
    );
    if (target.splitsArguments) expect(firstCallDeltas.length).toBeGreaterThan(1);
    else expect(firstCallDeltas).toHaveLength(1);
    expect(terminal(events)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
  });

  it('answers in JSON mode (json_object)', async () => {
    const result = await provider().generate(
      ask(
        target.model,
        { reply: { json: { answer: 42, items: ['a', 'b'] } } },
        {
          responseFormat: { type: 'json_object' },
        },
      ),
    );
    expect(result.json).toEqual({ answer: 42, items: ['a', 'b'] });
    expect(simulator.requests().at(-1)?.body).toMatchObject({
      response_format: { type: 'json_object' },
    });
  });

  it('answers JSON matching a schema (json_schema, native)', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'integer' } },
      required: ['city', 'population'],
      additionalProperties: false,
    };
    const result = await provider().generate(
      ask(target.model, undefined, {
        responseFormat: { type: 'json_schema', name: 'city', schema, strict: true },
      }),
    );
    expect(result.json).toMatchObject({ city: expect.any(String), population: expect.any(Number) });
    expect(simulator.requests().at(-1)?.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    });
  });

  it('reports usage and prices it from the catalog', async () => {
    const result = await provider().generate(
      ask(target.model, {
        reply: {
          text: 'ok',
          usage: { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 200 },
        },
      }),
    );
    expect(result.usage).toMatchObject({ inputTokens: 1000, outputTokens: 500, totalTokens: 1500 });
    if (target.reportsCachedTokens) expect(result.usage.cacheReadTokens).toBe(200);
    if (!target.priced) {
      expect(result.cost).toBeNull();
      return;
    }
    const catalog = ModelCatalog.default();
    const expected = catalog.cost(provider().name, target.model, result.usage);
    expect(expected).not.toBeNull();
    expect(result.cost?.totalUsd).toBeCloseTo(expected?.totalUsd ?? Number.NaN, 12);
  });

  it.each<{
    name: string;
    fault: object;
    kind: ProviderErrorKind;
    status?: number;
    message?: RegExp;
  }>([
    { name: '401', fault: { type: 'http', kind: 'auth' }, kind: 'auth', message: /API_KEY/ },
    {
      name: '400 context too long',
      fault: { type: 'http', kind: 'context_length' },
      kind: 'context_length',
      status: 400,
      message: /Shorten the input/,
    },
    { name: '500', fault: { type: 'http', kind: 'server' }, kind: 'server', status: 500 },
    {
      name: '503 overloaded',
      fault: { type: 'http', kind: 'overloaded' },
      kind: 'overloaded',
      status: 503,
    },
  ])('maps HTTP $name', async ({ fault, kind, status, message }) => {
    const events = await collect(
      provider().stream(ask(target.model, { fault }, { maxRetries: 0 })),
    );
    const error = errorOf(events).error;
    expect(error.kind).toBe(kind);
    if (status !== undefined) expect(error.status).toBe(status);
    if (message) expect(error.message).toMatch(message);
    expect(error.requestId ?? 'req_').toMatch(/^req_/);
  });

  it('maps 404 for an unknown model, saying what to use instead', async () => {
    const events = await collect(
      provider().stream(
        ask(
          'no-such-model',
          { fault: { type: 'http', kind: 'model_not_found' } },
          { maxRetries: 0 },
        ),
      ),
    );
    const error = errorOf(events).error;
    expect(error.kind).toBe('model_not_found');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(target.notFoundHint);
  });

  it('retries a 429 after its retry-after, then succeeds', async () => {
    simulator.setScenario({
      rules: [
        {
          match: { contains: 'limited', times: 1 },
          fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 30 },
        },
      ],
    });
    const events = await collect(
      provider().stream({
        ...ask(target.model, { reply: { text: 'made it' } }),
        messages: [{ role: 'user', content: 'limited [[sim {"reply":{"text":"made it"}}]]' }],
      }),
    );
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      delayMs: 30,
      error: { kind: 'rate_limit', retryAfterMs: 30 },
    });
    expect(terminal(events)).toMatchObject({ type: 'done', text: 'made it' });
    expect(simulator.requests()).toHaveLength(2);
  });

  it('gives up on a 429 when the retries run out, keeping retryAfterMs', async () => {
    const events = await collect(
      provider().stream(
        ask(
          target.model,
          { fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 0.02 } },
          { maxRetries: 1 },
        ),
      ),
    );
    const error = errorOf(events).error;
    expect(error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 20,
      retryable: true,
    });
    expect(simulator.requests()).toHaveLength(2);
  });

  it('retries a connection reset before the first byte', async () => {
    simulator.setScenario({
      rules: [{ match: { contains: 'flaky', times: 1 }, fault: { type: 'reset' } }],
    });
    const events = await collect(
      provider().stream({
        ...ask(target.model, undefined),
        messages: [{ role: 'user', content: 'flaky [[sim {"reply":{"text":"recovered"}}]]' }],
        maxRetries: 1,
      }),
    );
    expect(events.find((event) => event.type === 'retry')).toMatchObject({
      error: { kind: 'network' },
    });
    expect(terminal(events)).toMatchObject({ type: 'done', text: 'recovered' });
  });

  it('ends with an error carrying the partial text when the connection drops mid-stream', async () => {
    const events = await collect(
      provider().stream(
        ask(target.model, {
          reply: { chunks: ['one ', 'two ', 'three ', 'four'] },
          // Paced so the first chunk is read before the cut: bytes still queued in the
          // client's body stream when the socket dies are dropped by the fetch implementation.
          timing: { tokenDelayMs: 30 },
          fault: { type: 'disconnect', afterChunks: 2 },
        }),
      ),
    );
    const error = errorOf(events);
    expect(error.error.kind).toBe('network');
    expect(error.partialText).toMatch(/^one (two )?$/);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
    expect(simulator.requests()).toHaveLength(1);
  });

  it('ends with an error on a malformed chunk', async () => {
    const events = await collect(
      provider().stream(
        ask(target.model, {
          reply: { chunks: ['one ', 'two ', 'three'] },
          fault: { type: 'malformed', afterChunks: 2 },
        }),
      ),
    );
    const error = errorOf(events);
    expect(['server', 'network']).toContain(error.error.kind);
    expect(error.partialText).toBe('one two ');
  });

  it('maps an error sent inside the stream, keeping the partial text', async () => {
    const events = await collect(
      provider().stream(
        ask(target.model, {
          reply: { chunks: ['one ', 'two ', 'three'] },
          timing: { tokenDelayMs: 5 },
          fault: { type: 'stream-error', afterChunks: 1, kind: 'server', message: 'boom' },
        }),
      ),
    );
    const error = errorOf(events);
    expect(error.error.kind).toBe('server');
    expect(error.error.message).toContain('boom');
    expect(error.partialText).toBe('one ');
  });

  it('times out when no first token arrives in time', async () => {
    const started = Date.now();
    const events = await collect(
      provider().stream(
        ask(
          target.model,
          { fault: { type: 'stall', afterChunks: 0 } },
          {
            firstTokenTimeoutMs: 150,
            maxRetries: 0,
          },
        ),
      ),
    );
    expect(errorOf(events).error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends with aborted when the caller aborts, and closes the connection', async () => {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    for await (const event of provider().stream({
      ...ask(target.model, {
        reply: { chunks: ['first ', 'second'] },
        fault: { type: 'stall', afterChunks: 1 },
      }),
      signal: controller.signal,
    })) {
      events.push(event);
      if (event.type === 'token') controller.abort();
    }
    const error = errorOf(events);
    expect(error.error.kind).toBe('aborted');
    expect(error.partialText).toBe('first ');
    await expect
      .poll(() => simulator.requests()[0]?.clientClosedEarly, { timeout: 2000 })
      .toBe(true);
  });
});

describe('openai-compatible specifics', () => {
  it('sends no Authorization header when no key is configured', async () => {
    const provider = createOpenAICompatibleProvider({
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    await collect(provider.stream(ask('local-llama', { reply: { text: 'hi' } })));
    const headers = simulator.requests()[0]?.headers ?? {};
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('authorization');
  });

  it('asks for a base URL when none is configured', async () => {
    const provider = createOpenAICompatibleProvider({ environment });
    await expect(provider.generate(ask('m', undefined))).rejects.toThrow(
      /OPENAI_COMPATIBLE_BASE_URL/,
    );
  });
});

describe('vendor specifics', () => {
  it('maps Azure content filtering of the output to finish reason content_filter', async () => {
    const provider = createAzureOpenAIProvider({
      apiKey: SECRET,
      baseUrl: simulator.url,
      apiVersion: '2024-10-21',
      environment,
    });
    const result = await provider.generate(
      ask('gpt-4o', { reply: { text: 'Partial', finish: 'content_filter' } }),
    );
    expect(result.finishReason).toBe('content_filter');
  });

  it('assembles a legacy function_call reply as a tool call', async () => {
    const provider = createOpenAIProvider({
      apiKey: SECRET,
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    const result = await provider.generate(
      ask(
        'gpt-4o',
        { reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] } },
        {
          providerOptions: {
            functions: [{ name: 'get_weather', parameters: WEATHER_TOOLS[0]?.parameters }],
            function_call: 'auto',
          },
        },
      ),
    );
    expect(result.toolCalls).toMatchObject([{ name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(result.finishReason).toBe('tool_calls');
  });
});

describe('configuration', () => {
  it.each([
    ['openai', () => createOpenAIProvider({ environment }), /OPENAI_API_KEY/],
    ['groq', () => createGroqProvider({ environment }), /GROQ_API_KEY/],
    ['xai', () => createXaiProvider({ environment }), /XAI_API_KEY/],
    [
      'azure',
      () => createAzureOpenAIProvider({ environment, baseUrl: 'http://127.0.0.1:9' }),
      /AZURE_OPENAI_API_KEY/,
    ],
  ])(
    '%s without a key fails with an auth error naming the variable',
    async (_name, create, variable) => {
      const events = await collect(create().stream(ask('gpt-4o', undefined)));
      const error = errorOf(events).error;
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(variable);
    },
  );

  it('reads the key and base URL from the given environment', async () => {
    const provider = createOpenAIProvider({
      environment: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: `${simulator.url}/v1` },
    });
    const result = await provider.generate(ask('gpt-4o', { reply: { text: 'env works' } }));
    expect(result.text).toBe('env works');
  });
});

describe('listModels and embed', () => {
  it('merges the API model list with catalog details', async () => {
    const provider = createOpenAIProvider({
      apiKey: SECRET,
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    const models = await provider.listModels({ signal: new AbortController().signal });
    const known = models.find((model) => model.id === 'gpt-4.1-mini');
    expect(known?.pricing?.inputPerMillion).toBeGreaterThan(0);
    expect(known?.contextWindow).toBeGreaterThan(0);
    expect(models.find((model) => model.id === 'o4-mini')).toMatchObject({ contextWindow: 0 });
  });

  it('lists catalog models for Azure', async () => {
    const provider = createAzureOpenAIProvider({
      apiKey: SECRET,
      baseUrl: simulator.url,
      environment,
    });
    const models = await provider.listModels({ signal: new AbortController().signal });
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((model) => model.provider === 'azure')).toBe(true);
  });

  it.each([
    [
      'openai',
      () => createOpenAIProvider({ apiKey: SECRET, baseUrl: `${simulator.url}/v1`, environment }),
    ],
    [
      'azure',
      () =>
        createAzureOpenAIProvider({
          apiKey: SECRET,
          baseUrl: simulator.url,
          apiVersion: '2024-10-21',
          environment,
        }),
    ],
  ])('%s embeds in input order with dimensions, usage and cost', async (_name, create) => {
    const provider = create();
    const input = ['alpha', 'beta gamma', 'delta'];
    const result = await provider.embed?.({
      model: 'text-embedding-3-small',
      input,
      dimensions: 8,
      signal: new AbortController().signal,
    });
    expect(result?.embeddings).toHaveLength(3);
    expect(result?.embeddings.every((vector) => vector.length === 8)).toBe(true);
    expect(result?.embeddings[0]?.some((value) => value !== 0)).toBe(true);
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    expect(result?.cost?.totalUsd).toBeGreaterThan(0);
    expect(simulator.requests().at(-1)?.body).toMatchObject({ dimensions: 8, input });
  });

  it('has no embed for Groq and xAI', () => {
    expect(createGroqProvider({ apiKey: SECRET, environment }).embed).toBeUndefined();
    expect(createXaiProvider({ apiKey: SECRET, environment }).embed).toBeUndefined();
  });
});
