import { createProvider } from '@catalyst/providers';
import type { ProviderResolver } from '@catalyst/runtime';
import type { LanguageModelProvider, ProviderName } from '@catalyst/spec';

/**
 * One provider instance per name for the life of the process, so every run shares its SDK
 * client and connection pool.
 */
export function cachedProviders(environment: Record<string, string | undefined>): ProviderResolver {
  const providers = new Map<ProviderName, LanguageModelProvider>();
  return (name) => {
    let provider = providers.get(name);
    if (!provider) {
      provider = createProvider(name, { environment });
      providers.set(name, provider);
    }
    return provider;
  };
}
