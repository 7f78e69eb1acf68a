import { createHash } from 'node:crypto';

/** A point as Qdrant's upsert API takes it (`PUT /collections/{name}/points`). */
export interface QdrantPoint {
  /** A UUID: Qdrant ids must be unsigned integers or UUIDs. */
  id: string;
  vector: number[];
  payload: Record<string, unknown>;
}

/**
 * A deterministic UUID for a text: the first 16 bytes of its SHA-256 with the RFC 9562 version 8
 * ("custom") and variant bits set, so re-embedding the same text upserts the same point instead
 * of adding a duplicate.
 *
 * @example
 * pointIdForText('hello'); // '2cf24dba-5fb0-830e-a6e8-3b2ac5b9e29e'
 */
export function pointIdForText(text: string): string {
  const bytes = createHash('sha256').update(text, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Qdrant-ready points: one per text, id from the text, payload `{ text, index, ...payload }`
 * (the shared `payload` cannot override `text` or `index`).
 *
 * @example
 * await fetch(`${qdrant}/collections/docs/points`, { method: 'PUT',
 *   body: JSON.stringify({ points: toQdrantPoints({ texts, vectors }) }) });
 */
export function toQdrantPoints(options: {
  texts: readonly string[];
  vectors: readonly number[][];
  payload?: Record<string, unknown>;
}): QdrantPoint[] {
  return options.texts.map((text, index) => ({
    id: pointIdForText(text),
    vector: options.vectors[index] ?? [],
    payload: { ...options.payload, text, index },
  }));
}
