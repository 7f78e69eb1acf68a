/** Back-off base and cap, as the official SDKs use (0.5 s · 2^n, at most 8 s). */
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A provider's retry-after above this is not waited for: better to fail fast and let a fallback act. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before retry number `attempt + 1`: the provider's retry-after when it sent
 * one, else exponential back-off with jitter (between 75% and 100% of the step, so concurrent
 * clients spread out without ever retrying at once).
 */
export function retryDelay(options: {
  attempt: number;
  retryAfterMs: number | undefined;
  random: () => number;
}): number {
  if (options.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, options.retryAfterMs), MAX_RETRY_AFTER_MS);
  }
  const step = Math.min(BASE_DELAY_MS * 2 ** options.attempt, MAX_DELAY_MS);
  return Math.round(step * (1 - 0.25 * options.random()));
}
