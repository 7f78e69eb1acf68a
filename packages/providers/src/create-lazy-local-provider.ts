import type { ChatRequest, LanguageModelProvider, StreamEvent } from '@catalyst/spec';
import { emptyUsage } from '@catalyst/spec';
import { createProviderError } from './shared/create-provider-error.js';

/**
 * The `local` provider, loaded on first use: node-llama-cpp and the model are heavy, and a CLI
 * command or server that never calls the local model should not pay for them at start-up.
 */
export function createLazyLocalProvider(): LanguageModelProvider {
  let loading: Promise<LanguageModelProvider> | undefined;
  const load = () => {
    loading ??= import('./local/index.js').then((module) => module.createLocalProvider());
    return loading;
  };
  return {
    name: 'local',
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      let provider: LanguageModelProvider;
      try {
        provider = await load();
      } catch (error) {
        loading = undefined;
        const failure = createProviderError({
          provider: 'local',
          kind: 'invalid_request',
          model: request.model,
          detail: `the local model runtime could not be loaded (${error instanceof Error ? error.message : String(error)}); run "npm run setup:local-model"`,
        });
        yield { type: 'error', error: failure.toJSON(), partialText: '', usage: emptyUsage() };
        return;
      }
      yield* provider.stream(request);
    },
    generate: async (request) => (await load()).generate(request),
    listModels: async (options) => (await load()).listModels(options),
    embed: async (request) => {
      const provider = await load();
      if (!provider.embed) throw new Error('the local provider has no embeddings');
      return provider.embed(request);
    },
  };
}
