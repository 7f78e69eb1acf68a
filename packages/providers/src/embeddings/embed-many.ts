import {
  type Cost,
  type EmbedRequest,
  emptyUsage,
  type LanguageModelProvider,
  ProviderError,
  type ProviderName,
} from '@catalyst/spec';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { createProviderError } from '../shared/create-provider-error.js';
import { retryDelay } from '../shared/retry-delay.js';
import { sleep as defaultSleep } from '../shared/sleep.js';
import { type EmbeddingCache, embeddingCacheKey } from './embedding-cache.js';
import { type EmbeddingLimits, embeddingLimits } from './embedding-limits.js';
import { splitIntoBatches } from './split-into-batches.js';

/** Options of `embedMany`. */
export interface EmbedManyOptions {
  /** Any provider with `embed`; its name picks the limits and the cache scope. */
  provider: LanguageModelProvider;
  model: string;
  input: readonly string[];
  signal: AbortSignal;
  dimensions?: number;
  inputType?: 'query' | 'document';
  /** OpenAI-family wire encoding (`float` or `base64`); the vectors are the same either way. */
  encodingFormat?: 'float' | 'base64';
  /** At most this many texts per request (capped by the provider's own limit). */
  batchSize?: number;
  /** Overrides the provider's per-request limits (tests, proxies with lower caps). */
  limits?: Partial<EmbeddingLimits>;
  /** Requests in flight at once; default 4. */
  concurrency?: number;
  /** Retries of one failed batch on a retryable error; default 2. */
  maxRetries?: number;
  /** Where vectors are kept between calls; `null` for none. */
  cache?: EmbeddingCache | null;
  /** Prices, for the cost; defaults to the built-in catalog. */
  catalog?: ModelCatalog;
  /** Injected for tests: jitter source and the wait between retries. */
  random?: () => number;
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

/** Token and request counts of one `embedMany` call. */
export interface EmbedManyUsage {
  /** Tokens the provider billed (cache hits cost none). */
  inputTokens: number;
  /** Texts in the input. */
  items: number;
  /** Texts not sent to the provider: cache hits, and repeats of an earlier text of the input. */
  cachedItems: number;
  /** HTTP requests that succeeded (retries not counted). */
  requests: number;
  /** Failed attempts that were retried. */
  retries: number;
}

/** What `embedMany` returns: vectors in input order. */
export interface EmbedManyResult {
  provider: ProviderName;
  model: string;
  embeddings: number[][];
  usage: EmbedManyUsage;
  /** Priced from `usage.inputTokens`; null when the model has no price in the catalog. */
  cost: Cost | null;
  /** The cache used, and the error when it failed during this call (the call still succeeded). */
  cache: { backend: 'memory' | 'redis' | 'none'; error?: string };
}

/**
 * Embeds any number of texts: looks every text up in the cache, sends only the misses (each
 * distinct text once), split into batches that respect the provider's per-request item and token
 * limits, at most `concurrency` at a time. A failed batch is retried on its own (retryable errors
 * only, honouring retry-after, with the SDKs' back-off); any other failure, or abort, stops the
 * batches still running and throws a `ProviderError`. Results keep the input order.
 *
 * @example
 * const result = await embedMany({ provider: createOpenAIProvider(), model: 'text-embedding-3-small',
 *   input: texts, signal, cache: createEmbeddingCache({ environment: process.env }) });
 * result.embeddings.length === texts.length; result.usage.cachedItems; result.cost?.totalUsd;
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const { provider, model, input, dimensions, inputType } = options;
  const embed = provider.embed?.bind(provider);
  if (!embed) {
    throw createProviderError({
      provider: provider.name,
      kind: 'invalid_request',
      model,
      detail: `${provider.name} has no embeddings endpoint`,
    });
  }
  const cache = options.cache ?? null;
  const scope = { provider: provider.name, model, dimensions, inputType };
  const embeddings: Array<number[] | undefined> = new Array(input.length);
  let cacheError: string | undefined;

  // Distinct texts, each with the input positions it fills.
  const positions = new Map<string, number[]>();
  input.forEach((text, index) => {
    const list = positions.get(text);
    if (list) list.push(index);
    else positions.set(text, [index]);
  });
  const distinct = [...positions.keys()];
  const keys = cache ? distinct.map((text) => embeddingCacheKey(scope, text)) : [];
  const missing: string[] = [];
  const missingKeys: string[] = [];
  const cached = cache ? await cache.getMany(keys) : undefined;
  if (cached?.error) cacheError = cached.error;
  distinct.forEach((text, index) => {
    const vector = cached?.values[index];
    if (vector) {
      for (const position of positions.get(text) ?? []) embeddings[position] = vector;
    } else {
      missing.push(text);
      missingKeys.push(keys[index] ?? '');
    }
  });

  const own = embeddingLimits(provider.name, model);
  const limits: EmbeddingLimits = {
    maxItems: Math.max(
      1,
      Math.min(options.limits?.maxItems ?? own.maxItems, options.batchSize ?? Infinity),
    ),
    maxTokens: options.limits?.maxTokens ?? own.maxTokens,
  };
  const batches = splitIntoBatches(missing, limits);
  const maxRetries = options.maxRetries ?? 2;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? defaultSleep;
  const controller = new AbortController();
  const signal = AbortSignal.any([options.signal, controller.signal]);
  let inputTokens = 0;
  let requests = 0;
  let retries = 0;
  let failure: unknown;

  const runBatch = async ([start, end]: [number, number]): Promise<void> => {
    const texts = missing.slice(start, end);
    const request: EmbedRequest = { model, input: texts, signal };
    if (dimensions !== undefined) request.dimensions = dimensions;
    if (inputType !== undefined) request.inputType = inputType;
    if (options.encodingFormat !== undefined) request.encodingFormat = options.encodingFormat;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await embed(request);
        if (result.embeddings.length !== texts.length) {
          throw createProviderError({
            provider: provider.name,
            kind: 'server',
            model,
            detail: `asked for ${texts.length} embeddings, got ${result.embeddings.length}`,
          });
        }
        requests += 1;
        inputTokens += result.usage.inputTokens;
        const entries: Array<[string, number[]]> = [];
        texts.forEach((text, offset) => {
          const vector = result.embeddings[offset] ?? [];
          for (const position of positions.get(text) ?? []) embeddings[position] = vector;
          entries.push([missingKeys[start + offset] ?? '', vector]);
        });
        if (cache) {
          const stored = await cache.setMany(entries);
          if (stored.error) cacheError ??= stored.error;
        }
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        const retryable = error instanceof ProviderError && error.retryable;
        if (!retryable || attempt >= maxRetries) throw error;
        retries += 1;
        await wait(
          retryDelay({ attempt, retryAfterMs: (error as ProviderError).retryAfterMs, random }),
          signal,
        );
      }
    }
  };

  // A fixed pool of workers takes batches in order; the first failure stops the others.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < batches.length) {
      const batch = batches[next] as [number, number];
      next += 1;
      try {
        await runBatch(batch);
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          controller.abort(error);
        }
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, batches.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined || options.signal.aborted) {
    if (options.signal.aborted) {
      throw createProviderError({ provider: provider.name, kind: 'aborted', model });
    }
    throw failure instanceof ProviderError
      ? failure
      : createProviderError({
          provider: provider.name,
          kind: 'server',
          model,
          detail: failure instanceof Error ? failure.message : String(failure),
        });
  }

  const catalog = options.catalog ?? ModelCatalog.default();
  const usage = { ...emptyUsage(), inputTokens, totalTokens: inputTokens };
  const sent = missing.length;
  return {
    provider: provider.name,
    model,
    embeddings: embeddings as number[][],
    usage: {
      inputTokens,
      items: input.length,
      cachedItems: input.length - sent,
      requests,
      retries,
    },
    cost: catalog.cost(provider.name, model, usage),
    cache: {
      backend: cache ? cache.backend : 'none',
      ...(cacheError !== undefined && { error: cacheError }),
    },
  };
}
