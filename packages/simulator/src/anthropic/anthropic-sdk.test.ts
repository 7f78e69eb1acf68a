import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioAction } from '../core/scenario.js';
import { type RunningSimulator, startSimulator } from '../core/server.js';
import { ANTHROPIC_PROTOCOL } from './anthropic-protocol.js';

const MODEL = 'claude-sonnet-4-6';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
  },
};

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ protocols: [ANTHROPIC_PROTOCOL] });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

/** A client pointed at the simulator; a directive steers the next replies through a header. */
function client(directive?: ScenarioAction): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: simulator.url,
    maxRetries: 0,
    ...(directive ? { defaultHeaders: { 'x-sim-directive': JSON.stringify(directive) } } : {}),
  });
}

const hello = [{ role: 'user' as const, content: 'Hello there' }];

describe('Anthropic Messages through @anthropic-ai/sdk', () => {
  it('reports cache writes, then reads, for a prefix with a cache breakpoint', async () => {
    // About 2,250 tokens, above claude-sonnet-4-6's minimum of 2,048.
    const manual = 'Rule: answer in one sentence. '.repeat(300);
    const ask = (question: string, cache: boolean) =>
      client().messages.create({
        model: MODEL,
        max_tokens: 64,
        system: [
          { type: 'text', text: manual, ...(cache && { cache_control: { type: 'ephemeral' } }) },
        ],
        messages: [{ role: 'user', content: question }],
      });
    const plain = await ask('first?', false);
    expect(plain.usage.cache_creation_input_tokens).toBe(0);
    expect(plain.usage.cache_read_input_tokens).toBe(0);

    const first = await ask('first?', true);
    const written = first.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThan(2048);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.input_tokens).toBeGreaterThan(0);

    const second = await ask('a different question?', true);
    expect(second.usage.cache_read_input_tokens).toBe(written);
    expect(second.usage.cache_creation_input_tokens).toBe(0);

    const otherModel = await client().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: [{ type: 'text', text: manual, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'first?' }],
    });
    // The cache is per model: the same prefix on another model is written anew.
    expect(otherModel.usage.cache_read_input_tokens).toBe(0);
    expect(otherModel.usage.cache_creation_input_tokens).toBe(written);
  });

  it('caches nothing under the model’s minimum prefix', async () => {
    const message = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      messages: hello,
    });
    expect(message.usage.cache_creation_input_tokens).toBe(0);
  });

  it('streams text with usage and the final message', async () => {
    const stream = client().messages.stream({ model: MODEL, max_tokens: 256, messages: hello });
    const pieces: string[] = [];
    stream.on('text', (text) => pieces.push(text));
    const message = await stream.finalMessage();
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(`Simulated reply from ${MODEL}: you said "Hello there".`);
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'text', text: pieces.join('') }),
    ]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(pieces.length);
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
  });

  it('sends every stream event in the real order with event lines', async () => {
    const response = await fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'sk-ant-test',
        'anthropic-version': '2023-06-01',
        'x-sim-directive': JSON.stringify({
          reply: {
            chunks: ['Hi', '!'],
            toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
          },
        }),
      },
      body: JSON.stringify({ model: MODEL, max_tokens: 64, stream: true, messages: hello }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const text = await response.text();
    const frames = text.trimEnd().split('\n\n');
    const events = frames.map((frame) => /^event: (\w+)\n/.exec(frame)?.[1]);
    const toolDeltaCount = events.length - 10;
    expect(toolDeltaCount).toBeGreaterThanOrEqual(3);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      ...Array<string>(toolDeltaCount).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = frames.map((frame) => JSON.parse(frame.split('\ndata: ')[1] ?? 'null'));
    for (const [index, frame] of data.entries()) {
      expect(frame.type).toBe(events[index]);
    }
    const toolDeltas = data.filter((frame) => frame.delta?.type === 'input_json_delta');
    expect(toolDeltas[0].delta.partial_json).toBe('');
    expect(toolDeltas.length).toBeGreaterThan(2);
    expect(toolDeltas.map((frame) => frame.delta.partial_json).join('')).toBe('{"city":"Paris"}');
    expect(data[0].message.usage.output_tokens).toBe(1);
    const messageDelta = data.at(-2);
    expect(messageDelta.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    expect(messageDelta.usage.output_tokens).toBeGreaterThan(1);
  });

  it('answers non-stream with text, tool_use and cache usage', async () => {
    const message = await client({
      reply: {
        text: 'Let me check.',
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
        usage: {
          inputTokens: 1200,
          cacheReadTokens: 1000,
          cacheWriteTokens: 100,
          outputTokens: 20,
        },
      },
    }).messages.create({ model: MODEL, max_tokens: 256, messages: hello, tools: [WEATHER_TOOL] });
    expect(message.content[0]).toEqual({ type: 'text', text: 'Let me check.' });
    expect(message.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'Paris' },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 100,
      output_tokens: 20,
    });
  });

  it('streams a forced tool call (the JSON-mode emulation) as input_json_delta fragments', async () => {
    const stream = client().messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    const fragments: string[] = [];
    stream.on('inputJson', (partial) => fragments.push(partial));
    const message = await stream.finalMessage();
    expect(fragments.length).toBeGreaterThan(1);
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'get_weather', id: expect.stringMatching(/^toolu_01/) });
    expect(toolUse?.type === 'tool_use' && typeof toolUse.input).toBe('object');
    expect(toolUse?.type === 'tool_use' && (toolUse.input as { city?: unknown }).city).toEqual(
      expect.any(String),
    );
  });

  it('answers in text after a tool result', async () => {
    const message = await client().messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18 C and sunny' }],
        },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('18 C and sunny'),
    });
  });

  it('reports stop_sequence and max_tokens', async () => {
    const stopped = await client({ reply: { text: 'one two STOP three' } }).messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: hello,
      stop_sequences: ['STOP'],
    });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('STOP');
    expect(stopped.content[0]).toMatchObject({ text: 'one two ' });
    const cut = await client()
      .messages.stream({ model: MODEL, max_tokens: 2, messages: hello })
      .finalMessage();
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage.output_tokens).toBe(2);
  });

  it('counts tokens and retrieves a model', async () => {
    const counted = await client().messages.countTokens({
      model: MODEL,
      messages: hello,
      system: 'Be brief.',
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const model = await client().models.retrieve(MODEL);
    expect(model).toMatchObject({ type: 'model', id: MODEL, display_name: 'Claude Sonnet 4.6' });
    await expect(client().models.retrieve('claude-unknown-1')).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});

describe('Anthropic faults through @anthropic-ai/sdk', () => {
  const create = (directive: ScenarioAction) =>
    client(directive).messages.create({ model: MODEL, max_tokens: 64, messages: hello });

  it.each([
    ['auth', Anthropic.AuthenticationError, 401, 'authentication_error'],
    ['model_not_found', Anthropic.NotFoundError, 404, 'not_found_error'],
    ['invalid_request', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['context_length', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['rate_limit', Anthropic.RateLimitError, 429, 'rate_limit_error'],
    ['server', Anthropic.InternalServerError, 500, 'api_error'],
    ['overloaded', Anthropic.APIError, 529, 'overloaded_error'],
  ] as const)(
    '%s raises the typed error for its status',
    async (kind, errorClass, status, type) => {
      const error = await create({ fault: { type: 'http', kind, retryAfterSeconds: 3 } }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(errorClass);
      const apiError = error as InstanceType<typeof Anthropic.APIError>;
      expect(apiError.status).toBe(status);
      expect(apiError.type).toBe(type);
      expect(apiError.requestID).toMatch(/^req_/);
      expect(apiError.headers?.get('retry-after')).toBe('3');
      if (kind === 'context_length') {
        expect(apiError.message).toMatch(/prompt is too long: \d+ tokens > 200000 maximum/);
      }
      if (kind === 'model_not_found') {
        expect(apiError.message).toContain(`model: ${MODEL}`);
      }
    },
  );

  it('refuses a request without a key', async () => {
    const response = await fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: hello }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('raises APIConnectionError on a reset', async () => {
    await expect(create({ fault: { type: 'reset' } })).rejects.toBeInstanceOf(
      Anthropic.APIConnectionError,
    );
  });

  it('throws the in-stream error event mid-stream, after the first text', async () => {
    const stream = client({
      fault: { type: 'stream-error', afterChunks: 2, kind: 'overloaded', message: 'Overloaded' },
    }).messages.stream({ model: MODEL, max_tokens: 256, messages: hello });
    const pieces: string[] = [];
    stream.on('text', (text) => pieces.push(text));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(pieces).toHaveLength(2);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect((error as Error).message).toContain('Overloaded');
  });

  it('fails on a malformed frame', async () => {
    const malformed = client({ fault: { type: 'malformed', afterChunks: 1 } }).messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: hello,
    });
    await expect(malformed.finalMessage()).rejects.toThrow(/JSON/);
  });

  it('fails on a disconnect mid-stream', async () => {
    const cut = client({ fault: { type: 'disconnect', afterChunks: 1 } }).messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: hello,
    });
    await expect(cut.finalMessage()).rejects.toThrow();
  });
});
