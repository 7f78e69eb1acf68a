import { createOpenAIProvider } from '@catalyst/providers';
import type { LanguageModelProvider, ProviderName } from '@catalyst/spec';
import type { ProviderResolver } from '../executors/node-executor.js';

/** A provider resolver for tests: every provider pointed at a running simulator. */
export function simulatedProviders(simulatorUrl: string): ProviderResolver {
  const environment: Record<string, string> = {
    OPENAI_API_KEY: 'sk-test-runtime-key-0000',
    OPENAI_BASE_URL: `${simulatorUrl}/v1`,
  };
  const cache = new Map<ProviderName, LanguageModelProvider>();
  return (name) => {
    let provider = cache.get(name);
    if (!provider) {
      if (name !== 'openai') throw new Error(`no simulated ${name} provider in this test helper`);
      provider = createOpenAIProvider({ environment });
      cache.set(name, provider);
    }
    return provider;
  };
}
