import { estimateTokens } from './estimate-tokens.js';

/** Per-request limits a provider enforces on an embeddings call. */
export interface EmbeddingRequestLimits {
  maxItems: number;
  maxTokens: number;
}

/**
 * Why a batch of texts is over `limits`, in the words a provider would use, or undefined when it
 * fits. Tokens are the simulator's own estimate (about four characters per token), the same one
 * it reports in `usage`.
 */
export function embeddingLimitViolation(
  texts: string[],
  limits: EmbeddingRequestLimits,
): { reason: 'items' | 'tokens'; count: number } | undefined {
  if (texts.length > limits.maxItems) return { reason: 'items', count: texts.length };
  const tokens = texts.reduce((total, text) => total + estimateTokens(text), 0);
  return tokens > limits.maxTokens ? { reason: 'tokens', count: tokens } : undefined;
}
