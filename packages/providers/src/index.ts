export { createAnthropicProvider } from './anthropic/index.js';
export { computeCost } from './catalog/compute-cost.js';
export { CATALOG_SOURCES, DEFAULT_MODELS, RETIRED_MODELS } from './catalog/default-models.js';
export { estimatePromptTokens } from './catalog/estimate-prompt-tokens.js';
export { ModelCatalog } from './catalog/model-catalog.js';
export {
  DEFAULT_PROVIDER_ENVIRONMENT_NOTE,
  PROVIDER_ENVIRONMENT,
  type ProviderEnvironmentNames,
} from './config/provider-environment.js';
export type { ProviderOptions } from './config/provider-options.js';
export {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  type ProviderSettings,
  readMillisecondsVariable,
  resolveProviderSettings,
  TIMEOUT_ENVIRONMENT,
} from './config/provider-settings.js';
export { readEnvironment } from './config/read-environment.js';
export { createLazyLocalProvider } from './create-lazy-local-provider.js';
export {
  createProvider,
  defaultModelFor,
  defaultProviderName,
  isProviderName,
} from './create-provider.js';
export { createProviderRegistry, type ProviderRegistry } from './create-provider-registry.js';
export * from './embeddings/index.js';
export { createGeminiProvider } from './gemini/index.js';
// The OpenAI wire format, shared by `catalyst local serve` and the gateway of `catalyst serve`.
export { encodeEmbeddingBase64 } from './local/encode-openai-embedding.js';
export {
  type CompletionIdentity,
  toOpenAIChatCompletion,
  toOpenAIChunk,
  toOpenAIFinishReason,
  toOpenAIUsage,
} from './local/openai-chat-completion.js';
export {
  invalidRequestResponse,
  type OpenAIErrorBody,
  type OpenAIErrorResponse,
  providerErrorResponse,
} from './local/openai-error-body.js';
export {
  OpenAIRequestError,
  type ParsedOpenAIChatRequest,
  parseOpenAIChatRequest,
} from './local/parse-openai-chat-request.js';
export {
  createAzureOpenAIProvider,
  createGroqProvider,
  createOpenAICompatibleFamilyProvider,
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  createXaiProvider,
  type OpenAICompatibleVendor,
} from './openai-compatible/index.js';
export { collectResult } from './shared/collect-result.js';
export { createProviderError, kindFromStatus } from './shared/create-provider-error.js';
export { type ProviderStreamOptions, providerStream } from './shared/provider-stream.js';
export type { RawPart } from './shared/raw-part.js';
export { redactSecrets } from './shared/redact-secrets.js';
export { retryAfterFromHeaders } from './shared/retry-after.js';
export { SignalUtils, TokenLimitReached } from './shared/signal-utils.js';
export { createVoyageProvider, type VoyageProviderOptions } from './voyage/index.js';
