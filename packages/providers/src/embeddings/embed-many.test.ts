import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { ProviderError } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiProvider } from '../gemini/index.js';
import { createOpenAIProvider } from '../openai-compatible/index.js';
import { startRedisServer } from '../testing/redis-server.js';
import { createVoyageProvider } from '../voyage/index.js';
import { createEmbeddingCache } from './create-embedding-cache.js';
import { embedMany } from './embed-many.js';
import { createMemoryEmbeddingCache } from './memory-embedding-cache.js';
import { createRedisEmbeddingCache } from './redis-embedding-cache.js';

let simulator: RunningSimulator;
const noWait = async () => {};

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

const openai = () =>
  createOpenAIProvider({ apiKey: 'sk-test', baseUrl: `${simulator.url}/v1`, environment: {} });
const texts = (count: number, prefix = 'text') =>
  Array.from({ length: count }, (_, index) => `${prefix} number ${index}`);
const embeddingRequests = () =>
  simulator.requests().filter((entry) => entry.operation === 'embeddings');

describe('embedMany', () => {
  it('embeds 10,000 texts in order within the provider limits', async () => {
    const input = texts(10_000);
    const result = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 4,
      input,
      signal: AbortSignal.timeout(60_000),
    });
    expect(result.embeddings).toHaveLength(10_000);
    // 10,000 / 2048 per request → 5 requests, each accepted by the simulator's limits.
    expect(result.usage).toMatchObject({ items: 10_000, cachedItems: 0, requests: 5, retries: 0 });
    const sent = embeddingRequests();
    expect(sent).toHaveLength(5);
    expect(sent.every((entry) => entry.status === 200)).toBe(true);
    // Order: the same text embedded alone gives the same vector as at its position.
    const single = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 4,
      input: [input[7777] as string],
      signal: AbortSignal.timeout(10_000),
    });
    expect(result.embeddings[7777]).toEqual(single.embeddings[0]);
    expect(result.cost?.totalUsd).toBeGreaterThan(0);
  });

  it('splits by tokens too (the simulator refuses more than 300,000 per request)', async () => {
    const input = texts(40, 'long').map((text) => text + 'x'.repeat(40_000));
    const result = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 2,
      input,
      signal: AbortSignal.timeout(30_000),
    });
    expect(result.embeddings).toHaveLength(40);
    expect(result.usage.requests).toBeGreaterThan(1);
    expect(embeddingRequests().every((entry) => entry.status === 200)).toBe(true);
  });

  it('retries only the failed batch and keeps the result identical', async () => {
    const input = texts(10);
    const clean = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 3,
      input,
      batchSize: 3,
      signal: AbortSignal.timeout(10_000),
    });
    simulator.reset();
    simulator.setScenario(
      parseScenario({
        rules: [
          {
            match: { operation: 'embeddings', nth: 2 },
            fault: { type: 'http', kind: 'server' },
          },
        ],
      }),
    );
    const retried = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 3,
      input,
      batchSize: 3,
      sleep: noWait,
      signal: AbortSignal.timeout(10_000),
    });
    expect(retried.embeddings).toEqual(clean.embeddings);
    expect(retried.usage).toMatchObject({ requests: 4, retries: 1 });
    const sent = embeddingRequests();
    expect(sent).toHaveLength(5);
    expect(sent.filter((entry) => entry.status === 500)).toHaveLength(1);
    // The failed request's texts were sent again, alone: no other batch was repeated.
    const bodies = sent.map((entry) => JSON.stringify((entry.body as { input: string[] }).input));
    expect(new Set(bodies).size).toBe(4);
  });

  it('fails on a non-retryable error and stops the other batches', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          { match: { operation: 'embeddings', nth: 1 }, fault: { type: 'http', kind: 'auth' } },
          { match: { operation: 'embeddings' }, timing: { firstTokenMs: 5000 } },
        ],
      }),
    );
    const error = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      input: texts(6),
      batchSize: 1,
      concurrency: 1,
      sleep: noWait,
      signal: AbortSignal.timeout(10_000),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('auth');
    expect(embeddingRequests()).toHaveLength(1);
  });

  it('gives up after maxRetries on a batch that keeps failing', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          { match: { operation: 'embeddings' }, fault: { type: 'http', kind: 'overloaded' } },
        ],
      }),
    );
    const error = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      input: ['a'],
      maxRetries: 2,
      sleep: noWait,
      signal: AbortSignal.timeout(10_000),
    }).catch((caught: unknown) => caught);
    expect((error as ProviderError).kind).toBe('overloaded');
    expect(embeddingRequests()).toHaveLength(3);
  });

  it('aborts every batch in flight', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [{ match: { operation: 'embeddings' }, timing: { firstTokenMs: 20_000 } }],
      }),
    );
    const controller = new AbortController();
    const pending = embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      input: texts(4),
      batchSize: 1,
      signal: controller.signal,
    }).catch((caught: unknown) => caught);
    while (embeddingRequests().length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await pending;
    expect((error as ProviderError).kind).toBe('aborted');
    while (embeddingRequests().some((entry) => !entry.finished))
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(embeddingRequests().every((entry) => entry.clientClosedEarly)).toBe(true);
  });

  it('batches Gemini by 100 and Voyage by its limits', async () => {
    const gemini = createGeminiProvider({
      apiKey: 'AIza-test',
      baseUrl: simulator.url,
      environment: {},
    });
    const geminiResult = await embedMany({
      provider: gemini,
      model: 'gemini-embedding-001',
      dimensions: 8,
      input: texts(250),
      signal: AbortSignal.timeout(10_000),
    });
    expect(geminiResult.usage.requests).toBe(3);
    expect(geminiResult.embeddings[249]).toHaveLength(8);
    simulator.reset();
    const voyage = createVoyageProvider({
      apiKey: 'pa-test',
      baseUrl: `${simulator.url}/voyage/v1`,
      environment: {},
    });
    const voyageResult = await embedMany({
      provider: voyage,
      model: 'voyage-4-large',
      inputType: 'document',
      input: texts(2500),
      dimensions: 256,
      signal: AbortSignal.timeout(30_000),
    });
    expect(voyageResult.usage.requests).toBe(3);
    expect(embeddingRequests().every((entry) => entry.status === 200)).toBe(true);
  });
});

describe('embedMany cache', () => {
  it('serves repeats from the memory cache at no cost, keyed by model, dimensions and type', async () => {
    const cache = createMemoryEmbeddingCache();
    const options = {
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 4,
      cache,
      signal: AbortSignal.timeout(10_000),
    };
    const first = await embedMany({ ...options, input: ['a', 'b', 'a'] });
    // The repeated 'a' is sent once.
    expect(first.usage).toMatchObject({ items: 3, cachedItems: 1, requests: 1 });
    expect(first.embeddings[2]).toEqual(first.embeddings[0]);
    const second = await embedMany({ ...options, input: ['b', 'a', 'c'] });
    expect(second.usage).toMatchObject({ items: 3, cachedItems: 2, requests: 1 });
    expect(second.embeddings[0]).toEqual(first.embeddings[1]);
    const third = await embedMany({ ...options, input: ['a', 'b'] });
    expect(third.usage).toMatchObject({ inputTokens: 0, cachedItems: 2, requests: 0 });
    expect(third.cost?.totalUsd).toBe(0);
    expect(third.cache).toEqual({ backend: 'memory' });
    const other = await embedMany({ ...options, dimensions: 8, input: ['a'] });
    expect(other.usage.cachedItems).toBe(0);
    expect(embeddingRequests()).toHaveLength(3);
  });

  it('shares vectors through Redis, exactly', async () => {
    const redis = await startRedisServer();
    try {
      const gemini = createGeminiProvider({
        apiKey: 'AIza-test',
        baseUrl: simulator.url,
        environment: {},
      });
      const writer = createEmbeddingCache({ environment: { REDIS_URL: redis.url } });
      const reader = createEmbeddingCache({ environment: { REDIS_URL: redis.url } });
      expect(reader.backend).toBe('redis');
      const options = {
        provider: gemini,
        model: 'gemini-embedding-001',
        dimensions: 5,
        signal: AbortSignal.timeout(10_000),
      };
      const first = await embedMany({ ...options, input: ['x', 'y'], cache: writer });
      const second = await embedMany({ ...options, input: ['y', 'x'], cache: reader });
      expect(second.usage).toMatchObject({ cachedItems: 2, requests: 0 });
      expect(second.embeddings).toEqual([first.embeddings[1], first.embeddings[0]]);
      expect(second.cache).toEqual({ backend: 'redis' });
      await writer.close();
      await reader.close();
    } finally {
      await redis.close();
    }
  });

  it('carries on without the cache when Redis is down, says so, and does not hang', async () => {
    const redis = await startRedisServer();
    const url = redis.url;
    await redis.close();
    const reported: string[] = [];
    const cache = createRedisEmbeddingCache({
      url: url.replace('//', '//user:hunter2@'),
      timeoutMs: 300,
      onError: (message) => reported.push(message),
    });
    const result = await embedMany({
      provider: openai(),
      model: 'text-embedding-3-small',
      dimensions: 2,
      input: ['a', 'b'],
      cache,
      signal: AbortSignal.timeout(10_000),
    });
    expect(result.embeddings).toHaveLength(2);
    expect(result.usage.requests).toBe(1);
    expect(result.cache.backend).toBe('redis');
    expect(result.cache.error).toMatch(
      /Redis embedding cache at redis:\/\/user:\*\*\*@127\.0\.0\.1/,
    );
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.join('\n')).not.toContain('hunter2');
    await cache.close();
  });
});
