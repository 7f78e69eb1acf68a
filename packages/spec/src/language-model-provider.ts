import type { ChatRequest } from './chat-request.js';
import type { ChatResult } from './chat-result.js';
import type { EmbedRequest, EmbedResult } from './embedding.js';
import type { ModelInfo } from './model-info.js';
import type { ProviderName } from './provider-name.js';
import type { StreamEvent } from './stream-event.js';

/**
 * The unified provider interface (seed 004, made complete).
 *
 * @example
 * for await (const event of provider.stream({ model, messages, signal })) {
 *   if (event.type === 'token') process.stdout.write(event.text);
 *   if (event.type === 'done') console.log(event.usage, event.cost);
 *   if (event.type === 'error') console.error(event.error.message);
 * }
 */
export interface LanguageModelProvider {
  readonly name: ProviderName;
  /** Streams one completion; never throws, ends with exactly one `done` or `error` event. */
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
  /** Runs one completion to the end; throws `ProviderError`. */
  generate(request: ChatRequest): Promise<ChatResult>;
  /** Models this provider serves (from its API where it has one, else the catalog). */
  listModels(options: { signal: AbortSignal }): Promise<ModelInfo[]>;
  /** Embeddings, for providers that have them. */
  embed?(request: EmbedRequest): Promise<EmbedResult>;
}
