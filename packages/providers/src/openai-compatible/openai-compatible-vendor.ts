import type { ProviderName } from '@catalyst/spec';
import type { ProviderSettings } from '../config/provider-settings.js';
import type { OpenAIChatClient } from './openai-chat-client.js';

/**
 * What makes one OpenAI-compatible vendor different from another. The family has one
 * implementation (`createOpenAICompatibleFamilyProvider`); each vendor is one of these.
 */
export interface OpenAICompatibleVendor {
  provider: ProviderName;
  /**
   * Reasoning models at OpenAI and Azure reject `max_tokens`; servers that predate the rename
   * (vLLM, llama.cpp, Ollama, xAI's older models) may not know `max_completion_tokens`.
   */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Whether to send `stream_options.include_usage` (Groq reports usage in `x_groq` instead). */
  includeUsageOption: boolean;
  /** xAI reports reasoning tokens outside `completion_tokens`. */
  reasoningOutsideCompletion: boolean;
  /** Body fields the vendor answers with a 400; refused up front with a clear message. */
  unsupportedFields: readonly string[];
  /** False for local servers, which usually need no key. */
  apiKeyRequired: boolean;
  /** Whether the vendor has an embeddings endpoint (OpenAI, Azure, most local servers). */
  embeddings: boolean;
  /** Where `listModels` looks: the API's `GET /models`, or the catalog (Azure deployments). */
  modelList: 'api' | 'catalog';
  /**
   * Builds the client the provider uses for resolved settings (the direct HTTP client where the
   * vendor has one); returns an error message (a missing endpoint, say) when the settings
   * cannot work.
   */
  createClient(settings: ProviderSettings & { apiKey?: string }): OpenAIChatClient | string;
  /**
   * The vendor's official SDK over the same settings: it lists models and embeds for the direct
   * client, and the tests replay recorded traffic through both to prove they agree.
   */
  createSdkClient(settings: ProviderSettings & { apiKey?: string }): OpenAIChatClient | string;
}
