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
    for (let index = 0; index < word.length; ) {
      const end = pieceEnd(word, index + 4);
      chunks.push(word.slice(index, end));
      index = end;
    }
  }
  return chunks;
}

/**
 * Where a piece ending at `end` may end: one unit later when `end` would split a surrogate pair.
 * Real providers stream whole characters (each chunk is valid UTF-8); half a pair would reach
 * clients as a lone surrogate, which a runtime joining text with Python strings cannot repair.
 */
function pieceEnd(text: string, end: number): number {
  if (end >= text.length) return text.length;
  const before = text.charCodeAt(end - 1);
  const after = text.charCodeAt(end);
  const splitsPair = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return splitsPair ? end + 1 : end;
}

/**
 * Splits text at arbitrary, deterministic positions (1–7 characters), as real providers split
 * JSON and tool-call arguments, even inside strings and tokens (never inside a character).
 */
export function splitAtArbitraryPositions(text: string): string[] {
  const random = seededRandom(stableHash(text));
  const pieces: string[] = [];
  let index = 0;
  while (index < text.length) {
    const end = pieceEnd(text, index + 1 + Math.floor(random() * 7));
    pieces.push(text.slice(index, end));
    index = end;
  }
  return pieces;
}
