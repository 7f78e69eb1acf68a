import { embedText, encodeFloat32Base64 } from '../core/embed-text.js';
import { estimateTokens } from '../core/estimate-tokens.js';
import type { RequestSummary, SimRequest } from '../types.js';

/** Default vector sizes of OpenAI's embedding models. */
export function defaultEmbeddingDimensions(model: string): number {
  return model.includes('3-large') ? 3072 : 1536;
}

/**
 * An OpenAI embeddings response: one deterministic unit vector per input, as a float array or
 * as base64 little-endian float32 (what the SDKs ask for by default).
 */
export function embeddingsBody(
  request: SimRequest,
  summary: RequestSummary,
): Record<string, unknown> {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
    dimensions?: unknown;
    encoding_format?: unknown;
  };
  const model = request.model ?? 'text-embedding-3-small';
  const dimensions =
    typeof body.dimensions === 'number' && body.dimensions > 0
      ? Math.floor(body.dimensions)
      : defaultEmbeddingDimensions(model);
  const base64 = body.encoding_format === 'base64';
  const tokens = summary.embeddingInputs.reduce((total, text) => total + estimateTokens(text), 0);
  return {
    object: 'list',
    data: summary.embeddingInputs.map((text, index) => {
      const vector = embedText(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64 ? encodeFloat32Base64(vector) : vector,
      };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
