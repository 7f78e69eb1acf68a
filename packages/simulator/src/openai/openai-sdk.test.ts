import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../core/server.js';
import { waitFor } from '../testing/wait-for.js';

let simulator: RunningSimulator;
let client: OpenAI;

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
};

function directive(action: unknown): { headers: Record<string, string> } {
  return { headers: { 'x-sim-directive': JSON.stringify(action) } };
}

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});
afterAll(async () => simulator.close());
beforeEach(() => {
  simulator.reset();
  simulator.setScenario(undefined);
});

describe('OpenAI chat completions through the official SDK', () => {
  it('streams a deterministic reply that echoes the prompt, with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Tell me about otters' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let pieces = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        pieces++;
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Simulated reply from gpt-4o: you said "Tell me about otters".');
    expect(pieces).toBeGreaterThan(5);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(pieces);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + pieces);
  });

  it('answers without streaming and exposes the request id', async () => {
    const { data, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(
      'Simulated reply from gpt-4o-mini: you said "Hi".',
    );
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(request_id).toMatch(/^req_/);
  });

  it('honours max_tokens (finish length) and stop sequences', async () => {
    const truncated = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'one two three four five six' }],
      max_completion_tokens: 3,
    });
    expect(truncated.choices[0]?.finish_reason).toBe('length');
    expect(truncated.usage?.completion_tokens).toBe(3);
    const stopped = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'alpha beta gamma' }],
      stop: ['beta'],
    });
    expect(stopped.choices[0]?.message.content).toBe(
      'Simulated reply from gpt-4o: you said "alpha ',
    );
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams n interleaved choices, each with its own finish', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Pick' }],
      n: 3,
      stream: true,
    });
    const texts = ['', '', ''];
    const finishes: string[] = [];
    const order: number[] = [];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        if (choice.delta.content) {
          texts[choice.index] += choice.delta.content;
          order.push(choice.index);
        }
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      }
    }
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toContain('Pick');
    expect(finishes).toEqual(['stop', 'stop', 'stop']);
    expect(order.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('streams a tool call with arguments split across chunks', async () => {
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    let fragments = 0;
    runner.on('chunk', (chunk) => {
      if (chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) fragments++;
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      city: 'example city',
      unit: 'celsius',
    });
    expect(fragments).toBeGreaterThan(2);
  });

  it('streams parallel tool calls by index from a directive', async () => {
    const runner = client.chat.completions.stream(
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Weather and stock' }],
        tools: [weatherTool],
      },
      directive({
        reply: {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Edinburgh', unit: 'celsius' } },
            { name: 'get_stock_price', arguments: { ticker: 'AAPL' } },
          ],
        },
      }),
    );
    const completion = await runner.finalChatCompletion();
    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? call.function.name : ''))).toEqual([
      'get_weather',
      'get_stock_price',
    ]);
    expect(calls[1]?.type === 'function' && JSON.parse(calls[1].function.arguments)).toEqual({
      ticker: 'AAPL',
    });
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
  });

  it('answers a tool result with text that mentions it', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18 degrees and sunny' },
      ],
    });
    expect(completion.choices[0]?.message.content).toContain('18 degrees and sunny');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('supports the legacy functions API with message.function_call', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather?' }],
      functions: [{ name: 'get_weather', parameters: weatherTool.function.parameters }],
      function_call: { name: 'get_weather' },
    });
    expect(completion.choices[0]?.finish_reason).toBe('function_call');
    expect(completion.choices[0]?.message.function_call?.name).toBe('get_weather');
  });

  it('streams the legacy function_call in fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather?' }],
      functions: [{ name: 'get_weather', parameters: weatherTool.function.parameters }],
      stream: true,
    });
    let name = '';
    let argumentsText = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      name += chunk.choices[0]?.delta.function_call?.name ?? '';
      argumentsText += chunk.choices[0]?.delta.function_call?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toEqual({ city: 'example city', unit: 'celsius' });
    expect(finish).toBe('function_call');
  });

  it('lets the header directive win over the inline marker', async () => {
    const completion = await client.chat.completions.create(
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x [[sim {"reply":{"text":"inline"}}]]' }],
      },
      directive({ reply: { text: 'header' } }),
    );
    expect(completion.choices[0]?.message.content).toBe('header');
  });

  it('streams JSON mode output that parses, for json_object and json_schema', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Give me JSON' }],
      response_format: { type: 'json_object' },
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(text)).toMatchObject({ echo: 'Give me JSON' });

    const structured = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'A person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              age: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' } },
            },
            required: ['name', 'age', 'tags'],
          },
        },
      },
    });
    expect(JSON.parse(structured.choices[0]?.message.content ?? '')).toEqual({
      name: 'example name',
      age: 1,
      tags: ['example tags'],
    });
  });

  it('strips an inline directive before echoing and applies it', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello [[sim {"reply":{"text":"Scripted answer."}}]]' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Scripted answer.');
    const echoed = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello [[sim {"timing":{"firstTokenMs":1}}]] world' }],
    });
    expect(echoed.choices[0]?.message.content).toBe(
      'Simulated reply from gpt-4o: you said "Hello world".',
    );
  });
});

describe('OpenAI embeddings and models through the official SDK', () => {
  it('returns base64 vectors by default that decode to unit vectors', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
    });
    expect(response.data).toHaveLength(2);
    const vector = response.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(1536);
    const norm = Math.sqrt(vector.reduce((total, value) => total + value * value, 0));
    expect(norm).toBeCloseTo(1, 4);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(simulator.requests()[0]?.body).toMatchObject({ encoding_format: 'base64' });
  });

  it('returns the same numbers as floats, honouring dimensions', async () => {
    const asBase64 = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'same',
    });
    const asFloat = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'same',
      encoding_format: 'float',
    });
    expect(asFloat.data[0]?.embedding).toHaveLength(3072);
    expect(asFloat.data[0]?.embedding).toEqual(asBase64.data[0]?.embedding);
    const small = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'same',
      dimensions: 256,
    });
    expect(small.data[0]?.embedding).toHaveLength(256);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
    expect((await client.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini');
    await expect(client.models.retrieve('gpt-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('OpenAI faults raise the SDK typed errors', () => {
  const ask = (action: unknown) =>
    client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] },
      directive(action),
    );
  const askStream = (action: unknown) =>
    client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      directive(action),
    );

  it.each([
    ['auth', OpenAI.AuthenticationError, 401],
    ['model_not_found', OpenAI.NotFoundError, 404],
    ['context_length', OpenAI.BadRequestError, 400],
    ['invalid_request', OpenAI.BadRequestError, 400],
    ['rate_limit', OpenAI.RateLimitError, 429],
    ['server', OpenAI.InternalServerError, 500],
    ['overloaded', OpenAI.InternalServerError, 503],
  ] as const)('http %s', async (kind, errorClass, status) => {
    const error = await ask({ fault: { type: 'http', kind } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it('reports context length with its real code', async () => {
    const error = (await ask({ fault: { type: 'http', kind: 'context_length' } }).catch(
      (caught: unknown) => caught,
    )) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.code).toBe('context_length_exceeded');
    expect(error.param).toBe('messages');
  });

  it('answers a missing key with 401', async () => {
    const response = await fetch(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('shows retry-after on a 429, and the SDK waits for retry-after-ms before retrying', async () => {
    const error = (await ask({
      fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 7 },
    }).catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.headers?.get('retry-after')).toBe('7');

    simulator.setScenario({
      rules: [
        {
          match: { times: 1 },
          fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 1, retryAfterMs: 150 },
        },
      ],
    });
    const retrying = new OpenAI({
      apiKey: 'sk-test',
      baseURL: `${simulator.url}/v1`,
      maxRetries: 1,
    });
    const started = Date.now();
    const completion = await retrying.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content).toContain('Hi');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(
      simulator
        .requests()
        .slice(-2)
        .map((entry) => entry.status),
    ).toEqual([429, 200]);
  });

  it('surfaces a reset before the first byte as APIConnectionError', async () => {
    await expect(ask({ fault: { type: 'reset' } })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
  });

  it('surfaces a mid-stream disconnect as a connection error after some text', async () => {
    const stream = await askStream({ fault: { type: 'disconnect', afterChunks: 2 } });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
    const entry = simulator.requests().at(-1);
    expect(entry?.clientClosedEarly).toBe(false);
  });

  it('fails on a malformed chunk', async () => {
    const stream = await askStream({ fault: { type: 'malformed', afterChunks: 1 } });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow();
  });

  it('raises the in-stream error as an APIError', async () => {
    const stream = await askStream({
      fault: { type: 'stream-error', afterChunks: 1, kind: 'server', message: 'boom' },
    });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow(/boom/);
  });

  it('records a client abort of a stalled stream as clientClosedEarly', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { ...directive({ fault: { type: 'stall', afterChunks: 1 } }), signal: controller.signal },
    );
    // The SDK ends iteration quietly on abort; what matters is the connection closing.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) controller.abort();
    }
    const entry = await waitFor(() => {
      const last = simulator.requests().at(-1);
      return last?.finished ? last : undefined;
    });
    expect(entry.clientClosedEarly).toBe(true);
    expect(entry.status).toBe(200);
  });

  it('paces tokens by firstTokenMs and tokenDelayMs', async () => {
    const started = Date.now();
    const stream = await askStream({ timing: { firstTokenMs: 60, tokenDelayMs: 5 } });
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(Date.now() - started);
    }
    expect(arrivals[0]).toBeGreaterThanOrEqual(55);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(
      5 * (arrivals.length - 1) - 5,
    );
  });

  it('redacts credentials in the request log', async () => {
    await ask({});
    const entry = simulator.requests().at(-1);
    expect(entry?.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(simulator.requests())).not.toContain('sk-test');
  });
});
