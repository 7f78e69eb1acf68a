import type { Usage } from '@catalyst/spec';
import type { OpenAIUsage } from './openai-chat-chunk.js';

/**
 * Maps OpenAI-family token counts to Catalyst's `Usage`. `prompt_tokens` already includes
 * cached tokens, as `Usage.inputTokens` expects. Only fields the provider sent are set, so a
 * partial report never overwrites a fuller one with zeros.
 */
export function mapOpenAIUsage(
  usage: OpenAIUsage,
  options: {
    /**
     * xAI counts reasoning tokens outside `completion_tokens` (its `total_tokens` is prompt +
     * completion + reasoning); Catalyst's `outputTokens` includes them, so they are added.
     */
    reasoningOutsideCompletion?: boolean;
  } = {},
): Partial<Usage> {
  const result: Partial<Usage> = {};
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? undefined;
  if (typeof usage.prompt_tokens === 'number') result.inputTokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === 'number') {
    result.outputTokens =
      usage.completion_tokens + (options.reasoningOutsideCompletion ? (reasoning ?? 0) : 0);
  }
  if (typeof usage.total_tokens === 'number') result.totalTokens = usage.total_tokens;
  if (typeof cached === 'number') result.cacheReadTokens = cached;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}
