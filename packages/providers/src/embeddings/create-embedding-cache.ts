import type { EmbeddingCache } from './embedding-cache.js';
import { createMemoryEmbeddingCache } from './memory-embedding-cache.js';
import { createRedisEmbeddingCache } from './redis-embedding-cache.js';

/**
 * The embeddings cache the environment asks for: Redis when `REDIS_URL` is set (shared by every
 * instance, see `createRedisEmbeddingCache` for what happens when Redis fails), else an
 * in-process LRU.
 *
 * @example
 * const cache = createEmbeddingCache({ environment: process.env });
 */
export function createEmbeddingCache(
  options: { environment?: Record<string, string | undefined>; maxBytes?: number } = {},
): EmbeddingCache {
  const url = options.environment?.REDIS_URL?.trim();
  if (url) return createRedisEmbeddingCache({ url });
  return createMemoryEmbeddingCache(
    options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
  );
}
