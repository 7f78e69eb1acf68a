import {
  type EmbedManyResult,
  embedMany,
  ModelCatalog,
  topK,
  toQdrantPoints,
} from '@catalyst/providers';
import { emptyUsage, type JsonValue, ProviderError } from '@catalyst/spec';
import type { EmbeddingGenerateNodeConfig } from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import { renderDeep, renderTemplateText, renderTemplateValue } from '../render-config-value.js';
import { toJsonValue } from '../to-json-value.js';
import type { NodeExecutionContext, NodeExecutor, NodeResult } from './node-executor.js';

/** How a JSON value is named in messages (the Python runtime uses the same words). */
function describeValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

function invalid(node: string, field: string, message: string): NodeFailure {
  return new NodeFailure({
    node,
    kind: 'validation',
    message: `node "${node}" field "${field}": ${message}`,
  });
}

/**
 * The texts to embed from `config.input`: a template string (exactly one `{{ … }}` hole keeps
 * the expression's type, so it may give a list), or a list of template strings.
 */
function resolveTexts(context: NodeExecutionContext<EmbeddingGenerateNodeConfig>): string[] {
  const { node, config, scope } = context;
  const input = config.input;
  let texts: JsonValue[];
  if (typeof input === 'string') {
    const value = renderTemplateValue({ node: node.id, field: 'input', text: input, scope });
    if (typeof value === 'string') texts = [value];
    else if (Array.isArray(value)) texts = value;
    else {
      throw invalid(
        node.id,
        'input',
        `gave ${describeValue(value)}; expected a string or a list of strings`,
      );
    }
  } else {
    texts = input.map((item, index) =>
      renderTemplateText({ node: node.id, field: `input[${index}]`, text: item, scope }),
    );
  }
  return texts.map((text, index) => {
    if (typeof text !== 'string') {
      throw invalid(node.id, `input[${index}]`, `is ${describeValue(text)}; expected a string`);
    }
    if (text === '')
      throw invalid(node.id, `input[${index}]`, 'an empty string cannot be embedded');
    return text;
  });
}

/**
 * `embeddingGenerate`: embeds the input texts through `embedMany` (batching, bounded
 * concurrency, per-batch retries, the run's cache), and outputs vectors, Qdrant-ready points and,
 * with a `query`, the texts ranked by cosine similarity to it. Usage counts cache hits; they cost
 * nothing.
 */
export const executeEmbedding: NodeExecutor<EmbeddingGenerateNodeConfig> = async (context) => {
  const { node, config } = context;
  const texts = resolveTexts(context);
  const query =
    config.query !== undefined
      ? renderTemplateText({
          node: node.id,
          field: 'query',
          text: config.query,
          scope: context.scope,
        })
      : undefined;
  if (query === '') throw invalid(node.id, 'query', 'an empty string cannot be embedded');
  const payload =
    config.payload !== undefined
      ? renderDeep({ node: node.id, field: 'payload', value: config.payload, scope: context.scope })
      : undefined;
  const { result, queryResult } = await embedTexts({ context, texts, query });
  return embeddingResult({ context, texts, payload, result, queryResult });
};

/** Embeds the texts, then the query (as a query) when there is one. */
async function embedTexts(options: {
  context: NodeExecutionContext<EmbeddingGenerateNodeConfig>;
  texts: string[];
  query: string | undefined;
}): Promise<{ result: EmbedManyResult; queryResult?: EmbedManyResult }> {
  const { context, texts, query } = options;
  const { config } = context;
  const common = {
    provider: context.providers(config.provider),
    model: config.model,
    signal: context.signal,
    cache: config.cache === false ? null : (context.embeddingCache ?? null),
    concurrency: config.concurrency ?? 4,
    ...(config.dimensions !== undefined && { dimensions: config.dimensions }),
    ...(config.batchSize !== undefined && { batchSize: config.batchSize }),
    ...(config.maxRetries !== undefined && { maxRetries: config.maxRetries }),
    ...(config.encodingFormat !== undefined && { encodingFormat: config.encodingFormat }),
  };
  try {
    const result = await embedMany({
      ...common,
      input: texts,
      ...(config.inputType !== undefined && { inputType: config.inputType }),
    });
    if (query === undefined) return { result };
    const queryResult = await embedMany({ ...common, input: [query], inputType: 'query' });
    return { result, queryResult };
  } catch (error) {
    if (error instanceof ProviderError) {
      throw new NodeFailure({
        node: context.node.id,
        kind: error.kind,
        message: error.message,
        retryable: error.retryable,
      });
    }
    throw error;
  }
}

/** The node's output (vectors, points, ranking, usage, cost, cache) and usage. */
function embeddingResult(options: {
  context: NodeExecutionContext<EmbeddingGenerateNodeConfig>;
  texts: string[];
  payload: JsonValue | undefined;
  result: EmbedManyResult;
  queryResult: EmbedManyResult | undefined;
}): NodeResult {
  const { context, texts, payload, result, queryResult } = options;
  const { provider, model, points, topK: k = 5 } = context.config;
  const results = queryResult ? [result, queryResult] : [result];
  const sum = (pick: (usage: EmbedManyResult['usage']) => number) =>
    results.reduce((total, each) => total + pick(each.usage), 0);
  const inputTokens = sum((usage) => usage.inputTokens);
  const embedding = {
    items: sum((usage) => usage.items),
    cachedItems: sum((usage) => usage.cachedItems),
    requests: sum((usage) => usage.requests),
    retries: sum((usage) => usage.retries),
  };
  const usage = { ...emptyUsage(), inputTokens, totalTokens: inputTokens };
  const cost = ModelCatalog.default().cost(provider, model, usage);
  const cacheError = results.find((each) => each.cache.error !== undefined)?.cache.error;

  const vectors = result.embeddings;
  const output: Record<string, JsonValue> = {
    provider,
    model,
    dimensions: vectors[0]?.length ?? null,
    vectors,
  };
  if (points !== false) {
    output.points = toQdrantPoints({
      texts,
      vectors,
      ...(payload !== null &&
        typeof payload === 'object' &&
        !Array.isArray(payload) && { payload }),
    }).map((point) => ({
      id: point.id,
      vector: point.vector,
      payload: toJsonValue(point.payload),
    }));
  }
  if (queryResult) {
    output.ranking = topK({ query: queryResult.embeddings[0] ?? [], candidates: vectors, k }).map(
      (item) => ({ index: item.index, score: item.score, text: texts[item.index] ?? '' }),
    );
  }
  output.usage = { inputTokens, ...embedding };
  output.cost = cost ? { ...cost } : null;
  output.cache = {
    backend: result.cache.backend,
    ...(cacheError !== undefined && { error: cacheError }),
  };
  return {
    output,
    activeHandles: ['output'],
    usage: { provider, model, usage, cost, embedding },
  };
}
