import { createHash } from 'node:crypto';
import type { ProviderName } from '@catalyst/spec';

/**
 * Where embeddings are kept between calls, one entry per text. Implementations never throw for
 * a backend failure: they report it through `getMany`'s `error` and behave as a miss, so a broken
 * cache costs provider calls, never a run.
 */
export interface EmbeddingCache {
  /** `memory` (in-process LRU) or `redis`. */
  readonly backend: 'memory' | 'redis';
  /** The vectors for `keys`, undefined where missing; `error` when the backend failed. */
  getMany(
    keys: readonly string[],
  ): Promise<{ values: Array<number[] | undefined>; error?: string }>;
  /** Stores vectors; resolves with `error` when the backend failed (the run goes on). */
  setMany(entries: ReadonlyArray<readonly [string, number[]]>): Promise<{ error?: string }>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** What identifies one cached vector, apart from the text. */
export interface EmbeddingCacheScope {
  provider: ProviderName;
  model: string;
  dimensions?: number | undefined;
  inputType?: 'query' | 'document' | undefined;
}

/** Lowercase hex SHA-256 of the UTF-8 text (lone surrogates as U+FFFD, as `TextEncoder` does). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The cache key of one text: provider, model, dimensions, input type and the text's SHA-256.
 * Readable in `redis-cli`, and identical in the Python runtime, so both can share one Redis.
 *
 * @example
 * embeddingCacheKey({ provider: 'openai', model: 'text-embedding-3-small' }, 'hi');
 * // 'catalyst:embedding:v1:openai:text-embedding-3-small:default:none:8f434346…'
 */
export function embeddingCacheKey(scope: EmbeddingCacheScope, text: string): string {
  const dimensions = scope.dimensions === undefined ? 'default' : String(scope.dimensions);
  return `catalyst:embedding:v1:${scope.provider}:${scope.model}:${dimensions}:${scope.inputType ?? 'none'}:${sha256Hex(text)}`;
}

/** A vector as base64 of little-endian float64 values: exact, and the same bytes in Python. */
export function encodeVector(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 8);
  vector.forEach((value, index) => {
    bytes.writeDoubleLE(value, index * 8);
  });
  return bytes.toString('base64');
}

/** The inverse of `encodeVector`; undefined for a value that is not one. */
export function decodeVector(encoded: string): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 8 !== 0) return undefined;
  const vector: number[] = new Array(bytes.length / 8);
  for (let index = 0; index < vector.length; index += 1)
    vector[index] = bytes.readDoubleLE(index * 8);
  return vector;
}
