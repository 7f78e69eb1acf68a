import { compileExpression } from '../expressions/compile-expression.js';
import { visitExpression } from '../expressions/visit-expression.js';

/**
 * The environment variables an expression reads as `env.NAME` or `env["NAME"]`, sorted; a
 * computed key (`env[input.name]`) is not reported (the runtime rejects unlisted names anyway).
 *
 * @throws ExpressionError of kind `syntax` when the expression does not parse.
 */
export function referencedEnvironment(source: string): string[] {
  const names = new Set<string>();
  visitExpression(compileExpression(source).ast, (node, bound) => {
    if (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]') return;
    const [target, key] = node.args;
    if (target.op !== 'id' || target.args !== 'env' || bound.has('env')) return;
    if (typeof key === 'string') names.add(key);
    else if (key.op === 'value' && typeof key.args === 'string') names.add(key.args);
  });
  return [...names].sort();
}
