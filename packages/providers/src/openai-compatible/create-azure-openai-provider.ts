import type { LanguageModelProvider } from '@catalyst/spec';
import OpenAI, { AzureOpenAI } from 'openai';
import type { ProviderOptions } from '../config/provider-options.js';
import { openAISdkChatClient } from './openai-chat-client.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';
import { directChatClient, openAIHttpChatClient } from './openai-http-chat-client.js';
import { sdkClientOptions } from './sdk-client-options.js';

/**
 * Azure OpenAI. With `apiVersion` (or `AZURE_OPENAI_API_VERSION`) it uses the dated API,
 * `{endpoint}/openai/deployments/{model}/…?api-version=…`, through `AzureOpenAI` (key in the
 * `api-key` header); without, the v1 API at `{endpoint}/openai/v1` through the plain client.
 * Either way the request's `model` is the deployment name.
 */
export const azureVendor: OpenAICompatibleVendor = {
  provider: 'azure',
  maxTokensField: 'max_completion_tokens',
  includeUsageOption: true,
  reasoningOutsideCompletion: false,
  unsupportedFields: [],
  apiKeyRequired: true,
  embeddings: true,
  // Deployments are named by the user and not listed by the data-plane API.
  modelList: 'catalog',
  // Chat Completions go direct, as `AzureOpenAI` (dated API: deployment path, `api-version`,
  // `api-key` header) or the plain client (v1 API) would send them; the SDK keeps embeddings and
  // stays the oracle (direct-and-sdk-paths.test.ts).
  createClient: (settings) => {
    const sdk = azureVendor.createSdkClient(settings);
    if (typeof sdk === 'string' || !settings.baseUrl) return sdk;
    const endpoint = settings.baseUrl.replace(/\/+$/, '');
    if (!settings.apiVersion) {
      return directChatClient(settings, { baseUrl: `${endpoint}/openai/v1`, sdk });
    }
    return openAIHttpChatClient({
      baseUrl: `${endpoint}/openai`,
      ...(settings.apiKey && { apiKey: settings.apiKey, apiKeyHeader: 'api-key' as const }),
      azureApiVersion: settings.apiVersion,
      ...(settings.headers !== undefined && { headers: settings.headers }),
      ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
      fallback: sdk,
    });
  },
  createSdkClient: (settings) => {
    if (!settings.baseUrl) {
      return 'no endpoint is configured (set AZURE_OPENAI_ENDPOINT to https://NAME.openai.azure.com, or pass baseUrl)';
    }
    const endpoint = settings.baseUrl.replace(/\/+$/, '');
    const apiKey = settings.apiKey ?? null;
    if (settings.apiVersion) {
      return openAISdkChatClient(
        new AzureOpenAI({
          ...sdkClientOptions(settings),
          ...(apiKey !== null && { apiKey }),
          apiVersion: settings.apiVersion,
          // baseURL rather than `endpoint`: the SDK would also read OPENAI_BASE_URL from the
          // environment and refuse the pair as mutually exclusive.
          baseURL: `${endpoint}/openai`,
        }),
      );
    }
    return openAISdkChatClient(
      new OpenAI({ ...sdkClientOptions(settings), apiKey, baseURL: `${endpoint}/openai/v1` }),
    );
  },
};

/**
 * The Azure OpenAI provider (`AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_ENDPOINT`, optional
 * `AZURE_OPENAI_API_VERSION`).
 *
 * @example
 * const azure = createAzureOpenAIProvider({ baseUrl: 'https://my-resource.openai.azure.com' });
 * const result = await azure.generate({ model: 'my-gpt-4o-deployment', prompt: 'Hi', messages: [], signal });
 */
export function createAzureOpenAIProvider(options?: ProviderOptions): LanguageModelProvider {
  return createOpenAICompatibleFamilyProvider(azureVendor, options);
}
