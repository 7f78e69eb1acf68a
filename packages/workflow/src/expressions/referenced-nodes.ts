import { compileExpression } from './compile-expression.js';
import { visitExpression } from './visit-expression.js';

/**
 * The workflow node ids an expression reads through `nodes.<id>` or `nodes["<id>"]`, sorted. A
 * computed key (`nodes[input.which]`) names no node and is not reported.
 *
 * @throws ExpressionError of kind `syntax` when the expression does not parse.
 * @example
 * referencedNodes('nodes.summarize.text + nodes["fetch-page"].title'); // ['fetch-page', 'summarize']
 */
export function referencedNodes(source: string): string[] {
  const ids = new Set<string>();
  visitExpression(compileExpression(source).ast, (node, bound) => {
    if (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]') return;
    const [target, key] = node.args;
    if (target.op !== 'id' || target.args !== 'nodes' || bound.has('nodes')) return;
    if (typeof key === 'string') ids.add(key);
    else if (key.op === 'value' && typeof key.args === 'string') ids.add(key.args);
  });
  return [...ids].sort();
}
