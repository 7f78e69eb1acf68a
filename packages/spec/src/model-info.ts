import type { ProviderName } from './provider-name.js';

/** Prices in US dollars per million tokens. */
export interface ModelPricing {
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
  /** Set when the model is retired: calls fail with a message naming the replacements. */
  retired?: { since: string; replacements: string[] };
}
