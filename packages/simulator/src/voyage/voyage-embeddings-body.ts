import { embedText, encodeFloat32Base64 } from '../core/embed-text.js';
import { estimateTokens } from '../core/estimate-tokens.js';
import type { RequestSummary, SimRequest } from '../types.js';

/** The fixed prompt Voyage prepends for each `input_type`, so query and document vectors differ. */
const INPUT_TYPE_PROMPTS: Record<string, string> = {
  query: 'Represent the query for retrieving supporting documents: ',
  document: 'Represent the document for retrieval: ',
};

/** Default dimensions of Voyage models (1024 for the current generation). */
export function voyageDefaultDimensions(model: string): number {
  if (model === 'voyage-3-lite') return 512;
  if (model === 'voyage-code-2' || model === 'voyage-law-2' || model === 'voyage-finance-2')
    return 1536;
  return 1024;
}

/** A Voyage embeddings response: `usage.total_tokens` only, no `prompt_tokens`. */
export function voyageEmbeddingsBody(
  request: SimRequest,
  summary: RequestSummary,
): Record<string, unknown> {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
    input_type?: unknown;
    output_dimension?: unknown;
    encoding_format?: unknown;
  };
  const model = request.model ?? 'voyage-4';
  const prompt =
    typeof body.input_type === 'string' ? (INPUT_TYPE_PROMPTS[body.input_type] ?? '') : '';
  const dimensions =
    typeof body.output_dimension === 'number'
      ? body.output_dimension
      : voyageDefaultDimensions(model);
  const base64 = body.encoding_format === 'base64';
  const texts = summary.embeddingInputs.map((text) => `${prompt}${text}`);
  return {
    object: 'list',
    data: texts.map((text, index) => {
      const vector = embedText(text, dimensions);
      return {
        object: 'embedding',
        embedding: base64 ? encodeFloat32Base64(vector) : vector,
        index,
      };
    }),
    model,
    usage: { total_tokens: texts.reduce((total, text) => total + estimateTokens(text), 0) },
  };
}
