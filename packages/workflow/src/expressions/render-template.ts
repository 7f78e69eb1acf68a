import { evaluateToValue } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { templateParts } from './template-parts.js';
import type { ExpressionScope } from './to-expression-scope.js';
import { valueToText } from './value-to-text.js';

/**
 * Renders a template: literal text as is, each `{{ expression }}` replaced by its value as text
 * (see {@link valueToText} for the rules). Positions in errors are positions in the template.
 *
 * @throws ExpressionError with `source` set to the whole template.
 * @example
 * renderTemplate('Summarise in {{ input.words }} words:\n{{ input.text }}', {
 *   input: { words: 50, text: 'Long text…' },
 * }); // 'Summarise in 50 words:\nLong text…'
 */
export function renderTemplate(text: string, scope: ExpressionScope): string {
  let output = '';
  for (const part of templateParts(text)) {
    switch (part.type) {
      case 'text':
        output += part.text;
        break;
      case 'expression':
        try {
          output += valueToText(evaluateToValue(part.source, scope));
        } catch (error) {
          throw error instanceof ExpressionError
            ? inTemplate(error, text, part.sourceStart)
            : error;
        }
        break;
      default: {
        const unreachable: never = part;
        throw new TypeError(`unknown template part: ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return output;
}

/**
 * Re-anchors an error from a hole to the template: its position moves by the hole's offset and its
 * source becomes the whole template.
 */
export function inTemplate(
  error: ExpressionError,
  template: string,
  sourceStart: number,
): ExpressionError {
  const position =
    error.position === undefined
      ? undefined
      : positionAt(template, sourceStart + error.position.offset);
  return new ExpressionError({
    kind: error.kind,
    message: error.detail,
    source: template,
    position,
    cause: error.cause,
  });
}

function positionAt(text: string, offset: number) {
  let line = 1;
  let column = 1;
  let index = 0;
  for (const character of text) {
    if (index === offset) break;
    index += 1;
    if (character === '\n') {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
  }
  return { offset, line, column };
}
