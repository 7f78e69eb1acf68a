/**
 * Where something sits in a piece of source text. Every number counts Unicode code points (not
 * UTF-16 code units), so the Python runtime, whose strings index by code point, reports the same
 * numbers for the same text.
 */
export interface SourcePosition {
  /** Zero-based code point offset from the start of the text. */
  offset: number;
  /** One-based line number; lines end at `\n`. */
  line: number;
  /** One-based column, in code points from the start of the line. */
  column: number;
}

/**
 * Converts a UTF-16 index (what JavaScript string methods return) into a {@link SourcePosition}.
 *
 * @example
 * sourcePosition('a\n😀b', 4); // { offset: 3, line: 2, column: 2 }
 */
export function sourcePosition(text: string, codeUnitIndex: number): SourcePosition {
  let offset = 0;
  let line = 1;
  let column = 1;
  let index = 0;
  const end = Math.min(Math.max(codeUnitIndex, 0), text.length);
  while (index < end) {
    const codePoint = text.codePointAt(index) ?? 0;
    index += codePoint > 0xffff ? 2 : 1;
    offset += 1;
    if (codePoint === 0x0a) {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
  }
  return { offset, line, column };
}

/**
 * Counts the code points in `text[0, codeUnitIndex)`: the code point offset of a UTF-16 index.
 */
export function codePointOffset(text: string, codeUnitIndex: number): number {
  return sourcePosition(text, codeUnitIndex).offset;
}
