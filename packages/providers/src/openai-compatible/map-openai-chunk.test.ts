import { describe, expect, it } from 'vitest';
import { mapOpenAIChunk } from './map-openai-chunk.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';

describe('mapOpenAIChunk', () => {
  it('maps text deltas and ignores the empty role chunk', () => {
    expect(
      mapOpenAIChunk({
        choices: [{ index: 0, delta: { role: 'assistant', content: '' } as never }],
      }),
    ).toEqual([]);
    expect(mapOpenAIChunk({ choices: [{ index: 0, delta: { content: 'Hel' } }] })).toEqual([
      { type: 'text', text: 'Hel' },
    ]);
  });

  it('does not assume choices[0]: Azure prompt-filter and usage chunks have none', () => {
    expect(mapOpenAIChunk({ model: '', choices: [] })).toEqual([]);
    expect(
      mapOpenAIChunk({
        choices: [],
        usage: {
          prompt_tokens: 149,
          completion_tokens: 60,
          total_tokens: 209,
          prompt_tokens_details: { cached_tokens: 100 },
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      }),
    ).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 149,
          outputTokens: 60,
          totalTokens: 209,
          cacheReadTokens: 100,
          reasoningTokens: 12,
        },
      },
    ]);
  });

  it('maps split tool-call fragments with ids and names only on the first one', () => {
    const first = mapOpenAIChunk({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, id: 'call_b', function: { name: 'get_stock_price', arguments: '' } },
            ],
          },
        },
      ],
    });
    const later = mapOpenAIChunk({
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{"ti' } }] } },
      ],
    });
    expect(first).toEqual([
      {
        type: 'tool-call-delta',
        index: 1,
        id: 'call_b',
        name: 'get_stock_price',
        argumentsDelta: '',
      },
    ]);
    expect(later).toEqual([{ type: 'tool-call-delta', index: 1, argumentsDelta: '{"ti' }]);
  });

  it('maps the legacy function_call delta to tool call 0', () => {
    expect(
      mapOpenAIChunk({
        choices: [{ index: 0, delta: { function_call: { name: 'lookup', arguments: '{"q":1}' } } }],
      }),
    ).toEqual([{ type: 'tool-call-delta', index: 0, name: 'lookup', argumentsDelta: '{"q":1}' }]);
  });

  it("reads Groq's usage from x_groq on the finish chunk", () => {
    expect(
      mapOpenAIChunk({
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        x_groq: { id: 'req_1', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
      }),
    ).toEqual([
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 } },
    ]);
  });

  it('ignores choices other than the first', () => {
    expect(mapOpenAIChunk({ choices: [{ index: 1, delta: { content: 'x' } }] })).toEqual([]);
  });
});

describe('mapOpenAIUsage', () => {
  it("adds xAI's reasoning tokens, which it counts outside completion_tokens", () => {
    const usage = {
      prompt_tokens: 119,
      completion_tokens: 9,
      total_tokens: 226,
      completion_tokens_details: { reasoning_tokens: 98 },
    };
    expect(mapOpenAIUsage(usage, { reasoningOutsideCompletion: true }).outputTokens).toBe(107);
    expect(mapOpenAIUsage(usage).outputTokens).toBe(9);
  });

  it('sets only the fields the provider sent', () => {
    expect(mapOpenAIUsage({ prompt_tokens: 3 })).toEqual({ inputTokens: 3 });
  });
});

describe('mapOpenAIFinishReason', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['end_turn_of_the_future', 'other'],
  ] as const)('%s → %s', (reason, expected) => {
    expect(mapOpenAIFinishReason(reason)).toBe(expected);
  });
});
