import { defaultModelFor, ModelCatalog } from '@catalyst/providers';
import type { JsonSchema, JsonValue, ProviderName } from '@catalyst/spec';
import { MESSAGE_SCHEMA } from './message-schema.js';
import type { NodeTypeDefinition } from './node-type.js';
import { COMPLETION_OUTPUT_FIELDS } from './output-fields.js';

/** What differs between the completion nodes; everything else is shared. */
export interface CompletionNodeOptions {
  type: string;
  provider: ProviderName;
  /** Shown in the editor's palette, e.g. `Claude`. */
  name: string;
  description: string;
  icon: string;
  color: string;
  /** Upper bound of `temperature` (Anthropic accepts 0–1, the others 0–2). */
  maximumTemperature: number;
  /** How to describe the `model` field, e.g. Azure's deployment name. */
  modelDescription?: string;
}

/** Tool names every provider accepts (OpenAI's rule, the strictest). */
export const TOOL_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/**
 * Builds a completion node type. The six providers share one config shape, handles and output so
 * a workflow can swap `openaiCompletion` for `anthropicCompletion` by changing the type and model;
 * only the default model, temperature range and presentation differ.
 *
 * @example
 * export const GROQ_COMPLETION_NODE = defineCompletionNode({ type: 'groqCompletion', provider: 'groq', … });
 */
export function defineCompletionNode(options: CompletionNodeOptions): NodeTypeDefinition {
  // The provider's default model (one table, in the provider layer); none for Azure, whose models
  // are deployments the user names.
  const defaultModel = defaultModelFor(options.provider);
  const defaultConfig: Record<string, JsonValue> = { stream: true };
  if (defaultModel !== undefined) defaultConfig.model = defaultModel;
  return {
    type: options.type,
    category: 'llm',
    name: options.name,
    description: options.description,
    icon: options.icon,
    color: options.color,
    inputs: [{ id: 'input', name: 'Input', type: 'default' }],
    outputs: [
      { id: 'output', name: 'Response', type: 'default' },
      { id: 'stream', name: 'Stream', type: 'stream' },
      { id: 'function_call', name: 'Function Call', type: 'conditional' },
    ],
    defaultConfig,
    configSchema: completionConfigSchema(options),
    supportsStreaming: true,
    provider: options.provider,
    templateFields: ['prompt', 'system', 'messages[].content'],
    expressionFields: [],
    outputFields: COMPLETION_OUTPUT_FIELDS,
  };
}

/** The config schema of a completion node; the router reuses its request fields. */
export function completionConfigSchema(options: CompletionNodeOptions): JsonSchema {
  const defaultModel = defaultModelFor(options.provider);
  // Suggest current chat models in editors; any id is accepted (new models, fine-tunes), and the
  // validator warns about ids the catalog does not know.
  const models = ModelCatalog.default()
    .recommended(options.provider)
    .filter((model) => !model.capabilities.embeddings)
    .map((model) => model.id);
  const model: JsonSchema = {
    type: 'string',
    minLength: 1,
    description:
      options.modelDescription ?? `Model id${defaultModel ? `; default ${defaultModel}` : ''}.`,
  };
  if (defaultModel !== undefined) model.default = defaultModel;
  if (models.length > 0) model.examples = models;
  return {
    type: 'object',
    properties: {
      model,
      prompt: {
        type: 'string',
        description: 'A template sent as the last user message, e.g. "{{ input.question }}".',
      },
      system: { type: 'string', description: 'System prompt template.' },
      messages: {
        type: 'array',
        items: MESSAGE_SCHEMA,
        description: 'Chat messages; each content is a template. `prompt`, if set, is appended.',
      },
      temperature: {
        type: 'number',
        minimum: 0,
        maximum: options.maximumTemperature,
        description: `Sampling temperature, 0–${options.maximumTemperature}.`,
      },
      maxTokens: { type: 'integer', minimum: 1, description: 'Most tokens to generate.' },
      stop: {
        type: 'array',
        items: { type: 'string' },
        maxItems: 4,
        description: 'Up to 4 sequences that end generation.',
      },
      tools: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string', pattern: TOOL_NAME_PATTERN },
            description: { type: 'string' },
            parameters: {
              type: 'object',
              properties: { type: { const: 'object' } },
              required: ['type'],
              description: 'JSON Schema of the arguments (an object schema).',
            },
          },
          required: ['name', 'parameters'],
          additionalProperties: false,
        },
        description: 'Tools the model may call; a call activates the `function_call` handle.',
      },
      toolChoice: {
        oneOf: [
          { enum: ['auto', 'none', 'required'] },
          {
            type: 'object',
            properties: { name: { type: 'string', pattern: TOOL_NAME_PATTERN } },
            required: ['name'],
            additionalProperties: false,
          },
        ],
        description: 'Whether (and which) tool the model must call.',
      },
      responseFormat: {
        oneOf: [
          { enum: ['text', 'json_object'] },
          {
            type: 'object',
            properties: {
              type: { const: 'json_schema' },
              name: { type: 'string', pattern: TOOL_NAME_PATTERN },
              schema: { type: 'object' },
            },
            required: ['type', 'name', 'schema'],
            additionalProperties: false,
          },
        ],
        description: 'Plain text, any JSON object, or JSON matching a schema.',
      },
      cache: {
        type: 'boolean',
        description:
          'Prompt caching: Anthropic cache breakpoints after the tools and the system prompt (messages add theirs with `cache: true`); OpenAI, Gemini, xAI and Groq cache by themselves.',
      },
      stream: {
        type: 'boolean',
        default: true,
        description: 'Stream tokens as they arrive.',
      },
      timeoutMs: {
        type: 'integer',
        minimum: 1,
        description:
          'Per attempt: time in ms from request to last chunk; an attempt that timed out before its first token is retried.',
      },
      firstTokenTimeoutMs: {
        type: 'integer',
        minimum: 0,
        description:
          'Per attempt: time in ms until the first token (default 120000, or CATALYST_FIRST_TOKEN_TIMEOUT_MS; 0 = off); retried.',
      },
      idleTimeoutMs: {
        type: 'integer',
        minimum: 0,
        description:
          'Per attempt: silence in ms allowed between chunks after the first token (default 30000, or CATALYST_IDLE_TIMEOUT_MS; 0 = off).',
      },
      maxRetries: {
        type: 'integer',
        minimum: 0,
        maximum: 10,
        description: 'Retries on retryable errors.',
      },
    },
    required: ['model'],
    additionalProperties: false,
  };
}
