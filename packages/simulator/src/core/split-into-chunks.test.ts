import { describe, expect, it } from 'vitest';
import { splitAtArbitraryPositions, splitIntoChunks } from './split-into-chunks.js';

/** True when `piece` holds half a surrogate pair (what a cut character looks like in UTF-16). */
function hasLoneSurrogate(piece: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(piece);
}

describe('splitIntoChunks', () => {
  it('cuts long words in 4-character pieces that join back to the text', () => {
    expect(splitIntoChunks('Hello extraordinarily')).toEqual([
      'Hello',
      ' ext',
      'raor',
      'dina',
      'rily',
    ]);
  });

  it('never cuts a character outside the Basic Multilingual Plane in two', () => {
    // Found by schemathesis: an echoed question of emoji and astral characters came back as
    // lone surrogates in separate chunks, and the Python runtime failed on the joined text.
    const text = 'ab𝄞𝄞cd😀😀😀x 𝄞𝄞𝄞𝄞𝄞';
    const chunks = splitIntoChunks(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks.filter(hasLoneSurrogate)).toEqual([]);
  });
});

describe('splitAtArbitraryPositions', () => {
  it('splits anywhere but inside a character, and joins back to the text', () => {
    const text = `{"echo":"${'😀a𝄞'.repeat(40)}"}`;
    const pieces = splitAtArbitraryPositions(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.filter(hasLoneSurrogate)).toEqual([]);
  });
});
