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
