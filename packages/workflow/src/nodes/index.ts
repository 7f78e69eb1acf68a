export { ANTHROPIC_COMPLETION_NODE } from './anthropic-completion-node.js';
export { applyConfigDefaults } from './apply-config-defaults.js';
export { AZURE_OPENAI_COMPLETION_NODE } from './azure-openai-completion-node.js';
export {
  type CompletionNodeOptions,
  completionConfigSchema,
  defineCompletionNode,
  TOOL_NAME_PATTERN,
} from './define-completion-node.js';
export { EMBEDDING_GENERATE_NODE, EMBEDDING_PROVIDERS } from './embedding-generate-node.js';
export {
  type ExpressionReference,
  type ExpressionReferencesOptions,
  expressionReferences,
} from './expression-references.js';
export { findTemplateStrings, type TemplateString } from './find-template-strings.js';
export { GEMINI_COMPLETION_NODE } from './gemini-completion-node.js';
export { GROK_COMPLETION_NODE } from './grok-completion-node.js';
export { GROQ_COMPLETION_NODE } from './groq-completion-node.js';
export { INPUT_NODE } from './input-node.js';
export {
  DEFAULT_FALLBACK_KINDS,
  LLM_ROUTER_NODE,
  ROUTER_STRATEGIES,
} from './llm-router-node.js';
export { MESSAGE_SCHEMA } from './message-schema.js';
export type {
  ChatRequestConfig,
  CompletionNodeConfig,
  ConfigResponseFormat,
  ConfigTool,
  EmbeddingGenerateNodeConfig,
  InputNodeConfig,
  JsonObject,
  LlmRouterNodeConfig,
  NodeConfigs,
  NodeTypeName,
  OutputNodeConfig,
  PromptTemplateNodeConfig,
  RouterRouteConfig,
  RouterTargetConfig,
  RouterTargetsConfig,
  TemplateMessage,
} from './node-configs.js';
export type { HandleDefinition, NodeCategory, NodeTypeDefinition } from './node-type.js';
export { getNodeType, listNodeTypes, NODE_TYPES } from './node-types.js';
export { OPENAI_COMPLETION_NODE } from './openai-completion-node.js';
export {
  COMPLETION_OUTPUT_FIELDS,
  EMBEDDING_OUTPUT_FIELDS,
  type OutputFieldDefinition,
  PROMPT_TEMPLATE_OUTPUT_FIELDS,
  ROUTER_OUTPUT_FIELDS,
} from './output-fields.js';
export { OUTPUT_NODE } from './output-node.js';
export { PROMPT_TEMPLATE_NODE } from './prompt-template-node.js';
export { COMMON_SCOPE_ROOTS, scopeRootsFor } from './scope-roots.js';
