import { seededRandom, stableHash } from './stable-hash.js';

/**
 * Splits prose into word-ish pieces the way a tokenizer streams them: a word with its leading
 * space, long words cut into 4-character pieces (about 4 characters per token). Joined, the
 * pieces are exactly the input.
 *
 * @example splitIntoChunks('Hello there') // ['Hello', ' there']
 */
export function splitIntoChunks(text: string): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [];
  const chunks: string[] = [];
  for (const word of words) {
    if (word.length <= 8) {
      chunks.push(word);
      continue;
    }
    for (let index = 0; index < word.length; index += 4) chunks.push(word.slice(index, index + 4));
  }
  return chunks;
}

/**
 * Splits text at arbitrary, deterministic positions (1–7 characters), as real providers split
 * JSON and tool-call arguments, even inside strings and tokens.
 */
export function splitAtArbitraryPositions(text: string): string[] {
  const random = seededRandom(stableHash(text));
  const pieces: string[] = [];
  let index = 0;
  while (index < text.length) {
    const size = 1 + Math.floor(random() * 7);
    pieces.push(text.slice(index, index + size));
    index += size;
  }
  return pieces;
}
