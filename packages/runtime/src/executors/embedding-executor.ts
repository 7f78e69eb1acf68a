import {
  type EmbedManyResult,
  embedMany,
  ModelCatalog,
  topK,
  toQdrantPoints,
} from '@catalyst/providers';
import { emptyUsage, type JsonValue, ProviderError, type ProviderName } from '@catalyst/spec';
import { NodeFailure } from '../node-failure.js';
import { renderDeep, renderTemplateText, renderTemplateValue } from '../render-config-value.js';
import type { NodeExecutionContext, NodeExecutor } from './node-executor.js';

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
function resolveTexts(context: NodeExecutionContext): string[] {
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
  } else if (Array.isArray(input)) {
    texts = input.map((item, index) =>
      typeof item === 'string'
        ? renderTemplateText({ node: node.id, field: `input[${index}]`, text: item, scope })
        : item,
    );
  } else {
    throw invalid(node.id, 'input', 'expected a string or a list of strings');
  }
  texts.forEach((text, index) => {
    if (typeof text !== 'string') {
      throw invalid(node.id, `input[${index}]`, `is ${describeValue(text)}; expected a string`);
    }
    if (text === '')
      throw invalid(node.id, `input[${index}]`, 'an empty string cannot be embedded');
  });
  return texts as string[];
}

/**
 * `embeddingGenerate`: embeds the input texts through `embedMany` (batching, bounded
 * concurrency, per-batch retries, the run's cache), and outputs vectors, Qdrant-ready points and,
 * with a `query`, the texts ranked by cosine similarity to it. Usage counts cache hits; they cost
 * nothing.
 */
export const executeEmbedding: NodeExecutor = async (context) => {
  const { node, config, signal } = context;
  const providerName = String(config.provider ?? 'openai') as ProviderName;
  const model = String(config.model);
  const texts = resolveTexts(context);
  const query =
    typeof config.query === 'string'
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

  const provider = context.providers(providerName);
  const common = {
    provider,
    model,
    signal,
    cache: config.cache === false ? null : (context.embeddingCache ?? null),
    concurrency: typeof config.concurrency === 'number' ? config.concurrency : 4,
    ...(typeof config.dimensions === 'number' && { dimensions: config.dimensions }),
    ...(typeof config.batchSize === 'number' && { batchSize: config.batchSize }),
    ...(typeof config.maxRetries === 'number' && { maxRetries: config.maxRetries }),
    ...((config.encodingFormat === 'float' || config.encodingFormat === 'base64') && {
      encodingFormat: config.encodingFormat as 'float' | 'base64',
    }),
  };
  const inputType =
    config.inputType === 'query' || config.inputType === 'document' ? config.inputType : undefined;

  let result: EmbedManyResult;
  let queryResult: EmbedManyResult | undefined;
  try {
    result = await embedMany({
      ...common,
      input: texts,
      ...(inputType !== undefined && { inputType }),
    });
    if (query !== undefined) {
      queryResult = await embedMany({ ...common, input: [query], inputType: 'query' });
    }
  } catch (error) {
    if (error instanceof ProviderError) {
      throw new NodeFailure({
        node: node.id,
        kind: error.kind,
        message: error.message,
        retryable: error.retryable,
      });
    }
    throw error;
  }

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
  const cost = ModelCatalog.default().cost(providerName, model, usage);
  const cacheError = results.find((each) => each.cache.error !== undefined)?.cache.error;

  const vectors = result.embeddings;
  const output: Record<string, JsonValue> = {
    provider: providerName,
    model,
    dimensions: vectors[0]?.length ?? null,
    vectors,
  };
  if (config.points !== false) {
    output.points = toQdrantPoints({
      texts,
      vectors,
      ...(payload !== null &&
        typeof payload === 'object' &&
        !Array.isArray(payload) && { payload }),
    }) as unknown as JsonValue;
  }
  if (queryResult) {
    const k = typeof config.topK === 'number' ? config.topK : 5;
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
    usage: { provider: providerName, model, usage, cost, embedding },
  };
};
