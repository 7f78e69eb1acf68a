import type { LanguageModelProvider } from '@catalyst/spec';
import Groq from 'groq-sdk';
import type { ProviderOptions } from '../config/provider-options.js';
import { groqSdkChatClient } from './openai-chat-client.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';
import { directChatClient } from './openai-http-chat-client.js';
import { sdkClientOptions } from './sdk-client-options.js';

/** Groq's public API root; `groq-sdk` appends `/openai/v1`. */
export const GROQ_DEFAULT_BASE_URL = 'https://api.groq.com';

/** Groq through `groq-sdk`. */
export const groqVendor: OpenAICompatibleVendor = {
  provider: 'groq',
  // groq-sdk types mark `max_tokens` deprecated in favour of `max_completion_tokens`, and
  // Groq's API accepts the new name, so Groq gets it like OpenAI.
  maxTokensField: 'max_completion_tokens',
  // groq-sdk has no `stream_options`: Groq reports usage in `x_groq.usage` on the finish chunk.
  includeUsageOption: false,
  reasoningOutsideCompletion: false,
  // Groq documents these as unsupported and answers them with a 400.
  unsupportedFields: ['logprobs', 'top_logprobs', 'logit_bias'],
  apiKeyRequired: true,
  embeddings: false,
  modelList: 'api',
  // groq-sdk puts its paths under `/openai/v1`; the direct client is given that root.
  createClient: (settings) =>
    directChatClient(settings, {
      baseUrl: `${(settings.baseUrl ?? GROQ_DEFAULT_BASE_URL).replace(/\/+$/, '')}/openai/v1`,
      sdk: groqVendor.createSdkClient(settings),
    }),
  createSdkClient: (settings) =>
    groqSdkChatClient(
      new Groq({
        ...sdkClientOptions(settings),
        ...(settings.apiKey !== undefined && { apiKey: settings.apiKey }),
        // Always explicit: the SDK would otherwise read GROQ_BASE_URL from process.env.
        baseURL: settings.baseUrl ?? GROQ_DEFAULT_BASE_URL,
      }),
    ),
};

/**
 * The Groq provider (`GROQ_API_KEY`, `GROQ_BASE_URL` — the root, without `/openai/v1`).
 *
 * @example
 * const groq = createGroqProvider();
 * const result = await groq.generate({ model: 'llama-3.3-70b-versatile', prompt: 'Hi', messages: [], signal });
 */
export function createGroqProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(groqVendor, options);
}
