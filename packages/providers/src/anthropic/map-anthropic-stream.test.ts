import { readFileSync } from 'node:fs';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import type { RawPart } from '../shared/raw-part.js';
import { mapAnthropicStream } from './map-anthropic-stream.js';

/** Recorded captures, one JSON event per line (see __fixtures__/README.md). */
function fixtureEvents(name: string): RawMessageStreamEvent[] {
  const url = new URL(`./__fixtures__/${name}`, import.meta.url);
  return (
    readFileSync(url, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as RawMessageStreamEvent)
      // The SDK skips ping frames before they reach the adapter.
      .filter((event) => (event.type as string) !== 'ping')
  );
}

async function collect(events: unknown[], jsonMode = false): Promise<RawPart[]> {
  async function* source() {
    for (const event of events) yield event as RawMessageStreamEvent;
  }
  const parts: RawPart[] = [];
  for await (const part of mapAnthropicStream(source(), { jsonMode })) parts.push(part);
  return parts;
}

const textOf = (parts: RawPart[]) =>
  parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('mapAnthropicStream on recorded captures', () => {
  it('streams text, the model, usage and the stop reason', async () => {
    const parts = await collect(fixtureEvents('anthropic-message-delta-input-tokens.chunks.txt'));
    expect(textOf(parts)).toBe('pong');
    expect(parts).toContainEqual({ type: 'metadata', model: 'claude-opus-4-5-20251101' });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    const usage = parts.filter((part) => part.type === 'usage');
    expect(usage[0]).toMatchObject({ usage: { inputTokens: 43 } });
  });

  it('turns the forced json tool into text in JSON mode, not a tool call', async () => {
    const parts = await collect(fixtureEvents('anthropic-json-tool.1.chunks.txt'), true);
    expect(parts.some((part) => part.type === 'tool-call-delta')).toBe(false);
    expect(JSON.parse(textOf(parts))).toEqual({
      elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }],
    });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('maps a tool_use block to tool-call deltas with a 0-based index', async () => {
    const parts = await collect(fixtureEvents('anthropic-tool-no-args.chunks.txt'));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas[0]).toMatchObject({ index: 0, argumentsDelta: '' });
    expect(deltas[0]?.type === 'tool-call-delta' && deltas[0].id).toMatch(/^toolu_/);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('maps a refusal', async () => {
    const parts = await collect(fixtureEvents('anthropic-refusal.chunks.txt'));
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'refusal' });
  });
});

describe('mapAnthropicStream', () => {
  const start = (usage: Record<string, unknown>) => ({
    type: 'message_start',
    message: { model: 'claude-haiku-4-5', usage },
  });

  it('counts cache reads and writes into the input and keeps them across message_delta', async () => {
    const parts = await collect([
      start({
        input_tokens: 10,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
        output_tokens: 1,
      }),
      {
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens', stop_sequence: null },
        usage: { output_tokens: 42 },
      },
    ]);
    const usage = parts.filter((part) => part.type === 'usage').map((part) => part.usage);
    expect(usage[0]).toEqual({
      inputTokens: 1210,
      cacheReadTokens: 1000,
      cacheWriteTokens: 200,
      outputTokens: 1,
    });
    expect(usage[1]).toEqual({ outputTokens: 42 });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'length' });
  });

  it('keeps parallel tool calls apart and skips thinking', async () => {
    const parts = await collect([
      start({ input_tokens: 5, output_tokens: 1 }),
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'weather', input: {} },
      },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'time', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"tz":"UTC"}' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
      },
    ]);
    expect(textOf(parts)).toBe('');
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'toolu_a', name: 'weather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_b', name: 'time', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"tz":"UTC"}' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris"}' },
    ]);
  });
});
