import type { RequestSummary } from '../types.js';

/** How long an entry lives after its last use: Anthropic's default (`ephemeral`, 5 minutes). */
export const PROMPT_CACHE_TTL_MS = 5 * 60 * 1000;

/** One simulator's prompt cache: prefix key → time it expires (on the simulator's clock). */
export type PromptCache = Map<string, number>;

/**
 * Cache usage for a request with explicit cache breakpoints, as Anthropic reports it: the longest
 * prefix still cached is read (and its life renewed), the tokens from there to the last
 * breakpoint are written, and every breakpoint's prefix is cached from now on. Prefixes shorter
 * than the model's minimum neither read nor write. Tokens are clamped to the request's input.
 *
 * @example
 * applyPromptCache({ cache, breakpoints, inputTokens: 5000, now: 0 }); // first: { read: 0, write: 4900 }
 */
export function applyPromptCache(options: {
  cache: PromptCache;
  breakpoints: NonNullable<RequestSummary['cacheBreakpoints']>;
  inputTokens: number;
  now: number;
}): { read: number; write: number } {
  const { cache, now } = options;
  const eligible = options.breakpoints.prefixes.filter(
    (prefix) => prefix.tokens >= options.breakpoints.minimumTokens,
  );
  const last = eligible.at(-1);
  if (last === undefined) return { read: 0, write: 0 };
  const hit = [...eligible].reverse().find((prefix) => (cache.get(prefix.key) ?? -1) > now);
  const read = Math.min(hit?.tokens ?? 0, options.inputTokens);
  const write = Math.max(0, Math.min(last.tokens, options.inputTokens) - read);
  for (const prefix of eligible) cache.set(prefix.key, now + PROMPT_CACHE_TTL_MS);
  return { read, write };
}
