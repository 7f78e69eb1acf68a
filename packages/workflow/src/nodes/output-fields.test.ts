import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_TYPES } from './node-types.js';

const EXPRESSIONS_DOC = new URL('../../../../docs/expressions.md', import.meta.url);

/** The rows of the "What `nodes.<id>` holds" table: node types → backticked field names. */
function documentedFields(): Map<string, string[]> {
  const text = readFileSync(EXPRESSIONS_DOC, 'utf8');
  const section = text.slice(text.indexOf('### What `nodes.<id>` holds'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| node type |')));
  const rows = new Map<string, string[]>();
  for (const line of table.split('\n').filter((each) => each.startsWith('| `'))) {
    const [types = '', fields = ''] = line.split('|').slice(1, 3);
    const names = [...fields.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
    for (const type of types.matchAll(/`([^`]+)`/g)) rows.set(type[1] ?? '', names);
  }
  return rows;
}

describe('node output fields', () => {
  it('docs/expressions.md lists every node type with the fields the registry gives it', () => {
    const documented = documentedFields();
    for (const nodeType of NODE_TYPES) {
      expect(documented.has(nodeType.type), nodeType.type).toBe(true);
      if (nodeType.outputFields.length === 0) continue;
      expect(documented.get(nodeType.type), nodeType.type).toEqual(
        nodeType.outputFields.map((field) => field.name),
      );
    }
  });

  it('names each field once per node type, with a description', () => {
    for (const nodeType of NODE_TYPES) {
      const names = nodeType.outputFields.map((field) => field.name);
      expect(new Set(names).size, nodeType.type).toBe(names.length);
      for (const field of nodeType.outputFields) expect(field.description).not.toBe('');
    }
  });
});
