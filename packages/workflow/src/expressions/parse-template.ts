import { ExpressionError } from './expression-error.js';
import { codePointOffset, sourcePosition } from './source-position.js';

/** Literal text of a template; escapes already applied (`\{{` became `{{`). */
export interface TemplateTextPart {
  type: 'text';
  text: string;
  /** Code point offset of the part's first character in the template. */
  start: number;
  /** Code point offset just past the part. */
  end: number;
}

/** One `{{ … }}` hole. */
export interface TemplateExpressionPart {
  type: 'expression';
  /** The CEL source between the braces, untrimmed. */
  source: string;
  /** Code point offset of the opening `{{`. */
  start: number;
  /** Code point offset just past the closing `}}`. */
  end: number;
  /** Code point offset of `source` (just past `{{`), to turn expression positions into template ones. */
  sourceStart: number;
}

/** A piece of a parsed template. */
export type TemplatePart = TemplateTextPart | TemplateExpressionPart;

const OPEN = '{{';
const CLOSE = '}}';

/**
 * Splits a template into literal text and `{{ expression }}` holes.
 *
 * Rules (the Python runtime's `parse_template` follows the same ones):
 * - `{{` opens a hole; the hole ends at the first `}}` that is not inside a CEL string literal
 *   (`"…"`, `'…'`, triple-quoted, raw `r"…"`, bytes `b"…"`) or a `//` comment, so
 *   `{{ "}}" + x }}` is one hole.
 * - `\{{` is a literal `{{` (the backslash is dropped); any other backslash is literal text, and a
 *   `}}` outside a hole is literal text.
 * - A hole with no closing `}}`, or with only whitespace inside, is a syntax error at its `{{`.
 *
 * @example
 * parseTemplate('Hi {{ input.name }}!');
 * // [{ type: 'text', text: 'Hi ', start: 0, end: 3 },
 * //  { type: 'expression', source: ' input.name ', start: 3, end: 19, sourceStart: 5 },
 * //  { type: 'text', text: '!', start: 19, end: 20 }]
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let literalStart = 0;
  let index = 0;

  const flushLiteral = (endIndex: number): void => {
    if (literal.length > 0) {
      parts.push({
        type: 'text',
        text: literal,
        start: codePointOffset(text, literalStart),
        end: codePointOffset(text, endIndex),
      });
    }
    literal = '';
    literalStart = endIndex;
  };

  while (index < text.length) {
    if (text[index] === '\\' && text.startsWith(OPEN, index + 1)) {
      literal += OPEN;
      index += 1 + OPEN.length;
      continue;
    }
    if (!text.startsWith(OPEN, index)) {
      literal += text[index];
      index += 1;
      continue;
    }
    flushLiteral(index);
    const sourceStartIndex = index + OPEN.length;
    const closeIndex = findHoleEnd(text, sourceStartIndex);
    if (closeIndex === -1) {
      throw new ExpressionError({
        kind: 'syntax',
        message: 'unterminated expression: "{{" has no matching "}}"',
        source: text,
        position: sourcePosition(text, index),
      });
    }
    const source = text.slice(sourceStartIndex, closeIndex);
    if (source.trim().length === 0) {
      throw new ExpressionError({
        kind: 'syntax',
        message: 'empty expression: "{{ }}" needs an expression inside',
        source: text,
        position: sourcePosition(text, index),
      });
    }
    const endIndex = closeIndex + CLOSE.length;
    parts.push({
      type: 'expression',
      source,
      start: codePointOffset(text, index),
      end: codePointOffset(text, endIndex),
      sourceStart: codePointOffset(text, sourceStartIndex),
    });
    index = endIndex;
    literalStart = index;
  }
  flushLiteral(text.length);
  return parts;
}

/**
 * Returns the index of the `}}` closing a hole whose source starts at `from`, or -1. Skips CEL
 * string literals and comments so braces inside them do not close the hole.
 */
function findHoleEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const character = text[index];
    if (character === '}' && text[index + 1] === '}') return index;
    if (character === '"' || character === "'") {
      index = skipStringLiteral(text, index, isRawPrefix(text, index, from));
      continue;
    }
    if (character === '/' && text[index + 1] === '/') {
      const newline = text.indexOf('\n', index);
      // A comment runs to the end of the line; without a newline it swallows the rest of the text,
      // so the hole is unterminated.
      if (newline === -1) return -1;
      index = newline + 1;
      continue;
    }
    index += 1;
  }
  return -1;
}

/** True when the quote at `quoteIndex` follows a CEL raw-string prefix (`r`, `R`, `rb`, `br` …). */
function isRawPrefix(text: string, quoteIndex: number, holeStart: number): boolean {
  let index = quoteIndex - 1;
  let raw = false;
  for (let letters = 0; letters < 2 && index >= holeStart; letters += 1, index -= 1) {
    const letter = text[index];
    if (letter === 'r' || letter === 'R') raw = true;
    else if (letter !== 'b' && letter !== 'B') break;
  }
  return raw;
}

/**
 * Returns the index just past the string literal opening at `quoteIndex`. An unterminated
 * single-line literal ends at the newline (the CEL parser reports it); an unterminated
 * triple-quoted one runs to the end of the text.
 */
function skipStringLiteral(text: string, quoteIndex: number, raw: boolean): number {
  const quote = text[quoteIndex] ?? '"';
  const triple = quote.repeat(3);
  const isTriple = text.startsWith(triple, quoteIndex);
  let index = quoteIndex + (isTriple ? 3 : 1);
  while (index < text.length) {
    const character = text[index];
    if (character === '\\' && !raw) {
      index += 2;
      continue;
    }
    if (isTriple) {
      if (text.startsWith(triple, index)) return index + 3;
    } else {
      if (character === quote) return index + 1;
      if (character === '\n') return index;
    }
    index += 1;
  }
  return text.length;
}
