import type { LanguageModelProvider } from '@catalyst/spec';
import OpenAI from 'openai';
import type { ProviderOptions } from '../config/provider-options.js';
import { openAISdkChatClient } from './openai-chat-client.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';
import { directChatClient } from './openai-http-chat-client.js';
import { sdkClientOptions } from './sdk-client-options.js';

/** xAI's public API. */
export const XAI_DEFAULT_BASE_URL = 'https://api.x.ai/v1';

/** xAI Grok through the `openai` SDK with xAI's base URL. */
export const xaiVendor: OpenAICompatibleVendor = {
  provider: 'xai',
  maxTokensField: 'max_tokens',
  includeUsageOption: true,
  // xAI's completion_tokens leave reasoning out (its total_tokens puts it back in).
  reasoningOutsideCompletion: true,
  unsupportedFields: [],
  apiKeyRequired: true,
  // xAI retired its embeddings endpoint.
  embeddings: false,
  modelList: 'api',
  createClient: (settings) =>
    directChatClient(settings, {
      baseUrl: settings.baseUrl ?? XAI_DEFAULT_BASE_URL,
      sdk: xaiVendor.createSdkClient(settings),
    }),
  createSdkClient: (settings) =>
    openAISdkChatClient(
      new OpenAI({
        ...sdkClientOptions(settings),
        apiKey: settings.apiKey ?? null,
        baseURL: settings.baseUrl ?? XAI_DEFAULT_BASE_URL,
      }),
    ),
};

/**
 * The xAI Grok provider (`XAI_API_KEY`, `XAI_BASE_URL`).
 *
 * @example
 * const grok = createXaiProvider();
 * const result = await grok.generate({ model: 'grok-4', prompt: 'Hi', messages: [], signal });
 */
export function createXaiProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(xaiVendor, options);
}
