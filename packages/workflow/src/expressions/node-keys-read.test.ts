import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './evaluate-expression.js';
import { nodeKeysRead } from './node-keys-read.js';

describe('nodeKeysRead', () => {
  it('lists the fixed keys when nodes is only read through them', () => {
    expect(nodeKeysRead('nodes.a.text + nodes["b-c"].text')).toEqual(['a', 'b-c']);
    expect(nodeKeysRead('has(nodes.a) && nodes.b.n == 1')).toEqual(['a', 'b']);
    expect(nodeKeysRead('input.items.map(nodes, nodes.x)')).toEqual([]);
  });

  it('says the whole of nodes is read when it is enumerated, measured or indexed by a value', () => {
    expect(nodeKeysRead('nodes')).toBeUndefined();
    expect(nodeKeysRead('size(nodes) + nodes.a.n')).toBeUndefined();
    expect(nodeKeysRead('nodes[input.which]')).toBeUndefined();
    expect(nodeKeysRead('nodes.exists(id, id == "a")')).toBeUndefined();
    expect(nodeKeysRead('"a" in nodes')).toBeUndefined();
  });

  it('leaves results unchanged: absent keys stay absent, whole reads see every entry', () => {
    const scope = { nodes: { a: { n: 1 }, b: { n: 2 } }, input: { which: 'b' } };
    expect(evaluateExpression('nodes.a.n', scope)).toBe(1);
    expect(evaluateExpression('has(nodes.c)', scope)).toBe(false);
    expect(() => evaluateExpression('nodes.c', scope)).toThrow('no such key: c');
    expect(evaluateExpression('nodes[input.which].n', scope)).toBe(2);
    expect(evaluateExpression('size(nodes)', scope)).toBe(2);
  });
});
