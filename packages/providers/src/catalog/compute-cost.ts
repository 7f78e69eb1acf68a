import type { Cost, ModelPricing, Usage } from '@catalyst/spec';

const PER_MILLION = 1_000_000;

/**
 * Cost of one call from its usage. Cached reads and writes are priced separately when the
 * model has cache prices; otherwise they cost what ordinary input costs.
 */
export function computeCost(pricing: ModelPricing, usage: Usage): Cost {
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const inputUsd = (uncached * pricing.inputPerMillion) / PER_MILLION;
  const outputUsd = (usage.outputTokens * pricing.outputPerMillion) / PER_MILLION;
  const cacheReadUsd =
    (cacheRead * (pricing.cacheReadPerMillion ?? pricing.inputPerMillion)) / PER_MILLION;
  const cacheWriteUsd =
    (cacheWrite * (pricing.cacheWritePerMillion ?? pricing.inputPerMillion)) / PER_MILLION;
  return {
    inputUsd,
    outputUsd,
    cacheReadUsd,
    cacheWriteUsd,
    totalUsd: inputUsd + outputUsd + cacheReadUsd + cacheWriteUsd,
  };
}
