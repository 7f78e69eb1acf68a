import { seededRandom, stableHash } from '../core/stable-hash.js';

/** Full size of each embedding model's vectors. */
export function defaultEmbeddingDimensions(model: string): number {
  // gemini-embedding-001 and its successors are 3072-dimensional; the older
  // text-embedding-004 and embedding-001 are 768.
  return model.startsWith('gemini-embedding') ? 3072 : 768;
}

/**
 * A deterministic embedding of `text`: the same text always gives the same vector, so tests can
 * compare them. Like the real gemini-embedding-001, the full vector is unit length and a vector
 * truncated by `outputDimensionality` is not (Google tells clients to normalise those themselves).
 */
export function embeddingValues(options: {
  text: string;
  model: string;
  dimensions?: number;
}): number[] {
  const full = defaultEmbeddingDimensions(options.model);
  const random = seededRandom(stableHash(`${options.model}\u0000${options.text}`));
  const raw = Array.from({ length: full }, () => random() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((total, value) => total + value * value, 0)) || 1;
  const size = Math.min(full, Math.max(1, options.dimensions ?? full));
  return raw.slice(0, size).map((value) => Math.round((value / norm) * 1e9) / 1e9);
}
