import { compileExpression } from './compile-expression.js';
import { visitExpression } from './visit-expression.js';

/**
 * The top-level scope names an expression reads (`input`, `nodes`, `env`, `prompt_tokens` …),
 * sorted, without the variables that macros bind. Lets the validator reject unknown roots before
 * anything runs.
 *
 * @throws ExpressionError of kind `syntax` when the expression does not parse.
 * @example
 * referencedRoots('input.items.all(item, item.size() < env.MAX)'); // ['env', 'input']
 */
export function referencedRoots(source: string): string[] {
  const roots = new Set<string>();
  visitExpression(compileExpression(source).ast, (node, bound) => {
    if (node.op === 'id' && !bound.has(node.args)) roots.add(node.args);
  });
  return [...roots].sort();
}
