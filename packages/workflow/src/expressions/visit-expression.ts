import type { ASTNode } from '@marcbachmann/cel-js';

/** Names bound by the enclosing comprehension macros (`x` in `list.all(x, x > 0)`). */
export type BoundNames = ReadonlySet<string>;

/** Macros whose first argument names a variable bound inside the other arguments. */
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * Calls `visitor` on every node of a parsed expression, depth first, with the names bound by
 * enclosing comprehension macros at that node.
 */
export function visitExpression(
  node: ASTNode,
  visitor: (node: ASTNode, bound: BoundNames) => void,
  bound: BoundNames = new Set(),
): void {
  visitor(node, bound);
  const visit = (child: ASTNode, names: BoundNames = bound): void =>
    visitExpression(child, visitor, names);
  switch (node.op) {
    case 'value':
    case 'id':
      return;
    case '.':
    case '.?':
      visit(node.args[0]);
      return;
    case 'call':
      for (const argument of node.args[1]) visit(argument);
      return;
    case 'rcall': {
      const [name, receiver, argumentList] = node.args;
      visit(receiver);
      const [variable, ...rest] = argumentList;
      if (COMPREHENSIONS.has(name) && variable?.op === 'id') {
        const inner = new Set(bound).add(variable.args);
        for (const argument of rest) visit(argument, inner);
        return;
      }
      for (const argument of argumentList) visit(argument);
      return;
    }
    case 'list':
      for (const element of node.args) visit(element);
      return;
    case 'map':
      for (const [key, value] of node.args) {
        visit(key);
        visit(value);
      }
      return;
    case '?:':
      for (const child of node.args) visit(child);
      return;
    case '!_':
    case '-_':
      visit(node.args);
      return;
    case '[]':
    case '[?]':
    case '||':
    case '&&':
    case '!=':
    case '==':
    case 'in':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '<':
    case '<=':
    case '>':
    case '>=':
      visit(node.args[0]);
      visit(node.args[1]);
      return;
    default: {
      const unreachable: never = node;
      throw new Error(`unknown expression node: ${JSON.stringify(unreachable)}`);
    }
  }
}
