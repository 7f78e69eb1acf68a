import { compileExpression } from './compile-expression.js';
import { ExpressionError } from './expression-error.js';

/**
 * Checks an expression without evaluating it: it must parse and call only supported functions.
 * Returns the problems found (today at most one, as the parser stops at the first), each with its
 * position when known; an empty array means the expression is well formed.
 *
 * @example
 * checkExpression('size(input.text) >'); // [ExpressionError: syntax error: unexpected token: EOF (line 1, column 19)]
 */
export function checkExpression(source: string): ExpressionError[] {
  try {
    compileExpression(source);
    return [];
  } catch (error) {
    if (error instanceof ExpressionError) return [error];
    throw error;
  }
}
