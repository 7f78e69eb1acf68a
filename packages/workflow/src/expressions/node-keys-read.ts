import type { ParseResult } from '@marcbachmann/cel-js';
import { compileExpression } from './compile-expression.js';
import { visitExpression } from './visit-expression.js';

const cache = new WeakMap<ParseResult, readonly string[] | undefined>();

/**
 * The node ids an expression reads when it reads `nodes` only through fixed keys
 * (`nodes.summarize`, `nodes["fetch-page"]`, `has(nodes.a)`); `undefined` when it reads `nodes`
 * any other way (`nodes[input.which]`, `size(nodes)`, `nodes.exists(…)`, `{{ nodes }}`), which can
 * see every entry and their order. Lets evaluation convert only the outputs an expression can
 * reach: on a long chain every node's scope holds every earlier output.
 *
 * @throws ExpressionError of kind `syntax` when the expression does not parse.
 * @example
 * nodeKeysRead('nodes.a.text + nodes["b"].text'); // ['a', 'b']
 * nodeKeysRead('size(nodes)'); // undefined
 */
export function nodeKeysRead(source: string): readonly string[] | undefined {
  const compiled = compileExpression(source);
  if (cache.has(compiled)) return cache.get(compiled);
  const keys = new Set<string>();
  let roots = 0;
  let fixedReads = 0;
  visitExpression(compiled.ast, (node, bound) => {
    if (bound.has('nodes')) return;
    if (node.op === 'id' && node.args === 'nodes') roots += 1;
    if (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]') return;
    const [target, key] = node.args;
    if (target.op !== 'id' || target.args !== 'nodes') return;
    if (typeof key === 'string') keys.add(key);
    else if (key.op === 'value' && typeof key.args === 'string') keys.add(key.args);
    else return;
    fixedReads += 1;
  });
  // Every mention of `nodes` must be the target of a fixed-key read; any other is a whole read.
  const result = roots === fixedReads ? [...keys] : undefined;
  cache.set(compiled, result);
  return result;
}
