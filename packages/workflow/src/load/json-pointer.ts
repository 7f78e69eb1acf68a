/**
 * Appends one key or index to a JSON Pointer (RFC 6901), escaping `~` and `/`.
 *
 * @example
 * appendPointer('/nodes/0/config', 'a/b'); // '/nodes/0/config/a~1b'
 */
export function appendPointer(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** The pointer one level up, or undefined for the root (`''`). */
export function parentPointer(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  return pointer.slice(0, pointer.lastIndexOf('/'));
}
