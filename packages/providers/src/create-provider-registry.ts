import type { LanguageModelProvider, ProviderName } from '@catalyst/spec';
import { createProvider } from './create-provider.js';

/** Resolves a provider by name; the shape the runtime's `ProviderResolver` expects. */
export type ProviderRegistry = (name: ProviderName) => LanguageModelProvider;

/**
 * One provider instance per name, made on first use from `environment` and kept, so every run
 * shares its client and connection pool. The CLI serves with it; tests point `environment` at the
 * simulator.
 *
 * @example
 * const providers = createProviderRegistry({ environment: process.env });
 * const anthropic = providers('anthropic');
 */
export function createProviderRegistry(options: {
  environment: Record<string, string | undefined>;
}): ProviderRegistry {
  const providers = new Map<ProviderName, LanguageModelProvider>();
  return (name) => {
    let provider = providers.get(name);
    if (!provider) {
      provider = createProvider(name, { environment: options.environment });
      providers.set(name, provider);
    }
    return provider;
  };
}
