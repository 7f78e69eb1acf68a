import { type Cost, type ModelPricing, roundUsd, type Usage } from '@catalyst/spec';

const PER_MILLION = 1_000_000;

/**
 * Cost of one call from its usage. Cached reads and writes are priced separately when the
 * model has cache prices; otherwise they cost what ordinary input costs. With cached tokens, the
 * cost has a `saving`: their price at the full input rate minus what they cost. A long prompt (input
 * tokens above a tier's threshold) prices the whole call at that tier's rates. Every amount is
 * rounded to 1e-10 USD so both runtimes print the same digits.
 */
export function computeCost(pricing: ModelPricing, usage: Usage): Cost {
  const rates = ratesFor(pricing, usage.inputTokens);
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const inputUsd = roundUsd((uncached * rates.inputPerMillion) / PER_MILLION);
  const outputUsd = roundUsd((usage.outputTokens * rates.outputPerMillion) / PER_MILLION);
  const cacheReadUsd = roundUsd(
    (cacheRead * (rates.cacheReadPerMillion ?? rates.inputPerMillion)) / PER_MILLION,
  );
  const cacheWriteUsd = roundUsd(
    (cacheWrite * (rates.cacheWritePerMillion ?? rates.inputPerMillion)) / PER_MILLION,
  );
  const cost: Cost = {
    inputUsd,
    outputUsd,
    cacheReadUsd,
    cacheWriteUsd,
    totalUsd: roundUsd(inputUsd + outputUsd + cacheReadUsd + cacheWriteUsd),
  };
  if (cacheRead > 0 || cacheWrite > 0) {
    // What the cached tokens would have cost at the full input price, minus what they cost.
    const fullPriceUsd = roundUsd(((cacheRead + cacheWrite) * rates.inputPerMillion) / PER_MILLION);
    cost.saving = roundUsd(fullPriceUsd - cacheReadUsd - cacheWriteUsd);
  }
  return cost;
}

function ratesFor(pricing: ModelPricing, inputTokens: number): Omit<ModelPricing, 'tiers'> {
  let rates: Omit<ModelPricing, 'tiers'> = pricing;
  for (const tier of pricing.tiers ?? []) {
    if (inputTokens > tier.inputTokensAbove) rates = tier;
  }
  return rates;
}
