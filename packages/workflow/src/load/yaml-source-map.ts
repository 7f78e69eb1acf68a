import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { appendPointer } from './json-pointer.js';
import type { FileLocation } from './loaded-workflow.js';

/**
 * Maps every JSON Pointer in a parsed YAML document to its location, like `jsonSourceMap`: the
 * key of a mapping entry, the start of a sequence item or of the root.
 */
export function yamlSourceMap(
  root: Node | null,
  lineCounter: LineCounter,
): Map<string, FileLocation> {
  const locations = new Map<string, FileLocation>();
  const locationAt = (offset: number): FileLocation => {
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  const visit = (node: unknown, pointer: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = appendPointer(pointer, key);
        const range = isScalar(pair.key) ? pair.key.range : undefined;
        if (range) locations.set(child, locationAt(range[0]));
        visit(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = appendPointer(pointer, index);
        const range = isScalar(item) || isMap(item) || isSeq(item) ? item.range : undefined;
        if (range) locations.set(child, locationAt(range[0]));
        visit(item, child);
      });
    }
  };
  if (root?.range) locations.set('', locationAt(root.range[0]));
  visit(root, '');
  return locations;
}
