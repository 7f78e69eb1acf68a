import { type LanguageModelProvider, PROVIDER_NAMES, type ProviderName } from '@catalyst/spec';
import { createAnthropicProvider } from './anthropic/index.js';
import { PROVIDER_ENVIRONMENT } from './config/provider-environment.js';
import type { ProviderOptions } from './config/provider-options.js';
import { resolveProviderSettings } from './config/provider-settings.js';
import { readEnvironment } from './config/read-environment.js';
import { createLazyLocalProvider } from './create-lazy-local-provider.js';
import { createGeminiProvider } from './gemini/index.js';
import {
  createAzureOpenAIProvider,
  createGroqProvider,
  createLocalServerProvider,
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  createXaiProvider,
} from './openai-compatible/index.js';
import { createVoyageProvider } from './voyage/index.js';

/** Whether `name` is a provider Catalyst knows. */
export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/**
 * A provider by name, configured from `options` and the environment.
 *
 * @example
 * const provider = createProvider('anthropic');
 * const result = await provider.generate({ model: 'claude-haiku-4-5', prompt: 'Hi', messages: [], signal });
 */
export function createProvider(
  name: ProviderName,
  options: ProviderOptions = {},
): LanguageModelProvider {
  switch (name) {
    case 'anthropic':
      return createAnthropicProvider(options);
    case 'openai':
      return createOpenAIProvider(options);
    case 'azure':
      return createAzureOpenAIProvider(options);
    case 'groq':
      return createGroqProvider(options);
    case 'gemini':
      return createGeminiProvider(options);
    case 'xai':
      return createXaiProvider(options);
    case 'openai-compatible':
      return createOpenAICompatibleProvider(options);
    case 'local':
      // A configured server wins over the embedded model (CATALYST_LOCAL_BASE_URL).
      return resolveProviderSettings('local', options, options.environment ?? readEnvironment())
        .baseUrl
        ? createLocalServerProvider(options)
        : createLazyLocalProvider();
    case 'voyage':
      // Embeddings only: its stream() ends with an error that says so.
      return createVoyageProvider(options);
    default: {
      const unreachable: never = name;
      throw new Error(`unknown provider ${String(unreachable)}`);
    }
  }
}

/** The model a provider uses when none is named. Azure has none: its models are deployments you name. */
export function defaultModelFor(name: ProviderName): string | undefined {
  const defaults: Partial<Record<ProviderName, string>> = {
    anthropic: 'claude-haiku-4-5',
    openai: 'gpt-4.1-mini',
    groq: 'llama-3.3-70b-versatile',
    gemini: 'gemini-2.5-flash',
    xai: 'grok-4-fast-non-reasoning',
    local: 'smollm2-135m-instruct',
  };
  return defaults[name];
}

// Order in which a key found in the environment picks the default provider.
const PREFERENCE: ProviderName[] = ['anthropic', 'openai', 'gemini', 'groq', 'xai'];

/**
 * The provider to use when none is named: the first whose key is set, else the embedded local
 * model, so nothing in the default path needs a key.
 */
export function defaultProviderName(
  environment: Record<string, string | undefined> = readEnvironment(),
): ProviderName {
  for (const name of PREFERENCE) {
    if (PROVIDER_ENVIRONMENT[name].apiKey.some((variable) => environment[variable])) return name;
  }
  return 'local';
}
