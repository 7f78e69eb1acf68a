import type { ProviderName } from './provider-name.js';
import type { Cost } from './usage.js';

/** One embeddings call. */
export interface EmbedRequest {
  model: string;
  input: string[];
  signal: AbortSignal;
  /** Output dimensions, where the model allows choosing them. */
  dimensions?: number;
  /** Voyage `input_type` / Gemini task type. */
  inputType?: 'query' | 'document';
  /**
   * How OpenAI-family vectors travel on the wire: `base64` (little-endian float32, the SDKs'
   * default, a quarter of the JSON) or `float` (a JSON array). The decoded values are the same.
   */
  encodingFormat?: 'float' | 'base64';
}

/** Vectors in input order, with usage. */
export interface EmbedResult {
  provider: ProviderName;
  model: string;
  embeddings: number[][];
  usage: { inputTokens: number };
  cost: Cost | null;
}
