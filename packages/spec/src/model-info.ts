import type { ProviderName } from './provider-name.js';

/** Prices in US dollars per million tokens. */
export interface ModelPricing {
  inputPerMillion: number;
  outputPerMillion: number;
  cacheReadPerMillion?: number;
  cacheWritePerMillion?: number;
  /**
   * Higher rates for long prompts: once a request's input tokens (cached ones included) exceed
   * `inputTokensAbove`, the whole request is priced at the tier's rates (Anthropic's and
   * Gemini's >200k prices). Sorted by threshold; the last one that applies wins.
   */
  tiers?: ModelPricingTier[];
}

/** One long-prompt price tier of a {@link ModelPricing}. */
export interface ModelPricingTier {
  inputTokensAbove: number;
  inputPerMillion: number;
  outputPerMillion: number;
  cacheReadPerMillion?: number;
  cacheWritePerMillion?: number;
}

/** What a model can do. */
export interface ModelCapabilities {
  streaming: boolean;
  tools: boolean;
  /** `json_object`-style JSON mode, natively or emulated. */
  jsonMode: boolean;
  /** JSON constrained by a schema, natively or emulated. */
  jsonSchema: boolean;
  vision: boolean;
  embeddings: boolean;
}

/** One model in the catalog. */
export interface ModelInfo {
  id: string;
  provider: ProviderName;
  /** Tokens the model accepts (prompt + output). */
  contextWindow: number;
  maxOutputTokens: number;
  pricing?: ModelPricing;
  capabilities: ModelCapabilities;
  /** Output dimensions, for embedding models. */
  dimensions?: number;
  /**
   * Set when the provider has announced the model's end: it still works, validation warns with
   * the end-of-life date (when the source gives one) and the replacements. `source` names the
   * table that said so (`@anthropic-ai/sdk`, `@pydantic/genai-prices`).
   */
  deprecated?: { endOfLife?: string; replacements: string[]; source: string };
  /** Set when the model is retired: calls fail with a message naming the replacements. */
  retired?: { since: string; replacements: string[] };
}
