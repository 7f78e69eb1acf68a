import { seededRandom, stableHash } from './stable-hash.js';

/**
 * A deterministic unit vector for a text: the same text always embeds to the same vector, and
 * different texts to different ones, so similarity tests behave predictably.
 *
 * @example embedText('hello', 4).length // 4
 */
export function embedText(text: string, dimensions: number): number[] {
  const random = seededRandom(stableHash(text));
  const vector = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(vector.reduce((total, value) => total + value * value, 0)) || 1;
  // Rounded through float32 so the float and base64 encodings carry the very same numbers.
  return vector.map((value) => Math.fround(value / norm));
}

/** Encodes a vector as base64 of little-endian float32 values (OpenAI `encoding_format: base64`). */
export function encodeFloat32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString('base64');
}
