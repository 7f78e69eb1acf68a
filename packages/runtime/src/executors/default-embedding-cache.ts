import { createEmbeddingCache, type EmbeddingCache } from '@catalyst/providers';

const caches = new Map<string, EmbeddingCache>();

/**
 * The process-wide embeddings cache for runs that were not given one (`catalyst run`, direct
 * `executeWorkflow` calls): one per `REDIS_URL` value (the empty string for the in-memory LRU), so
 * every run of the process shares it.
 */
export function defaultEmbeddingCache(
  environment: Record<string, string | undefined>,
): EmbeddingCache {
  const url = environment.REDIS_URL?.trim() ?? '';
  let cache = caches.get(url);
  if (!cache) {
    cache = createEmbeddingCache({ environment: { REDIS_URL: url } });
    caches.set(url, cache);
  }
  return cache;
}
