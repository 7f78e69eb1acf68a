import { readFileSync } from 'node:fs';
import { ProviderError } from '@catalyst/spec';
import type { GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { RawPart } from '../shared/raw-part.js';
import { mapGeminiStream } from './map-gemini-stream.js';

/** Recorded captures, one JSON chunk per line (see __fixtures__/README.md). */
function fixtureChunks(name: string): unknown[] {
  const url = new URL(`./__fixtures__/${name}`, import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

async function collect(chunks: unknown[]): Promise<RawPart[]> {
  async function* source() {
    for (const chunk of chunks) yield chunk as GenerateContentResponse;
  }
  const parts: RawPart[] = [];
  for await (const part of mapGeminiStream(source(), { model: 'gemini-2.5-flash' })) {
    parts.push(part);
  }
  return parts;
}

const textOf = (parts: RawPart[]) =>
  parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('mapGeminiStream on recorded captures', () => {
  it('streams text with thinking tokens counted as output', async () => {
    const parts = await collect(fixtureChunks('google-text.chunks.txt'));
    expect(textOf(parts)).toContain('There are **3** "r"s in strawberry.');
    expect(parts).toContainEqual({
      type: 'metadata',
      model: 'gemini-3-pro-preview',
      requestId: 'bH6LaZW8Fp_3nsEPqtaSwQ4',
    });
    const usage = parts.filter((part) => part.type === 'usage').at(-1);
    expect(usage).toMatchObject({ usage: { inputTokens: 9, reasoningTokens: 185 } });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('turns a whole function call into one delta with a made-up stable id', async () => {
    const parts = await collect(fixtureChunks('google-tool-call.chunks.txt'));
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      {
        type: 'tool-call-delta',
        index: 0,
        id: 'call_0',
        name: 'weather',
        argumentsDelta: '{"location":"San Francisco"}',
      },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
    expect(parts.filter((part) => part.type === 'usage').at(-1)).toMatchObject({
      usage: { inputTokens: 29, outputTokens: 60, reasoningTokens: 45 },
    });
  });

  it('throws a content_filter error for a blocked prompt', async () => {
    const failure = await collect(fixtureChunks('issue-19758-prompt-block.chunks.txt')).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ kind: 'content_filter', retryable: false });
    expect((failure as ProviderError).message).toContain('PROHIBITED_CONTENT');
  });
});

describe('mapGeminiStream', () => {
  it('skips thought parts and reports cached tokens', async () => {
    const parts = await collect([
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: 'pondering', thought: true }, { text: 'Hi' }],
            },
            finishReason: 'MAX_TOKENS',
          },
        ],
        usageMetadata: {
          promptTokenCount: 1200,
          cachedContentTokenCount: 1000,
          candidatesTokenCount: 3,
        },
      },
    ]);
    expect(textOf(parts)).toBe('Hi');
    expect(parts).toContainEqual({
      type: 'usage',
      usage: { inputTokens: 1200, cacheReadTokens: 1000, outputTokens: 3, reasoningTokens: 0 },
    });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'length' });
  });

  it.each([
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('maps finishReason %s to %s', async (finishReason, expected) => {
    const parts = await collect([{ candidates: [{ content: { parts: [] }, finishReason }] }]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: expected });
  });
});
