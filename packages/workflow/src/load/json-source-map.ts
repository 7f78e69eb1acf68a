import { appendPointer } from './json-pointer.js';
import { createLineIndex } from './line-index.js';
import type { FileLocation } from './loaded-workflow.js';

/**
 * Maps every JSON Pointer in a JSON text to its location: the key of an object member, the start
 * of an array item or of the root. The text must already have passed `JSON.parse`, which stays
 * the authority on validity; this scanner only records where things are.
 */
export function jsonSourceMap(
  text: string,
  options: {
    /** Called for every key that repeats an earlier key of the same object (JSON.parse keeps the last). */
    onDuplicateKey?: (pointer: string, location: FileLocation) => void;
  } = {},
): Map<string, FileLocation> {
  const locations = new Map<string, FileLocation>();
  const locationAt = createLineIndex(text);
  let index = 0;

  const skipWhitespace = (): void => {
    while (index < text.length && /\s/.test(text[index] ?? '')) index += 1;
  };
  const readString = (): string => {
    const start = index;
    index += 1;
    while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    index += 1;
    return JSON.parse(text.slice(start, index)) as string;
  };
  const readValue = (pointer: string): void => {
    skipWhitespace();
    if (!locations.has(pointer)) locations.set(pointer, locationAt(index));
    const character = text[index];
    if (character === '{') {
      index += 1;
      skipWhitespace();
      const seen = new Set<string>();
      while (text[index] !== '}' && index < text.length) {
        const keyIndex = index;
        const key = readString();
        const child = appendPointer(pointer, key);
        if (seen.has(key)) options.onDuplicateKey?.(child, locationAt(keyIndex));
        seen.add(key);
        locations.set(child, locationAt(keyIndex));
        skipWhitespace();
        index += 1; // ':'
        readValue(child);
        skipWhitespace();
        if (text[index] === ',') index += 1;
        skipWhitespace();
      }
      index += 1;
    } else if (character === '[') {
      index += 1;
      skipWhitespace();
      let item = 0;
      while (text[index] !== ']' && index < text.length) {
        readValue(appendPointer(pointer, item));
        item += 1;
        skipWhitespace();
        if (text[index] === ',') index += 1;
        skipWhitespace();
      }
      index += 1;
    } else if (character === '"') {
      readString();
    } else {
      while (index < text.length && !/[\s,\]}]/.test(text[index] ?? '')) index += 1;
    }
  };

  readValue('');
  return locations;
}
