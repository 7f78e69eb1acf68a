export type { CallWarning } from './call-warning.js';
export type * from './chat-message.js';
export type * from './chat-request.js';
export type * from './chat-result.js';
export type * from './embedding.js';
export type * from './finish-reason.js';
export { SUPPORTED_INPUT_KEYWORDS } from './input-schema-keywords.js';
export type * from './json.js';
export type * from './language-model-provider.js';
export type * from './model-info.js';
export {
  ProviderError,
  type ProviderErrorInfo,
  type ProviderErrorKind,
  RETRYABLE_KINDS,
} from './provider-error.js';
export { PROVIDER_NAMES, type ProviderName } from './provider-name.js';
export type * from './response-format.js';
export type * from './stream-event.js';
export type * from './tool.js';
export { addCosts, type Cost, emptyUsage, roundUsd, USD_PRECISION, type Usage } from './usage.js';
export type * from './workflow.js';
export type * from './workflow-events.js';
