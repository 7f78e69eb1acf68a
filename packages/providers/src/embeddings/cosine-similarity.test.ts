import { describe, expect, it } from 'vitest';
import { cosineSimilarity, topK } from './cosine-similarity.js';
import { pointIdForText, toQdrantPoints } from './qdrant-points.js';

describe('cosineSimilarity and topK', () => {
  it('scores direction, not length', () => {
    expect(cosineSimilarity([1, 0], [5, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 0], [1, 1])).toBe(0.7071067811865475);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/1 and 2 dimensions/);
  });

  it('ranks best first and keeps ties in candidate order', () => {
    const ranked = topK({
      query: [1, 0],
      candidates: [
        [0, 1],
        [1, 1],
        [2, 0],
        [3, 0],
      ],
      k: 3,
    });
    expect(ranked).toEqual([
      { index: 2, score: 1 },
      { index: 3, score: 1 },
      { index: 1, score: 0.7071067811865475 },
    ]);
    expect(topK({ query: [1], candidates: [[1]], k: 0 })).toEqual([]);
  });
});

describe('Qdrant points', () => {
  it('gives each text a stable UUID (version 8, RFC variant) from its SHA-256', () => {
    const id = pointIdForText('hello');
    // sha256('hello') = 2cf24dba5fb0a30e26e83b2ac5b9e29e…; version and variant bits set.
    expect(id).toBe('2cf24dba-5fb0-830e-a6e8-3b2ac5b9e29e');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pointIdForText('hello')).toBe(id);
    expect(pointIdForText('hello!')).not.toBe(id);
  });

  it('puts text and index in the payload, over the shared payload', () => {
    expect(
      toQdrantPoints({ texts: ['a'], vectors: [[0.5]], payload: { source: 'faq', text: 'no' } }),
    ).toEqual([
      { id: pointIdForText('a'), vector: [0.5], payload: { source: 'faq', text: 'a', index: 0 } },
    ]);
  });
});
