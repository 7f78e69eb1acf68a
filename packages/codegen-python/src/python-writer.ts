import type { JsonValue } from '@catalyst/spec';
import { PYTHON_BUILTINS, PYTHON_KEYWORDS } from './python-names.js';
import { textWidth } from './text-width.js';

// The one place where user text becomes Python source. Every user string — prompts, node ids,
// names, descriptions, model ids — goes through `pythonStringParts` (inside quotes) or
// `commentText` (inside a comment); names in code come from `Identifiers`. Nothing else pastes
// user text into generated code.

/** The line length of the generated project's ruff settings (pyproject.toml). */
export const LINE_WIDTH = 100;

const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

// Characters that are invisible, reorder text (bidi controls) or end a line for some tool: shown
// as escapes so a reader sees exactly what the string holds.
const ESCAPED_CLASSES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  if (code <= 0xffff) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

function isLoneSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

function mustEscape(char: string): boolean {
  if (isLoneSurrogate(char)) return true;
  if (char === ' ') return false;
  return ESCAPED_CLASSES.test(char) || /\p{Zs}/u.test(char);
}

/** The body of a Python string literal in `quote`s holding `text` exactly. */
export function escapePythonString(text: string, quote: '"' | "'" = '"'): string {
  let out = '';
  // for…of walks code points; a lone surrogate comes out on its own and is escaped.
  for (const char of text) {
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (mustEscape(char)) out += escapeCodePoint(char);
    else out += char;
  }
  return out;
}

/**
 * The quote ruff formats a literal holding `text` with: double, unless that needs more escapes
 * than single quotes would.
 */
function quoteFor(text: string): '"' | "'" {
  let double = 0;
  let single = 0;
  for (const char of text) {
    if (char === '"') double += 1;
    else if (char === "'") single += 1;
  }
  return double > single ? "'" : '"';
}

/** `text` as one Python string literal, quoted as ruff quotes it. */
export function pythonString(text: string): string {
  const quote = quoteFor(text);
  return `${quote}${escapePythonString(text, quote)}${quote}`;
}

/**
 * `text` as literals whose implicit concatenation is `text`, each at most `width` columns:
 * split after newlines and, in long lines, at spaces. Splits fall between code points, never
 * inside an escape; each literal is quoted on its own, as ruff quotes it.
 */
export function pythonStringParts(text: string, width: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let currentWidth = 2;
  const flush = () => {
    pieces.push(pythonString(current));
    current = '';
    currentWidth = 2;
  };
  const chars = [...text];
  for (let index = 0; index < chars.length; index += 1) {
    const char = chars[index] ?? '';
    // Measured as double-quoted: the quote ruff picks never needs more escapes.
    const escapedWidth = textWidth(escapePythonString(char));
    if (currentWidth + escapedWidth > width && current !== '') flush();
    current += char;
    currentWidth += escapedWidth;
    const next = chars[index + 1];
    const breakAfterSpace = char === ' ' && currentWidth > width * 0.75 && next !== ' ';
    if ((char === '\n' || breakAfterSpace) && index < chars.length - 1) flush();
  }
  if (current !== '' || pieces.length === 0) flush();
  return pieces;
}

/** `text` made safe for a `#` comment: one line, invisible characters shown as escapes. */
export function commentText(text: string): string {
  let out = '';
  for (const char of text) {
    if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (mustEscape(char)) out += escapeCodePoint(char);
    else out += char;
  }
  return out.trimEnd();
}

/**
 * `text` in lines of at most `width` characters, broken at spaces (leading spaces of the text
 * kept); a word longer than the width is cut.
 */
export function wrapWords(text: string, width: number): string[] {
  const indent = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let current = indent;
  for (const word of text.slice(indent.length).split(/ +/)) {
    let rest = word;
    while (rest.length > 0) {
      const separator = current.trim() === '' ? '' : ' ';
      if (textWidth(current) + separator.length + textWidth(rest) <= width) {
        current += separator + rest;
        rest = '';
      } else if (current.trim() !== '') {
        lines.push(current);
        current = indent;
      } else {
        const chars = [...rest];
        let room = 0;
        let used = textWidth(current);
        while (room < chars.length && used + textWidth(chars[room] ?? '') <= width) {
          used += textWidth(chars[room] ?? '');
          room += 1;
        }
        room = Math.max(1, room);
        lines.push(current + chars.slice(0, room).join(''));
        rest = chars.slice(room).join('');
      }
    }
  }
  if (current.trim() !== '' || lines.length === 0) lines.push(current);
  return lines;
}

/** A JSON number as the Python number `JSON.parse` and then Python would hold. */
export function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
  // Ruff writes exponents without a plus sign (`1e21`); JavaScript writes `1e+21`.
  const text = String(value).replace('e+', 'e');
  if (Number.isInteger(value) && Math.abs(value) <= MAX_SAFE_INTEGER) return text;
  // Beyond 2^53 a JavaScript number is a double: keep it a float in Python too.
  if (Number.isInteger(value) && !/[e.]/.test(text)) return `${text}.0`;
  return text;
}

/**
 * Unique, readable Python names for user names (node ids): ASCII snake case, never a keyword,
 * soft keyword, builtin or reserved name, never starting with a digit or an underscore,
 * at most 40 characters.
 */
export class Identifiers {
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#taken.add(name);
  }

  /** The name for `name`; each call returns a name not returned before. */
  take(name: string): string {
    let base = name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40)
      .replace(/_+$/, '');
    if (base === '') base = 'node';
    if (/^[0-9]/.test(base)) base = `node_${base}`;
    if (PYTHON_KEYWORDS.has(base) || PYTHON_BUILTINS.has(base)) base = `${base}_`;
    let candidate = base;
    for (let suffix = 2; this.#taken.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
    this.#taken.add(candidate);
    return candidate;
  }
}

/** Writes Python source line by line; owns indentation (four spaces). */
export class PythonWriter {
  readonly #lines: string[] = [];
  #depth = 0;

  /** Current indentation in columns. */
  get indentation(): number {
    return this.#depth * 4;
  }

  /** One line of generated code (never user text: that goes through the helpers above). */
  line(code = ''): this {
    this.#lines.push(code === '' ? '' : `${'    '.repeat(this.#depth)}${code}`);
    return this;
  }

  /** Several lines already laid out relative to the current indentation. */
  lines(codes: readonly string[]): this {
    for (const code of codes) this.line(code);
    return this;
  }

  /** `# text`, one comment line per line of `text`, each made safe and wrapped to the width. */
  comment(text = ''): this {
    for (const part of text.split('\n')) {
      const safe = commentText(part);
      if (safe === '') {
        this.line('#');
        continue;
      }
      for (const line of wrapWords(safe, LINE_WIDTH - this.indentation - 2)) this.line(`# ${line}`);
    }
    return this;
  }

  /** Runs `body` one level deeper. */
  indent(body: () => void): this {
    this.#depth += 1;
    try {
      body();
    } finally {
      this.#depth -= 1;
    }
    return this;
  }

  toString(): string {
    return `${this.#lines.join('\n').replace(/\n+$/, '')}\n`;
  }
}

/**
 * A JSON value as a Python expression, laid out for a line starting at column `column`:
 * on one line when it fits, else one item per line with trailing commas (as ruff formats).
 * `prefix` is what precedes the value on its first line (`"key": `, `config=`), `suffix` what
 * follows it (`,`). Returns the lines, relative to the indentation of the first.
 */
export function pythonValueLines(
  value: JsonValue,
  column: number,
  prefix = '',
  suffix = '',
): string[] {
  const inline = inlineValue(value);
  if (inline !== undefined && column + textWidth(prefix + inline + suffix) <= LINE_WIDTH) {
    return [`${prefix}${inline}${suffix}`];
  }
  if (typeof value === 'string') {
    // As ruff formats a string that does not fit after its prefix: one literal in parentheses
    // when it fits on a line of its own, else parts it would not join (they do not fit together).
    const literal = pythonString(value);
    if (column + 4 + textWidth(literal) <= LINE_WIDTH)
      return [`${prefix}(`, `    ${literal}`, `)${suffix}`];
    const parts = pythonStringParts(value, Math.max(24, LINE_WIDTH - column - 4));
    if (parts.length === 1) return [`${prefix}${parts[0]}${suffix}`];
    return [`${prefix}(`, ...parts.map((part) => `    ${part}`), `)${suffix}`];
  }
  if (Array.isArray(value)) {
    const inner = value.flatMap((item) => pythonValueLines(item, column + 4, '', ','));
    return [`${prefix}[`, ...inner.map((line) => `    ${line}`), `]${suffix}`];
  }
  if (value !== null && typeof value === 'object') {
    const inner: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const keyLiteral = pythonString(key);
      const keyParts =
        column + 4 + textWidth(`${keyLiteral}: `) <= LINE_WIDTH
          ? [keyLiteral]
          : pythonStringParts(key, Math.max(24, LINE_WIDTH - column - 8));
      if (keyParts.length === 1) {
        inner.push(...pythonValueLines(item as JsonValue, column + 4, `${keyParts[0]}: `, ','));
      } else {
        // A very long key: parenthesised implicit concatenation is a valid dict key.
        inner.push('(', ...keyParts.map((part) => `    ${part}`));
        inner.push(...pythonValueLines(item as JsonValue, column + 4, '): ', ','));
      }
    }
    return [`${prefix}{`, ...inner.map((line) => `    ${line}`), `}${suffix}`];
  }
  // Scalars always fit their own line.
  return [`${prefix}${inline ?? 'None'}${suffix}`];
}

function inlineValue(value: JsonValue): string | undefined {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) {
    const items = value.map(inlineValue);
    if (items.some((item) => item === undefined)) return undefined;
    return `[${items.join(', ')}]`;
  }
  const entries = Object.entries(value);
  const items: string[] = [];
  for (const [key, item] of entries) {
    const inline = inlineValue(item as JsonValue);
    if (inline === undefined) return undefined;
    items.push(`${pythonString(key)}: ${inline}`);
  }
  return `{${items.join(', ')}}`;
}
