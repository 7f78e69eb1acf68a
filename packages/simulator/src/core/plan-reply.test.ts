import { describe, expect, it } from 'vitest';
import type { RequestSummary, SimRequest } from '../types.js';
import { planReply } from './plan-reply.js';
import { splitAtArbitraryPositions, splitIntoChunks } from './split-into-chunks.js';
import { synthesizeFromSchema } from './synthesize-from-schema.js';

const request: SimRequest = {
  id: 1,
  method: 'POST',
  path: '/v1/chat/completions',
  query: new URLSearchParams(),
  headers: {},
  body: {},
  provider: 'openai',
  operation: 'chat',
  model: 'gpt-4o',
  stream: true,
};

function summary(overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    lastUserText: 'Hello',
    promptText: 'Hello',
    messageCount: 1,
    lastIsToolResult: false,
    tools: [],
    toolChoice: 'auto',
    responseFormat: { type: 'text' },
    stop: [],
    choices: 1,
    embeddingInputs: [],
    ...overrides,
  };
}

describe('planReply', () => {
  it('derives a deterministic echo with realistic usage', () => {
    const plan = planReply({ request, summary: summary(), action: {}, lastUserText: 'Hello' });
    expect(plan.chunks.join('')).toBe('Simulated reply from gpt-4o: you said "Hello".');
    expect(plan.usage.outputTokens).toBe(plan.chunks.length);
    expect(plan.usage.inputTokens).toBe(2 + 4 + 3);
    expect(plan.finish).toBe('stop');
  });

  it('calls the forced tool with schema-derived arguments, and answers a tool result in text', () => {
    const tools = [
      { name: 'first', parameters: { type: 'object', properties: {} } },
      {
        name: 'second',
        parameters: {
          type: 'object',
          properties: { mode: { enum: ['fast', 'slow'] }, count: { type: 'integer', minimum: 3 } },
          required: ['mode', 'count'],
        },
      },
    ];
    const forced = planReply({
      request,
      summary: summary({ tools, toolChoice: { name: 'second' } }),
      action: {},
      lastUserText: 'x',
    });
    expect(forced.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        name: 'second',
        arguments: '{"mode":"fast","count":3}',
      },
    ]);
    expect(forced.finish).toBe('tool_calls');
    const none = planReply({
      request,
      summary: summary({ tools, toolChoice: 'none' }),
      action: {},
      lastUserText: 'x',
    });
    expect(none.toolCalls).toEqual([]);
    const answered = planReply({
      request,
      summary: summary({ tools, lastIsToolResult: true, lastToolResultText: '42' }),
      action: {},
      lastUserText: 'x',
    });
    expect(answered.chunks.join('')).toContain('42');
  });

  it('cuts at a stop sequence and truncates at maxTokens', () => {
    const stopped = planReply({
      request,
      summary: summary({ stop: ['you'] }),
      action: {},
      lastUserText: 'Hello',
    });
    expect(stopped.chunks.join('')).toBe('Simulated reply from gpt-4o: ');
    expect(stopped.finish).toBe('stop_sequence');
    expect(stopped.stopSequence).toBe('you');
    const truncated = planReply({
      request,
      summary: summary({ maxTokens: 2 }),
      action: {},
      lastUserText: 'Hello',
    });
    expect(truncated.chunks).toHaveLength(2);
    expect(truncated.finish).toBe('length');
    expect(truncated.usage.outputTokens).toBe(2);
  });

  it('applies scripted replies, timing and usage overrides', () => {
    const plan = planReply({
      request,
      summary: summary(),
      action: {
        reply: { chunks: ['a', 'b'], finish: 'content_filter', usage: { inputTokens: 7 } },
        timing: { firstTokenMs: 5 },
      },
      lastUserText: 'Hello',
    });
    expect(plan.chunks).toEqual(['a', 'b']);
    expect(plan.finish).toBe('content_filter');
    expect(plan.usage.inputTokens).toBe(7);
    expect(plan.timing).toEqual({ firstTokenMs: 5, tokenDelayMs: 0 });
  });
});

describe('chunking and schema synthesis', () => {
  it('splits text losslessly', () => {
    const text = 'A  sentence with extraordinarily long words.';
    expect(splitIntoChunks(text).join('')).toBe(text);
    expect(splitAtArbitraryPositions(text).join('')).toBe(text);
    expect(splitAtArbitraryPositions(text).length).toBeGreaterThan(5);
  });

  it('follows $ref, anyOf and nullable types', () => {
    expect(
      synthesizeFromSchema({
        type: 'object',
        $defs: {
          Point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] },
        },
        properties: {
          at: { $ref: '#/$defs/Point' },
          label: { anyOf: [{ type: 'null' }, { type: 'string' }] },
          flag: { type: ['boolean', 'null'] },
        },
        required: ['at', 'label', 'flag'],
      }),
    ).toEqual({ at: { x: 1 }, label: 'example label', flag: true });
  });
});
