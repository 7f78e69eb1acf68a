import { describe, expect, it } from 'vitest';
import { createLineIndex } from './line-index.js';

describe('createLineIndex', () => {
  it('counts columns in code points, lines from one', () => {
    const text = 'ab\n😀x😀y\nz';
    const locate = createLineIndex(text);
    expect(locate(0)).toEqual({ line: 1, column: 1 });
    expect(locate(3)).toEqual({ line: 2, column: 1 });
    expect(locate(5)).toEqual({ line: 2, column: 2 }); // the x after one emoji (two UTF-16 units)
    expect(locate(8)).toEqual({ line: 2, column: 4 }); // the y
    expect(locate(10)).toEqual({ line: 3, column: 1 });
    for (let index = 0; index <= text.length; index += 1) {
      const lineStart = text.lastIndexOf('\n', index - 1) + 1;
      expect(locate(index).column).toBe([...text.slice(lineStart, index)].length + 1);
    }
  });

  it('locates on a one-line file in time that does not grow with the line', () => {
    const text = `[${'"😀abc",'.repeat(200_000)}0]`;
    const locate = createLineIndex(text);
    const started = performance.now();
    for (let index = 0; index < text.length; index += 997) locate(index);
    // Walking the line per lookup (the old way) takes minutes here; one subtraction takes ms.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
