import type { ProviderName } from '@catalyst/spec';

/** What one embeddings request to a provider may carry. */
export interface EmbeddingLimits {
  /** Texts per request. */
  maxItems: number;
  /** Estimated tokens per request (see `estimateEmbeddingTokens`). */
  maxTokens: number;
}

// Per-request limits as the providers document them (shared/reference/provider-wire-protocols.md):
// OpenAI 2048 inputs and 300,000 tokens (Azure the same), Voyage 1000 inputs and a per-model token
// budget, Gemini's batchEmbedContents 100 requests (no separate token cap: each text is at most
// 2,048 tokens). The local model embeds one text at a time; its batch only bounds memory.
const PROVIDER_LIMITS: Partial<Record<ProviderName, EmbeddingLimits>> = {
  openai: { maxItems: 2048, maxTokens: 300_000 },
  azure: { maxItems: 2048, maxTokens: 300_000 },
  'openai-compatible': { maxItems: 2048, maxTokens: 300_000 },
  gemini: { maxItems: 100, maxTokens: 1_000_000 },
  local: { maxItems: 256, maxTokens: 1_000_000 },
};

/** Voyage's token budget per request depends on the model. */
function voyageMaxTokens(model: string): number {
  if (model === 'voyage-4-lite' || model === 'voyage-3.5-lite') return 1_000_000;
  if (model === 'voyage-4' || model === 'voyage-3.5' || model === 'voyage-2') return 320_000;
  // voyage-4-large, voyage-3-large, voyage-code-3, finance-2, law-2 and unknown models: the smallest.
  return 120_000;
}

/**
 * The per-request limits of `provider`'s embeddings endpoint for `model`.
 *
 * @example
 * embeddingLimits('voyage', 'voyage-4'); // { maxItems: 1000, maxTokens: 320000 }
 */
export function embeddingLimits(provider: ProviderName, model: string): EmbeddingLimits {
  if (provider === 'voyage') return { maxItems: 1000, maxTokens: voyageMaxTokens(model) };
  return PROVIDER_LIMITS[provider] ?? { maxItems: 2048, maxTokens: 300_000 };
}

/**
 * A deliberately high token estimate for splitting batches: UTF-8 bytes / 3, rounded up. Real
 * tokenizers average about 4 characters per token on English text, so a batch under this
 * estimate stays under the provider's real limit without shipping a tokenizer.
 */
export function estimateEmbeddingTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}
