export { cosineSimilarity, type RankedItem, topK } from './cosine-similarity.js';
export { createEmbeddingCache } from './create-embedding-cache.js';
export {
  type EmbedManyOptions,
  type EmbedManyResult,
  type EmbedManyUsage,
  embedMany,
} from './embed-many.js';
export {
  decodeVector,
  type EmbeddingCache,
  type EmbeddingCacheScope,
  embeddingCacheKey,
  encodeVector,
  sha256Hex,
} from './embedding-cache.js';
export {
  type EmbeddingLimits,
  embeddingLimits,
  estimateEmbeddingTokens,
} from './embedding-limits.js';
export {
  createMemoryEmbeddingCache,
  DEFAULT_MEMORY_CACHE_BYTES,
} from './memory-embedding-cache.js';
export { pointIdForText, type QdrantPoint, toQdrantPoints } from './qdrant-points.js';
export {
  createRedisEmbeddingCache,
  type RedisEmbeddingCacheOptions,
  redactRedisUrl,
} from './redis-embedding-cache.js';
export { splitIntoBatches } from './split-into-batches.js';
