import type { JsonValue, ProviderErrorKind, ProviderName, ToolChoice } from '@catalyst/spec';
import type { EMBEDDING_PROVIDERS } from './embedding-generate-node.js';
import type { ROUTER_STRATEGIES } from './llm-router-node.js';

// The config of each node type as TypeScript sees it once `parseNodeConfig` has checked it
// against the type's schema (defaults applied). A test keeps each type's fields equal to its
// schema's properties; python/catalyst_runtime/node_configs.py is the same, printed from the
// manifest.

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** One chat message whose `content` is a template. */
export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A tool the model may call, as a config spells it. */
export interface ConfigTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: JsonObject;
}

/** Plain text, any JSON object, or JSON matching a schema. */
export type ConfigResponseFormat =
  | 'text'
  | 'json_object'
  | { type: 'json_schema'; name: string; schema: JsonObject };

/** The request fields a completion node and a router share. */
export interface ChatRequestConfig {
  prompt?: string;
  system?: string;
  messages?: TemplateMessage[];
  temperature?: number;
  maxTokens?: number;
  stop?: string[];
  tools?: ConfigTool[];
  toolChoice?: ToolChoice;
  responseFormat?: ConfigResponseFormat;
  stream?: boolean;
  /** Per attempt: an attempt that times out before its first token is retried. */
  timeoutMs?: number;
  /** Time allowed until the first token of an attempt; 0 turns the clock off. */
  firstTokenTimeoutMs?: number;
  /** Time allowed between two chunks of a stream; 0 turns the clock off. */
  idleTimeoutMs?: number;
  maxRetries?: number;
}

/** Every `…Completion` node. */
export interface CompletionNodeConfig extends ChatRequestConfig {
  model: string;
}

/** One provider and model an `llmRouter` may call. */
export interface RouterTargetConfig {
  provider: ProviderName;
  model: string;
  weight?: number;
}

/** One target or a fallback chain of them. */
export type RouterTargetsConfig = RouterTargetConfig | RouterTargetConfig[];

/** A conditional route of an `llmRouter`. */
export interface RouterRouteConfig {
  name?: string;
  condition: string;
  target: RouterTargetsConfig;
}

/** `llmRouter`. */
export interface LlmRouterNodeConfig extends ChatRequestConfig {
  routes?: RouterRouteConfig[];
  default: RouterTargetsConfig;
  strategy?: (typeof ROUTER_STRATEGIES)[number];
  fallbackOn?: ProviderErrorKind[];
  afterTokens?: 'error' | 'restart';
  cooldown?: { failures: number; seconds: number };
  firstTokenTimeoutMs?: number;
}

/** `embeddingGenerate`. */
export interface EmbeddingGenerateNodeConfig {
  provider: (typeof EMBEDDING_PROVIDERS)[number];
  model: string;
  input: string | string[];
  dimensions?: number;
  inputType?: 'query' | 'document';
  encodingFormat?: 'float' | 'base64';
  batchSize?: number;
  concurrency?: number;
  maxRetries?: number;
  cache?: boolean;
  points?: boolean;
  payload?: JsonObject;
  query?: string;
  topK?: number;
}

/** `promptTemplate`. */
export interface PromptTemplateNodeConfig {
  system?: string;
  messages: TemplateMessage[];
  variables?: JsonObject;
}

/** `output`. */
export interface OutputNodeConfig {
  value?: JsonValue;
}

/** `input` has no settings. */
export type InputNodeConfig = Record<string, never>;

/** The checked config of each node type, by type name. */
export interface NodeConfigs {
  input: InputNodeConfig;
  output: OutputNodeConfig;
  promptTemplate: PromptTemplateNodeConfig;
  anthropicCompletion: CompletionNodeConfig;
  openaiCompletion: CompletionNodeConfig;
  azureOpenaiCompletion: CompletionNodeConfig;
  groqCompletion: CompletionNodeConfig;
  geminiCompletion: CompletionNodeConfig;
  grokCompletion: CompletionNodeConfig;
  localCompletion: CompletionNodeConfig;
  llmRouter: LlmRouterNodeConfig;
  embeddingGenerate: EmbeddingGenerateNodeConfig;
}

/** A node type name the registry defines. */
export type NodeTypeName = keyof NodeConfigs;
