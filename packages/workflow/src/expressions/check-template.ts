import { checkExpression } from './check-expression.js';
import { ExpressionError } from './expression-error.js';
import { parseTemplate } from './parse-template.js';
import { inTemplate } from './render-template.js';

/**
 * Checks a template without rendering it: its holes must be terminated and each expression must
 * pass {@link checkExpression}. Positions are positions in the template.
 *
 * @example
 * checkTemplate('Hello {{ input.name'); // [ExpressionError: unterminated expression … (line 1, column 7)]
 */
export function checkTemplate(text: string): ExpressionError[] {
  let parts: ReturnType<typeof parseTemplate>;
  try {
    parts = parseTemplate(text);
  } catch (error) {
    if (error instanceof ExpressionError) return [error];
    throw error;
  }
  const errors: ExpressionError[] = [];
  for (const part of parts) {
    if (part.type !== 'expression') continue;
    for (const error of checkExpression(part.source)) {
      errors.push(inTemplate(error, text, part.sourceStart));
    }
  }
  return errors;
}
