import type { LanguageModelProvider } from '@catalyst/spec';
import OpenAI from 'openai';
import type { ProviderOptions } from '../config/provider-options.js';
import { openAISdkChatClient } from './openai-chat-client.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';
import { directChatClient } from './openai-http-chat-client.js';
import { sdkClientOptions } from './sdk-client-options.js';

/** OpenAI's public API. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** OpenAI: the reference dialect of the family. */
export const openAIVendor: OpenAICompatibleVendor = {
  provider: 'openai',
  maxTokensField: 'max_completion_tokens',
  includeUsageOption: true,
  reasoningOutsideCompletion: false,
  unsupportedFields: [],
  apiKeyRequired: true,
  embeddings: true,
  modelList: 'api',
  createClient: (settings) =>
    directChatClient(settings, {
      baseUrl: settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      sdk: openAIVendor.createSdkClient(settings),
    }),
  createSdkClient: (settings) =>
    openAISdkChatClient(
      new OpenAI({
        ...sdkClientOptions(settings),
        apiKey: settings.apiKey ?? null,
        // Always explicit: the SDK would otherwise read OPENAI_BASE_URL from process.env
        // behind the back of a caller that passed its own `environment`.
        baseURL: settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      }),
    ),
};

/**
 * The OpenAI provider (`OPENAI_API_KEY`, `OPENAI_BASE_URL`).
 *
 * @example
 * const openai = createOpenAIProvider();
 * for await (const event of openai.stream({ model: 'gpt-4.1-mini', prompt: 'Hi', messages: [], signal })) …
 */
export function createOpenAIProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(openAIVendor, options);
}
