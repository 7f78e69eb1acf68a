import type { EmbedRequest, EmbedResult, ProviderError } from '@catalyst/spec';
import type { GoogleGenAI } from '@google/genai';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import { createProviderError } from '../shared/create-provider-error.js';

/** Gemini's `batchEmbedContents` takes at most 100 texts per call. */
const MAX_TEXTS_PER_CALL = 100;

/**
 * Embeds `request.input` with Gemini, in order, 100 texts per call. `inputType` becomes the task
 * type (`RETRIEVAL_QUERY` / `RETRIEVAL_DOCUMENT`), `dimensions` the output dimensionality.
 *
 * The Gemini API reports no token count for embeddings, so `usage.inputTokens` is an estimate
 * (about four characters per token); the cost is priced from that estimate.
 */
export async function embedWithGemini(options: {
  client: GoogleGenAI;
  request: EmbedRequest;
  catalog: ModelCatalog;
  toProviderError: (error: unknown) => ProviderError;
}): Promise<EmbedResult> {
  const { client, request, catalog } = options;
  const embeddings: number[][] = [];
  try {
    for (let start = 0; start < request.input.length; start += MAX_TEXTS_PER_CALL) {
      const texts = request.input.slice(start, start + MAX_TEXTS_PER_CALL);
      const response = await client.models.embedContent({
        model: request.model,
        contents: texts,
        config: {
          abortSignal: request.signal,
          ...(request.dimensions !== undefined && { outputDimensionality: request.dimensions }),
          ...(request.inputType !== undefined && {
            taskType: request.inputType === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
          }),
        },
      });
      const vectors = response.embeddings ?? [];
      if (vectors.length !== texts.length) {
        throw createProviderError({
          provider: 'gemini',
          kind: 'server',
          model: request.model,
          detail: `asked for ${texts.length} embeddings, got ${vectors.length}`,
        });
      }
      for (const vector of vectors) embeddings.push(vector.values ?? []);
    }
  } catch (error) {
    if (request.signal.aborted) {
      throw createProviderError({ provider: 'gemini', kind: 'aborted', model: request.model });
    }
    throw options.toProviderError(error);
  }

  const inputTokens = request.input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  const usage = {
    inputTokens,
    outputTokens: 0,
    totalTokens: inputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  return {
    provider: 'gemini',
    model: request.model,
    embeddings,
    usage: { inputTokens },
    cost: catalog.cost('gemini', request.model, usage),
  };
}
