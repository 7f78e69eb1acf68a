import { ApiError, FunctionCallingConfigMode, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioAction } from '../core/scenario.js';
import { type RunningSimulator, startSimulator } from '../core/server.js';
import { GEMINI_PROTOCOL } from './gemini-protocol.js';

const MODEL = 'gemini-2.5-flash';
const WEATHER = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ protocols: [GEMINI_PROTOCOL] });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

/** A client pointed at the simulator; a directive steers its replies through a header. */
function client(directive?: ScenarioAction): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: 'gemini-test-key',
    httpOptions: {
      baseUrl: simulator.url,
      ...(directive ? { headers: { 'x-sim-directive': JSON.stringify(directive) } } : {}),
    },
  });
}

describe('Gemini through @google/genai', () => {
  it('streams text with cumulative usage and STOP on the last chunk', async () => {
    const stream = await client().models.generateContentStream({
      model: MODEL,
      contents: 'Hello there',
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    const text = chunks.map((chunk) => chunk.text ?? '').join('');
    expect(text).toBe(`Simulated reply from ${MODEL}: you said "Hello there".`);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBeUndefined();
    const outputs = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount ?? 0);
    expect(outputs).toEqual([...outputs].sort((a, b) => a - b));
    const usage = chunks.at(-1)?.usageMetadata;
    expect(usage?.promptTokenCount).toBeGreaterThan(0);
    expect(usage?.totalTokenCount).toBe(
      (usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0),
    );
    expect(chunks[0]?.modelVersion).toBe(MODEL);
    expect(simulator.requests()[0]).toMatchObject({
      provider: 'gemini',
      operation: 'chat',
      stream: true,
    });
  });

  it('frames the stream as CRLF data events with no terminator', async () => {
    const response = await fetch(
      `${simulator.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse&key=k`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
      },
    );
    const wire = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(wire.startsWith('data: {')).toBe(true);
    expect(wire.endsWith('}\r\n\r\n')).toBe(true);
    expect(wire).not.toContain('event:');
    expect(wire).not.toContain('[DONE]');
    for (const event of wire.split('\r\n\r\n').filter(Boolean)) {
      expect(JSON.parse(event.slice('data: '.length))).toHaveProperty('candidates');
    }
  });

  it('makes a function call whole in one chunk, args as an object, no id', async () => {
    const stream = await client().models.generateContentStream({
      model: MODEL,
      contents: 'Weather in Paris?',
      config: {
        tools: [{ functionDeclarations: [WEATHER] }],
        toolConfig: {
          functionCallingConfig: {
            mode: FunctionCallingConfigMode.ANY,
            allowedFunctionNames: ['get_weather'],
          },
        },
      },
    });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe('get_weather');
    expect(typeof calls[0]?.args?.city).toBe('string');
    expect(calls[0]?.id).toBeUndefined();
  });

  it('answers non-stream with scripted text, tool calls and cached usage', async () => {
    const response = await client({
      reply: {
        text: 'Checking.',
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
        usage: { inputTokens: 500, cacheReadTokens: 400, outputTokens: 12 },
      },
    }).models.generateContent({
      model: MODEL,
      contents: 'Weather in Rome?',
      config: { tools: [{ functionDeclarations: [WEATHER] }] },
    });
    expect(response.text).toBe('Checking.');
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Rome' } }]);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 500,
      cachedContentTokenCount: 400,
      candidatesTokenCount: 12,
      totalTokenCount: 512,
    });
  });

  it('answers JSON mode with JSON that fits the schema, and MAX_TOKENS when cut', async () => {
    const response = await client().models.generateContent({
      model: MODEL,
      contents: 'A city, please',
      config: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    });
    expect(typeof JSON.parse(response.text ?? '').city).toBe('string');
    const cut = await client().models.generateContent({
      model: MODEL,
      contents: 'Hello there',
      config: { maxOutputTokens: 2 },
    });
    expect(cut.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
  });

  it('accepts snake_case bodies', async () => {
    const response = await fetch(`${simulator.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Weather?' }] }],
        tools: [
          { function_declarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' } }] },
        ],
        tool_config: { function_calling_config: { mode: 'ANY' } },
        generation_config: { max_output_tokens: 50 },
      }),
    });
    const body = await response.json();
    expect(body.candidates[0].content.parts[0].functionCall.name).toBe('get_weather');
  });

  it('counts tokens, lists and gets models', async () => {
    const counted = await client().models.countTokens({
      model: MODEL,
      contents: 'How many tokens is this?',
    });
    expect(counted.totalTokens).toBeGreaterThan(0);
    const names = [];
    for await (const model of await client().models.list({ config: { pageSize: 2 } }))
      names.push(model.name);
    expect(names).toContain('models/gemini-2.5-flash');
    expect(names).toContain('models/gemini-embedding-001');
    const model = await client().models.get({ model: MODEL });
    expect(model).toMatchObject({ name: `models/${MODEL}`, inputTokenLimit: 1_048_576 });
  });

  it('embeds one text and a batch, deterministically, with outputDimensionality', async () => {
    const single = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: 'hello',
    });
    expect(single.embeddings?.[0]?.values).toHaveLength(3072);
    const batch = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['hello', 'world'],
      config: { outputDimensionality: 768, taskType: 'RETRIEVAL_DOCUMENT' },
    });
    expect(batch.embeddings).toHaveLength(2);
    expect(batch.embeddings?.[0]?.values).toHaveLength(768);
    expect(batch.embeddings?.[0]?.values).toEqual(single.embeddings?.[0]?.values?.slice(0, 768));
    expect(batch.embeddings?.[0]?.values).not.toEqual(batch.embeddings?.[1]?.values);
    const norm = Math.hypot(...(single.embeddings?.[0]?.values ?? []));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('refuses a batch of more than 100 embeddings with the real 400', async () => {
    const error = await client()
      .models.embedContent({
        model: 'gemini-embedding-001',
        contents: Array.from({ length: 101 }, (_, index) => `t${index}`),
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('at most 100 requests can be in one batch');
  });
});

describe('Gemini faults through @google/genai', () => {
  const generate = (directive: ScenarioAction) =>
    client(directive).models.generateContent({ model: MODEL, contents: 'Hello there' });

  it.each([
    ['auth', 400, 'API_KEY_INVALID'],
    ['model_not_found', 404, `models/${MODEL} is not found for API version v1beta`],
    ['invalid_request', 400, 'INVALID_ARGUMENT'],
    ['context_length', 400, 'The input token count ('],
    ['rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['server', 500, 'INTERNAL'],
    ['overloaded', 503, 'The model is overloaded'],
  ] as const)('%s raises ApiError %s', async (kind, status, text) => {
    const error = await generate({ fault: { type: 'http', kind } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).message).toContain(text);
  });

  it('puts RetryInfo in a 429, and retry-after when the scenario sets it', async () => {
    const response = await fetch(`${simulator.url}/v1beta/models/${MODEL}:generateContent?key=k`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sim-directive': JSON.stringify({
          fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 7 },
        }),
      },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body = await response.json();
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '7s',
    });
  });

  it('answers a missing key with 400 API_KEY_INVALID, as Google does', async () => {
    const response = await fetch(`${simulator.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.details[0]).toMatchObject({ reason: 'API_KEY_INVALID' });
  });

  it('throws the in-stream error mid-stream, and fails on a reset', async () => {
    const stream = await client({
      fault: {
        type: 'stream-error',
        afterChunks: 2,
        kind: 'overloaded',
        message: 'The model is overloaded.',
      },
    }).models.generateContentStream({ model: MODEL, contents: 'Hello there' });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    })().catch((caught: unknown) => caught);
    expect(texts).toHaveLength(2);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    await expect(generate({ fault: { type: 'reset' } })).rejects.toThrow();
  });

  it('fails on a malformed chunk', async () => {
    const stream = await client({
      fault: { type: 'malformed', afterChunks: 1 },
    }).models.generateContentStream({
      model: MODEL,
      contents: 'Hello there',
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // Draining until the cut-off chunk fails to parse.
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
  });
});
