import { describe, expect, it } from 'vitest';
import { computeCost } from './compute-cost.js';

const HAIKU = {
  inputPerMillion: 1,
  outputPerMillion: 5,
  cacheReadPerMillion: 0.1,
  cacheWritePerMillion: 1.25,
};
const usage = (cacheReadTokens: number, cacheWriteTokens: number) => ({
  inputTokens: 10_000,
  outputTokens: 10,
  totalTokens: 10_010,
  cacheReadTokens,
  cacheWriteTokens,
  reasoningTokens: 0,
});

describe('computeCost saving', () => {
  it('is absent without cached tokens, so costs without caching keep their shape', () => {
    expect(computeCost(HAIKU, usage(0, 0))).not.toHaveProperty('saving');
  });

  it('is the reads’ discount: 9,000 tokens at $1 less at $0.10', () => {
    expect(computeCost(HAIKU, usage(9000, 0)).saving).toBe(0.0081);
  });

  it('is negative for a call that only wrote: the write premium', () => {
    expect(computeCost(HAIKU, usage(0, 9000)).saving).toBe(-0.00225);
  });

  it('is zero for a model without cache prices', () => {
    expect(computeCost({ inputPerMillion: 1, outputPerMillion: 5 }, usage(9000, 0)).saving).toBe(0);
  });
});
