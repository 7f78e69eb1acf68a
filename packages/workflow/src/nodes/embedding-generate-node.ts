import { ModelCatalog } from '@catalyst/providers';
import type { JsonSchema } from '@catalyst/spec';
import type { NodeTypeDefinition } from './node-type.js';
import { EMBEDDING_OUTPUT_FIELDS } from './output-fields.js';

/** Providers an `embeddingGenerate` node can call. */
export const EMBEDDING_PROVIDERS = ['openai', 'azure', 'voyage', 'gemini', 'local'] as const;

function embeddingModelIds(): string[] {
  return ModelCatalog.default()
    .recommended()
    .filter(
      (model) =>
        model.capabilities.embeddings &&
        (EMBEDDING_PROVIDERS as readonly string[]).includes(model.provider) &&
        model.provider !== 'local',
    )
    .map((model) => model.id);
}

const CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    provider: {
      enum: [...EMBEDDING_PROVIDERS],
      default: 'openai',
      description: 'Who embeds: openai, azure (model = deployment), voyage, gemini or local.',
    },
    model: {
      type: 'string',
      minLength: 1,
      examples: embeddingModelIds(),
      description:
        'Embedding model id, e.g. text-embedding-3-small, voyage-4, gemini-embedding-001 (Azure: the deployment name).',
    },
    input: {
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 100_000 }],
      description:
        'The text(s) to embed: a template string, a list of template strings, or exactly one "{{ … }}" expression giving a string or a list of strings.',
    },
    dimensions: {
      type: 'integer',
      minimum: 1,
      maximum: 8192,
      description:
        'Output dimensions where the model lets you choose (text-embedding-3-*, Voyage output_dimension 256/512/1024/2048, Gemini outputDimensionality).',
    },
    inputType: {
      enum: ['query', 'document'],
      description:
        'What the texts are, for retrieval models: Voyage input_type, Gemini task type (RETRIEVAL_QUERY / RETRIEVAL_DOCUMENT). OpenAI ignores it.',
    },
    encodingFormat: {
      enum: ['float', 'base64'],
      description:
        'OpenAI/Azure wire format of the vectors; the values are identical. Default: the SDK default (base64).',
    },
    batchSize: {
      type: 'integer',
      minimum: 1,
      maximum: 2048,
      description:
        "Most texts per request; the provider's own limits (items and tokens) always apply too.",
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      maximum: 32,
      default: 4,
      description: 'Requests in flight at once.',
    },
    maxRetries: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      description: 'Retries of one failed batch on retryable errors (default 2).',
    },
    cache: {
      type: 'boolean',
      default: true,
      description:
        'Reuse vectors of texts embedded before (in-memory LRU, or Redis when REDIS_URL is set).',
    },
    points: {
      type: 'boolean',
      default: true,
      description:
        'Also output Qdrant-ready points {id, vector, payload}; turn off for large inputs to halve the output.',
    },
    payload: {
      type: 'object',
      description:
        'Extra payload on every point; strings inside are templates. `text` and `index` are always set.',
    },
    query: {
      type: 'string',
      description:
        'A template; when set, the query is embedded too (as a query) and `ranking` lists the texts most similar to it.',
    },
    topK: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      description: 'How many texts `ranking` keeps (default 5); needs `query`.',
    },
  },
  required: ['provider', 'model', 'input'],
  additionalProperties: false,
};

/**
 * Embeds a text or a list of texts: batching by the provider's per-request limits, bounded
 * concurrency, per-batch retries, a per-text cache, Qdrant-ready points and an optional in-process
 * cosine top-k against a query. Output (docs/embeddings.md):
 * `{ provider, model, dimensions, vectors, points?, ranking?, usage, cost, cache }`.
 */
export const EMBEDDING_GENERATE_NODE: NodeTypeDefinition = {
  type: 'embeddingGenerate',
  category: 'embeddings',
  name: 'Embeddings',
  description:
    'Turns texts into vectors with OpenAI, Azure OpenAI, Voyage, Gemini or the local model; batches, caches and outputs Qdrant-ready points.',
  icon: 'Binary',
  color: 'bg-teal-500',
  inputs: [{ id: 'input', name: 'Input', type: 'default' }],
  outputs: [{ id: 'output', name: 'Embeddings', type: 'default' }],
  defaultConfig: { provider: 'openai', cache: true, points: true, concurrency: 4 },
  configSchema: CONFIG_SCHEMA,
  supportsStreaming: false,
  templateFields: ['input', 'input[]', 'query', 'payload.**'],
  expressionFields: [],
  outputFields: EMBEDDING_OUTPUT_FIELDS,
};
