import type { LanguageModelProvider } from '@catalyst/spec';
import OpenAI from 'openai';
import type { ProviderOptions } from '../config/provider-options.js';
import { openAISdkChatClient } from './openai-chat-client.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';
import { directChatClient } from './openai-http-chat-client.js';
import { sdkClientOptions } from './sdk-client-options.js';

/**
 * Any server that speaks Chat Completions: Ollama (`http://localhost:11434/v1`), vLLM, LM
 * Studio, llama.cpp server. The base URL is required; the key is optional.
 */
export const openAICompatibleVendor: OpenAICompatibleVendor = {
  provider: 'openai-compatible',
  // Servers that follow OpenAI from a distance know the old name; pass `max_completion_tokens`
  // in providerOptions for one that wants the new one.
  maxTokensField: 'max_tokens',
  includeUsageOption: true,
  reasoningOutsideCompletion: false,
  unsupportedFields: [],
  apiKeyRequired: false,
  embeddings: true,
  modelList: 'api',
  createClient: (settings) =>
    directChatClient(settings, {
      baseUrl: settings.baseUrl ?? '',
      sdk: openAICompatibleVendor.createSdkClient(settings),
    }),
  createSdkClient: (settings) => {
    if (!settings.baseUrl) {
      return 'no base URL is configured (set OPENAI_COMPATIBLE_BASE_URL, e.g. http://localhost:11434/v1, or pass baseUrl)';
    }
    const options = sdkClientOptions(settings);
    if (settings.apiKey) {
      return openAISdkChatClient(
        new OpenAI({ ...options, apiKey: settings.apiKey, baseURL: settings.baseUrl }),
      );
    }
    // The SDK insists on a key; a placeholder satisfies it and the null header keeps it off
    // the wire, so a keyless server sees no Authorization header at all.
    return openAISdkChatClient(
      new OpenAI({
        ...options,
        apiKey: 'no-key',
        baseURL: settings.baseUrl,
        defaultHeaders: { ...options.defaultHeaders, Authorization: null },
      }),
    );
  },
};

/**
 * The local model behind an OpenAI-compatible server (`CATALYST_LOCAL_BASE_URL`: `catalyst local
 * serve`, llama.cpp, Ollama) instead of the embedded one. Generated Python services, which embed
 * no model, reach the local model this way; the TypeScript runtime does too when it is set, so
 * both runtimes behave the same under the same environment.
 */
export const localServerVendor: OpenAICompatibleVendor = {
  ...openAICompatibleVendor,
  provider: 'local',
};

/**
 * A provider for any OpenAI-compatible server (`OPENAI_COMPATIBLE_BASE_URL`, optional
 * `OPENAI_COMPATIBLE_API_KEY`).
 *
 * @example
 * const ollama = createOpenAICompatibleProvider({ baseUrl: 'http://localhost:11434/v1' });
 * const result = await ollama.generate({ model: 'llama3.2', prompt: 'Hi', messages: [], signal });
 */
export function createOpenAICompatibleProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(openAICompatibleVendor, options);
}

/** The `local` provider over a Chat Completions server (see {@link localServerVendor}). */
export function createLocalServerProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(localServerVendor, options);
}
