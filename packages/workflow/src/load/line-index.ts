import type { FileLocation } from './loaded-workflow.js';

/**
 * Turns UTF-16 indexes into one-based lines and code point columns (the way the expression
 * positions count, so a file column and an expression column mean the same thing).
 */
export function createLineIndex(text: string): (index: number) => FileLocation {
  const lineStarts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) === 0x0a) lineStarts.push(index + 1);
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
    return { line: low + 1, column: [...text.slice(lineStart, index)].length + 1 };
  };
}
