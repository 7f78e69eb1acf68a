import { describe, expect, it } from 'vitest';
import { applyPromptCache, PROMPT_CACHE_TTL_MS, type PromptCache } from './prompt-cache.js';

const breakpoints = (...prefixes: Array<[string, number]>) => ({
  minimumTokens: 1024,
  prefixes: prefixes.map(([key, tokens]) => ({ key, tokens })),
});

describe('applyPromptCache', () => {
  it('writes the prefix the first time and reads it the next, within five minutes', () => {
    const cache: PromptCache = new Map();
    const request = { cache, breakpoints: breakpoints(['system', 2000]), inputTokens: 2100 };
    expect(applyPromptCache({ ...request, now: 0 })).toEqual({ read: 0, write: 2000 });
    expect(applyPromptCache({ ...request, now: 60_000 })).toEqual({ read: 2000, write: 0 });
    // Each read renews the entry: five minutes after the *last* use it is gone.
    expect(applyPromptCache({ ...request, now: 60_000 + PROMPT_CACHE_TTL_MS - 1 })).toEqual({
      read: 2000,
      write: 0,
    });
    expect(applyPromptCache({ ...request, now: 60_000 + 2 * PROMPT_CACHE_TTL_MS })).toEqual({
      read: 0,
      write: 2000,
    });
  });

  it('reads the longest cached prefix and writes the rest up to the last breakpoint', () => {
    const cache: PromptCache = new Map();
    applyPromptCache({
      cache,
      breakpoints: breakpoints(['system', 2000]),
      inputTokens: 2100,
      now: 0,
    });
    expect(
      applyPromptCache({
        cache,
        breakpoints: breakpoints(['system', 2000], ['turn 1', 3000]),
        inputTokens: 3100,
        now: 1,
      }),
    ).toEqual({ read: 2000, write: 1000 });
  });

  it('caches nothing below the minimum', () => {
    const cache: PromptCache = new Map();
    const request = { cache, breakpoints: breakpoints(['short', 1000]), inputTokens: 1100 };
    expect(applyPromptCache({ ...request, now: 0 })).toEqual({ read: 0, write: 0 });
    expect(applyPromptCache({ ...request, now: 1 })).toEqual({ read: 0, write: 0 });
    expect(cache.size).toBe(0);
  });
});
