import { type JsonSchema, PROVIDER_NAMES } from '@catalyst/spec';
import { completionConfigSchema } from './define-completion-node.js';
import type { NodeTypeDefinition } from './node-type.js';
import { ROUTER_OUTPUT_FIELDS } from './output-fields.js';

/** Strategies an `llmRouter` orders its chosen targets by. */
export const ROUTER_STRATEGIES = ['ordered', 'cheapest', 'fastest', 'weighted'] as const;

/** Error kinds an `llmRouter` falls back on unless its `fallbackOn` says otherwise. */
export const DEFAULT_FALLBACK_KINDS = [
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'network',
  'context_length',
] as const;

const TARGET_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    provider: {
      enum: PROVIDER_NAMES.filter((name) => name !== 'voyage'),
      description: 'The chat provider to call.',
    },
    model: { type: 'string', minLength: 1, description: 'Model id (Azure: deployment name).' },
    weight: {
      type: 'integer',
      minimum: 0,
      maximum: 1000,
      description: 'Share of requests under the `weighted` strategy; default 1, 0 = fallback only.',
    },
  },
  required: ['provider', 'model'],
  additionalProperties: false,
};

/** One target, or a fallback chain of them (tried in the strategy's order). */
const TARGETS_SCHEMA: JsonSchema = {
  oneOf: [TARGET_SCHEMA, { type: 'array', items: TARGET_SCHEMA, minItems: 1, maxItems: 16 }],
};

// The request fields (prompt, messages, tools, responseFormat…) are a completion node's, without
// `model`: the route decides it.
const requestFields = (() => {
  const schema = completionConfigSchema({
    type: 'llmRouter',
    provider: 'openai',
    name: 'LLM Router',
    description: '',
    icon: '',
    color: '',
    maximumTemperature: 2,
  });
  const { model: _model, ...properties } = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return properties;
})();

/**
 * Sends one chat request to the provider and model its rules pick: `routes` are tried in order
 * and the first whose CEL `condition` holds gives the targets (else `default`); the `strategy`
 * orders them; on a fallback error the next one takes over. See docs/router.md.
 */
export const LLM_ROUTER_NODE: NodeTypeDefinition = {
  type: 'llmRouter',
  category: 'routing',
  name: 'LLM Router',
  description:
    'Routes a completion by conditions to a provider and model, with fallback chains, cooldowns and cost-, latency- or weight-based choice.',
  icon: 'Split',
  color: 'bg-violet-500',
  inputs: [{ id: 'input', name: 'Input', type: 'default' }],
  outputs: [
    { id: 'output', name: 'Response', type: 'default' },
    { id: 'stream', name: 'Stream', type: 'stream' },
    { id: 'function_call', name: 'Function Call', type: 'conditional' },
  ],
  defaultConfig: { stream: true, strategy: 'ordered', afterTokens: 'error', maxRetries: 0 },
  configSchema: {
    type: 'object',
    properties: {
      routes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, description: 'Shown in the route event.' },
            condition: {
              type: 'string',
              minLength: 1,
              description:
                'A CEL expression over input, nodes, env and prompt_tokens, e.g. `prompt_tokens > 2000`.',
            },
            target: TARGETS_SCHEMA,
          },
          required: ['condition', 'target'],
          additionalProperties: false,
        },
        description: 'Tried in order; the first whose condition is true gives the targets.',
      },
      default: { ...TARGETS_SCHEMA, description: 'The targets when no route matches.' },
      strategy: {
        enum: [...ROUTER_STRATEGIES],
        default: 'ordered',
        description:
          'How the chosen targets are ordered: as listed, cheapest fitting first, lowest observed time to first token first, or by weight.',
      },
      fallbackOn: {
        type: 'array',
        items: {
          enum: [
            'auth',
            'model_not_found',
            'invalid_request',
            'context_length',
            'rate_limit',
            'overloaded',
            'server',
            'timeout',
            'network',
            'content_filter',
          ],
        },
        uniqueItems: true,
        description: `Error kinds that move to the next target; default ${DEFAULT_FALLBACK_KINDS.join(', ')}.`,
      },
      afterTokens: {
        enum: ['error', 'restart'],
        default: 'error',
        description:
          'When a target fails after tokens were sent: end with an error saying the answer was cut, or send a fallback event with discard: true and start over on the next target.',
      },
      cooldown: {
        type: 'object',
        properties: {
          failures: { type: 'integer', minimum: 1, description: 'Consecutive failures (N).' },
          seconds: { type: 'number', exclusiveMinimum: 0, description: 'Cooldown length (T).' },
        },
        required: ['failures', 'seconds'],
        additionalProperties: false,
        description: 'After N consecutive failures a target is left out for T seconds.',
      },
      ...requestFields,
      firstTokenTimeoutMs: {
        type: 'integer',
        minimum: 0,
        description:
          'Per attempt: time in ms allowed until the first token, then fall back (default 120000, or CATALYST_FIRST_TOKEN_TIMEOUT_MS; 0 = off).',
      },
      maxRetries: {
        type: 'integer',
        minimum: 0,
        maximum: 10,
        default: 0,
        description: 'Retries of the same target before falling back; default 0.',
      },
    },
    required: ['default'],
    additionalProperties: false,
  },
  supportsStreaming: true,
  templateFields: ['prompt', 'system', 'messages[].content'],
  expressionFields: ['routes[].condition'],
  outputFields: ROUTER_OUTPUT_FIELDS,
};
