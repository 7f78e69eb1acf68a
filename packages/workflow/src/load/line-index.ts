import type { FileLocation } from './loaded-workflow.js';

/**
 * Turns UTF-16 indexes into one-based lines and code point columns (the way the expression
 * positions count, so a file column and an expression column mean the same thing).
 */
export function createLineIndex(text: string): (index: number) => FileLocation {
  const lineStarts = [0];
  // pairsBefore[i]: surrogate pairs completed before index i, so a column is one subtraction
  // rather than a walk over the line (a one-line file with thousands of nodes made that quadratic).
  const pairsBefore = new Uint32Array(text.length + 1);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x0a) lineStarts.push(index + 1);
    const previous = index > 0 ? text.charCodeAt(index - 1) : 0;
    const completesPair =
      code >= 0xdc00 && code <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff;
    pairsBefore[index + 1] = (pairsBefore[index] ?? 0) + (completesPair ? 1 : 0);
  }
  return (index) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((lineStarts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    const lineStart = lineStarts[low] ?? 0;
    const end = Math.min(Math.max(index, lineStart), text.length);
    // Only pairs completed before `end` count once; a high surrogate right before `end` counts
    // as one code point, as the spread of the slice did.
    const pairs = (pairsBefore[end] ?? 0) - (pairsBefore[lineStart] ?? 0);
    return { line: low + 1, column: end - lineStart - pairs + 1 };
  };
}
