import { describe, expect, it } from 'vitest';
import { embeddingLimits, estimateEmbeddingTokens } from './embedding-limits.js';
import { splitIntoBatches } from './split-into-batches.js';

describe('splitIntoBatches', () => {
  it('cuts by item count, keeping order and covering every text once', () => {
    const texts = Array.from({ length: 5 }, (_, index) => `t${index}`);
    expect(splitIntoBatches(texts, { maxItems: 2, maxTokens: 1000 })).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
  });

  it('cuts by estimated tokens, and sends an oversized text alone', () => {
    const texts = ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(300), 'd'];
    // 10 + 10 tokens fit in 25; the 100-token text travels alone.
    expect(splitIntoBatches(texts, { maxItems: 10, maxTokens: 25 })).toEqual([
      [0, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(splitIntoBatches([], { maxItems: 1, maxTokens: 1 })).toEqual([]);
  });

  it('estimates tokens from UTF-8 bytes, on the high side', () => {
    expect(estimateEmbeddingTokens('')).toBe(0);
    expect(estimateEmbeddingTokens('abcd')).toBe(2);
    expect(estimateEmbeddingTokens('ééé')).toBe(2);
  });

  it('knows each provider limit', () => {
    expect(embeddingLimits('openai', 'text-embedding-3-small')).toEqual({
      maxItems: 2048,
      maxTokens: 300_000,
    });
    expect(embeddingLimits('azure', 'x').maxItems).toBe(2048);
    expect(embeddingLimits('gemini', 'gemini-embedding-001').maxItems).toBe(100);
    expect(embeddingLimits('voyage', 'voyage-4-large')).toEqual({
      maxItems: 1000,
      maxTokens: 120_000,
    });
    expect(embeddingLimits('voyage', 'voyage-4').maxTokens).toBe(320_000);
    expect(embeddingLimits('voyage', 'voyage-4-lite').maxTokens).toBe(1_000_000);
  });
});
