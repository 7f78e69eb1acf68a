import type { Cost, Usage } from '@catalyst/spec';

/** `12 in (3 cached) / 40 out tokens` */
export function formatUsage(usage: Usage): string {
  const cached = usage.cacheReadTokens > 0 ? ` (${usage.cacheReadTokens} cached)` : '';
  return `${usage.inputTokens} in${cached} / ${usage.outputTokens} out tokens`;
}

/** `$0.000123`, or a note that the model has no price. */
export function formatCost(cost: Cost | null): string {
  if (!cost) return 'cost unknown (model not in the catalog)';
  return `$${cost.totalUsd.toFixed(6)}`;
}
