import type { ReplyPlan } from '../types.js';

/** The `usage` object of a Messages response, cache fields included. */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/**
 * Anthropic usage for a plan. `input_tokens` counts only uncached input: the plan's input total
 * includes cache reads and writes (as OpenAI's `prompt_tokens` does), so they are taken out here
 * and reported in their own fields, which is how a client computes the real bill.
 */
export function anthropicUsage(
  plan: ReplyPlan,
  outputTokens = plan.usage.outputTokens,
): AnthropicUsage {
  const { inputTokens, cacheReadTokens, cacheWriteTokens } = plan.usage;
  return {
    input_tokens: Math.max(0, inputTokens - cacheReadTokens - cacheWriteTokens),
    cache_creation_input_tokens: cacheWriteTokens,
    cache_read_input_tokens: cacheReadTokens,
    cache_creation: { ephemeral_5m_input_tokens: cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
