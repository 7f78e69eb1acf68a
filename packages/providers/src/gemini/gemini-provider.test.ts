import { type RunningSimulator, type ScenarioAction, startSimulator } from '@catalyst/simulator';
import type { ChatRequest } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectEvents, terminalEvent } from '../testing/index.js';
import { createGeminiProvider } from './gemini-provider.js';

// What only Gemini does, against the simulator's Gemini wire protocol. Everything every provider
// owes (stream, tools, JSON, usage, faults, abort) is in ../provider-contract.test.ts.
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
    apiKey: 'AIzaSECRET1234567890',
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

const fast = { timing: { firstTokenMs: 0, tokenDelayMs: 0 } };

describe('Gemini provider specifics', () => {
  it('streams from the model path and reports the model it answered with', async () => {
    const events = await collectEvents(
      provider({ ...fast, reply: { chunks: ['Hel', 'lo'] } }).stream(request()),
    );
    const done = terminalEvent(events);
    expect(done.type === 'done' && done.model).toContain('gemini-2.5-flash');
    expect(simulator.requests()[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
  });

  it('prices cache reads at the cached-input price the data package gives', async () => {
    const result = await provider({
      ...fast,
      reply: { text: 'ok', usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800 } },
    }).generate(request());
    // gemini-2.5-flash: $0.30 in, $0.03 cached in, $2.50 out; amounts rounded to 1e-10 USD.
    // The saving: 800 tokens at $0.30 ($0.00024) less what they cost cached ($0.000024).
    expect(result.cost).toEqual({
      inputUsd: 0.00006,
      outputUsd: 0.000025,
      cacheReadUsd: 0.000024,
      cacheWriteUsd: 0,
      totalUsd: 0.000109,
      saving: 0.000216,
    });
  });

  it('numbers tool calls itself, since the API sends no call ids', async () => {
    const events = await collectEvents(
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
    expect(call?.type === 'tool-call' && call.toolCall.id).toBe('call_0');
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
