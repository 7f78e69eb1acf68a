import Groq from 'groq-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../core/server.js';

let simulator: RunningSimulator;
let groq: Groq;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  // groq-sdk appends /openai/v1/... to its base URL, exactly as against api.groq.com.
  groq = new Groq({ apiKey: 'gsk-test', baseURL: simulator.url, maxRetries: 0 });
});
afterAll(async () => simulator.close());

const tool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
    },
  },
};

describe('Groq through groq-sdk', () => {
  it('streams text with x_groq on the first chunk and usage on the finish chunk', async () => {
    const stream = await groq.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'Hello Groq' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Simulated reply from llama-3.3-70b-versatile: you said "Hello Groq".');
    expect(chunks[0]?.x_groq?.id).toMatch(/^req_/);
    const last = chunks.at(-1);
    expect(last?.choices[0]?.finish_reason).toBe('stop');
    expect(last?.x_groq?.usage?.completion_tokens).toBeGreaterThan(0);
    // No separate usage chunk: every chunk has a choice.
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(simulator.requests().at(-1)?.provider).toBe('groq');
  });

  it('streams a tool call whole in one delta', async () => {
    const stream = await groq.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [tool],
      stream: true,
    });
    const deltas = [];
    for await (const chunk of stream) {
      const calls = chunk.choices[0]?.delta.tool_calls;
      if (calls) deltas.push(...calls);
    }
    expect(deltas).toHaveLength(1);
    expect(deltas[0]?.function?.name).toBe('weather');
    expect(JSON.parse(deltas[0]?.function?.arguments ?? '')).toEqual({
      location: 'example location',
    });
  });

  it('answers non-streaming with x_groq and Groq usage timings', async () => {
    const completion = await groq.chat.completions.create({
      model: 'llama-3.1-8b-instant',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content).toContain('Hi');
    expect(completion.usage?.total_time).toBeGreaterThan(0);
  });

  it.each([
    ['auth', Groq.AuthenticationError],
    ['model_not_found', Groq.NotFoundError],
    ['context_length', Groq.BadRequestError],
    ['rate_limit', Groq.RateLimitError],
    ['server', Groq.InternalServerError],
  ] as const)('raises the typed error for %s', async (kind, errorClass) => {
    const error = await groq.chat.completions
      .create(
        { model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { 'x-sim-directive': JSON.stringify({ fault: { type: 'http', kind } }) } },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
  });

  it('raises APIConnectionError on reset', async () => {
    await expect(
      groq.chat.completions.create({
        model: 'llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'Hi [[sim {"fault":{"type":"reset"}}]]' }],
      }),
    ).rejects.toBeInstanceOf(Groq.APIConnectionError);
  });

  it('rejects n other than 1, as Groq does', async () => {
    await expect(
      groq.chat.completions.create({
        model: 'llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'Hi' }],
        n: 2,
      }),
    ).rejects.toBeInstanceOf(Groq.BadRequestError);
  });

  it('lists Groq models', async () => {
    const models = await groq.models.list();
    expect(models.data.map((model) => model.id)).toContain('llama-3.3-70b-versatile');
  });
});
