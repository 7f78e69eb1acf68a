/**
 * Token counts for one call. `inputTokens` includes cached tokens (read and written), so
 * cost can be computed from the split: uncached = input − cacheRead − cacheWrite.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Hidden reasoning tokens, already counted in `outputTokens`. */
  reasoningTokens: number;
}

/** Cost of one call in US dollars; `null` fields mean the model has no price in the catalog. */
export interface Cost {
  inputUsd: number;
  outputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
  totalUsd: number;
  /**
   * What prompt caching saved against paying the full input price for every input token: the
   * cache reads' discount minus the cache writes' premium (negative when a call only wrote).
   * Present only when the call read or wrote cached tokens.
   */
  saving?: number;
}

/** A usage record with every count at zero. */
export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Money values are kept to 1e-10 US dollars (a ten-thousandth of a millionth of a dollar), so
 * sums print without binary float noise (`0.00006`, not `0.000059999999999999995`) and both
 * runtimes print the same digits.
 */
export const USD_PRECISION = 1e10;

/**
 * A dollar amount rounded to {@link USD_PRECISION}, half away from zero as `Math.round` does
 * for the non-negative amounts costs are.
 *
 * @example
 * roundUsd(0.000059999999999999995); // 0.00006
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * USD_PRECISION) / USD_PRECISION;
}

/**
 * The sum of two costs, each field rounded with {@link roundUsd}; `saving` is present when either
 * has one.
 */
export function addCosts(a: Cost, b: Cost): Cost {
  const sum: Cost = {
    inputUsd: roundUsd(a.inputUsd + b.inputUsd),
    outputUsd: roundUsd(a.outputUsd + b.outputUsd),
    cacheReadUsd: roundUsd(a.cacheReadUsd + b.cacheReadUsd),
    cacheWriteUsd: roundUsd(a.cacheWriteUsd + b.cacheWriteUsd),
    totalUsd: roundUsd(a.totalUsd + b.totalUsd),
  };
  if (a.saving !== undefined || b.saving !== undefined) {
    sum.saving = roundUsd((a.saving ?? 0) + (b.saving ?? 0));
  }
  return sum;
}
