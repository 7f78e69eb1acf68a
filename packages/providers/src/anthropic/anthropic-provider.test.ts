import { type RunningSimulator, type ScenarioAction, startSimulator } from '@catalyst/simulator';
import type { ChatRequest } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectEvents, terminalEvent } from '../testing/index.js';
import { createAnthropicProvider } from './anthropic-provider.js';

// What only Anthropic does, against the simulator's Anthropic wire protocol. Everything every
// provider owes (stream, tools, JSON, usage, faults, abort) is in ../provider-contract.test.ts.
const MODEL = 'claude-haiku-4-5';
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
  return createAnthropicProvider({
    apiKey: 'sk-ant-SECRET1234567890',
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

describe('Anthropic provider specifics', () => {
  it('caches a long system prompt: the first call writes it, the next reads it, and both say what it saved', async () => {
    // About 4,500 estimated tokens, above claude-haiku-4-5's minimum of 4,096.
    const system = 'You answer questions about the attached manual. '.repeat(375);
    const first = await provider(fast).generate(request({ system, cache: true }));
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(4096);
    expect(first.usage.cacheReadTokens).toBe(0);
    // Writing costs 25 % more than ordinary input: a negative saving.
    expect(first.cost?.saving).toBeLessThan(0);
    const second = await provider(fast).generate(
      request({ system, cache: true, messages: [{ role: 'user', content: 'Another question' }] }),
    );
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBe(0);
    expect(second.cost?.saving).toBeGreaterThan(0);
    const sent = simulator.requests()[0]?.body as { system: unknown };
    expect(sent.system).toEqual([
      { type: 'text', text: system, cache_control: { type: 'ephemeral' } },
    ]);
    // Without `cache`, nothing is cached and the cost has no saving.
    simulator.reset();
    const plain = await provider(fast).generate(request({ system }));
    expect(plain.usage.cacheWriteTokens).toBe(0);
    expect(plain.cost).not.toHaveProperty('saving');
  });

  it('reports a deprecated model and unsent sampling settings as warnings, never on the console', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const result = await provider(fast).generate(
        request({ model: 'claude-sonnet-4-5', temperature: 0.2, topP: 0.9 }),
      );
      expect(warn).not.toHaveBeenCalled();
      expect(result.warnings?.map((warning) => [warning.type, warning.setting])).toEqual([
        ['deprecated-model', 'model'],
        ['unsupported-setting', 'temperature'],
        ['unsupported-setting', 'topP'],
      ]);
      expect(result.warnings?.[0]?.message).toBe(
        'anthropic: model "claude-sonnet-4-5" is deprecated and reaches its end of life on 2026-11-30; use "claude-sonnet-4-6"',
      );
      const sent = simulator.requests()[0]?.body as Record<string, unknown>;
      expect(sent).not.toHaveProperty('temperature');
      expect(sent).not.toHaveProperty('top_p');
    } finally {
      warn.mockRestore();
    }
  });

  it('adds no warnings when there is nothing to report', async () => {
    const result = await provider(fast).generate(request());
    expect(result).not.toHaveProperty('warnings');
  });

  it('asks for at most 4096 output tokens when the caller sets none (the API requires a cap)', async () => {
    await provider({ ...fast, reply: { text: 'Hi' } }).generate(request());
    const body = simulator.requests()[0]?.body as Record<string, unknown>;
    expect(body.max_tokens).toBe(4096);
    expect(body.stream).toBe(true);
  });

  it('prices cache reads and writes at their own catalog prices', async () => {
    const result = await provider({
      ...fast,
      reply: {
        text: 'ok',
        usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800, cacheWriteTokens: 100 },
      },
    }).generate(request());
    // claude-haiku-4-5: $1 in, $5 out, cache read $0.10, cache write $1.25 per million.
    expect(result.cost?.inputUsd).toBeCloseTo((100 * 1) / 1e6, 12);
    expect(result.cost?.cacheReadUsd).toBeCloseTo((800 * 0.1) / 1e6, 12);
    expect(result.cost?.cacheWriteUsd).toBeCloseTo((100 * 1.25) / 1e6, 12);
    expect(result.cost?.outputUsd).toBeCloseTo((10 * 5) / 1e6, 12);
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
    'turns the forced json tool call (%s) into text plus parsed json',
    async (_name, responseFormat) => {
      const events = await collectEvents(
        // What the real API sends for a forced tool: a tool_use block whose input is the answer.
        provider({
          ...fast,
          reply: { toolCalls: [{ name: 'json', arguments: { city: 'Paris' } }] },
        }).stream(request({ responseFormat })),
      );
      expect(
        events.some((event) => event.type === 'tool-call' || event.type === 'tool-call-delta'),
      ).toBe(false);
      const done = terminalEvent(events);
      expect(done).toMatchObject({
        type: 'done',
        json: { city: 'Paris' },
        finishReason: 'stop',
        toolCalls: [],
      });
      expect(done.type === 'done' && JSON.parse(done.text)).toEqual({ city: 'Paris' });
    },
  );
});
