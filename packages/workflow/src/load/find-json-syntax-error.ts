/** Where a JSON text first breaks the grammar, and how. */
export interface JsonSyntaxError {
  /** UTF-16 index of the offending character (the text's length when it ended early). */
  index: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Finds the first syntax error in a JSON text (RFC 8259), or undefined when it is valid. Used to
 * locate errors because `JSON.parse` names a position for only some of them on Node 20.
 *
 * @example
 * findJsonSyntaxError('{"a": 1,}'); // { index: 8, message: 'expected a property name in double quotes, found "}"' }
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let index = 0;
  const found = (): string =>
    index >= text.length ? 'the end of the file' : JSON.stringify(text[index]);
  const fail = (expected: string): never => {
    throw new Stop(index, `expected ${expected}, found ${found()}`);
  };
  const skipWhitespace = (): void => {
    while (
      text[index] === ' ' ||
      text[index] === '\t' ||
      text[index] === '\n' ||
      text[index] === '\r'
    )
      index += 1;
  };
  const readString = (): void => {
    index += 1;
    for (;;) {
      const character = text[index];
      if (character === undefined) {
        fail('a closing quote');
        return;
      }
      if (character === '"') break;
      if (character === '\\') {
        const escaped = text[index + 1] ?? '';
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
            index += 2;
            fail('four hex digits after \\u');
          }
          index += 6;
          continue;
        }
        if (!ESCAPES.has(escaped)) {
          index += 1;
          fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
        index += 2;
        continue;
      }
      if ((character.codePointAt(0) ?? 0) < 0x20)
        fail('no line break or control character inside a string (use \\n)');
      index += 1;
    }
    index += 1;
  };
  const readValue = (): void => {
    skipWhitespace();
    const character = text[index];
    if (character === '{') {
      index += 1;
      skipWhitespace();
      if (text[index] === '}') {
        index += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[index] !== '"') fail('a property name in double quotes');
        readString();
        skipWhitespace();
        if (text[index] !== ':') fail('":" after the property name');
        index += 1;
        readValue();
        skipWhitespace();
        if (text[index] === ',') {
          index += 1;
          continue;
        }
        if (text[index] === '}') {
          index += 1;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (character === '[') {
      index += 1;
      skipWhitespace();
      if (text[index] === ']') {
        index += 1;
        return;
      }
      for (;;) {
        readValue();
        skipWhitespace();
        if (text[index] === ',') {
          index += 1;
          continue;
        }
        if (text[index] === ']') {
          index += 1;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (character === '"') {
      readString();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, index)) {
        index += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = index;
    const number = NUMBER.exec(text);
    if (number) {
      index += number[0].length;
      return;
    }
    fail('a value');
  };
  try {
    readValue();
    skipWhitespace();
    if (index < text.length) fail('the end of the file');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { index: error.index, message: error.message };
    throw error;
  }
}
