import type { EmbedRequest, EmbedResult } from '@catalyst/spec';
import { abortedError, localError, toLocalProviderError } from './local-error.js';
import type { LocalRuntime } from './local-runtime.js';
import { zeroCost } from './stream-local-completion.js';

/**
 * Embeddings from the loaded model's embedding context, in input order. Inputs run one after
 * another (one embedding context computes one at a time); the signal is checked between
 * inputs. Throws `ProviderError`.
 */
export async function embedLocal(
  request: EmbedRequest,
  runtime: () => Promise<LocalRuntime>,
): Promise<EmbedResult> {
  if (request.signal.aborted) throw abortedError();
  const loaded = await runtime();
  const dimensions = loaded.model.embeddingVectorSize;
  if (request.dimensions !== undefined && request.dimensions !== dimensions) {
    throw localError(
      'invalid_request',
      `The local model's embeddings have ${dimensions} dimensions; it cannot produce ` +
        `${request.dimensions}. Omit dimensions.`,
      { model: loaded.modelId },
    );
  }
  const context = await loaded.embeddingContext();
  const limit = loaded.embeddingContextSize;
  return loaded.serializeEmbedding(async () => {
    const embeddings: number[][] = [];
    let inputTokens = 0;
    for (const [index, text] of request.input.entries()) {
      if (request.signal.aborted) throw abortedError(loaded.modelId);
      const tokens = loaded.model.tokenize(text).length;
      if (tokens > limit) {
        throw localError(
          'context_length',
          `Input ${index} is ${tokens} tokens; the local embedding context holds ${limit}. Split it.`,
          { model: loaded.modelId },
        );
      }
      inputTokens += tokens;
      try {
        const embedding = await context.getEmbeddingFor(text);
        embeddings.push([...embedding.vector]);
      } catch (error) {
        throw toLocalProviderError(error, { signal: request.signal, model: loaded.modelId });
      }
    }
    return {
      provider: 'local',
      model: loaded.modelId,
      embeddings,
      usage: { inputTokens },
      cost: zeroCost(),
    };
  });
}
