import type { JsonValue } from '@catalyst/spec';
import { runExpression } from './compile-expression.js';
import { ExpressionError } from './expression-error.js';
import type { ExpressionValue } from './expression-value.js';
import { fromCelValue } from './from-cel-value.js';
import { nodeKeysRead } from './node-keys-read.js';
import { stringAtPlainPath } from './plain-path.js';
import { type ExpressionScope, toExpressionScope } from './to-expression-scope.js';

/**
 * Evaluates one CEL expression against a JSON scope and returns the result as JSON.
 *
 * Ints come back as numbers; an int beyond ±(2^53 − 1), which a JSON number cannot hold exactly,
 * is an evaluation error. Bytes come back as base64 strings. Timestamps, durations and type values
 * cannot be results.
 *
 * @throws ExpressionError `syntax` when the expression does not parse, `evaluation` when it fails.
 * @example
 * evaluateExpression('size(input.text) > 1000', { input: { text: 'short' } }); // false
 * evaluateExpression('env.USE_FAST == "true"', { env: { USE_FAST: 'true' } }); // true
 */
export function evaluateExpression(source: string, scope: ExpressionScope): JsonValue {
  return toJson(evaluateToValue(source, scope), source);
}

/**
 * Evaluates an expression and returns its value with CEL's int/double distinction intact (ints as
 * `bigint`); what {@link renderTemplate} formats.
 */
export function evaluateToValue(source: string, scope: ExpressionScope): ExpressionValue {
  // The usual hole (`input.question`, `nodes.answer.text`) reads one string: read it without
  // converting the scope (compiled first, so a syntax error is still reported); anything else,
  // or a path that does not lead to a string, is CEL's to answer.
  const text = stringAtPlainPath(source, scope);
  if (text !== undefined) return text;
  // Only the node outputs the expression can reach are converted (compiling first, so a syntax
  // error is reported as before).
  const context = toExpressionScope(scope, { nodeKeys: nodeKeysRead(source) });
  const result = fromCelValue(runExpression(source, context));
  if (!result.supported) {
    throw new ExpressionError({
      kind: 'evaluation',
      message: `unsupported result type: ${typeNameOf(result.typeName)}`,
      source,
    });
  }
  return result.value;
}

function typeNameOf(libraryName: string): string {
  switch (libraryName) {
    case 'Date':
      return 'timestamp';
    case 'Duration':
      return 'duration';
    case 'Type':
      return 'type';
    default:
      return libraryName;
  }
}

function toJson(value: ExpressionValue, source: string): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      // JSON has no infinity or NaN; JSON.stringify would silently turn them into null.
      if (!Number.isFinite(value)) {
        throw new ExpressionError({
          kind: 'evaluation',
          message: `double out of JSON range: ${Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf'} (results must be finite numbers)`,
          source,
        });
      }
      return value;
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ExpressionError({
          kind: 'evaluation',
          message: `integer out of JSON range: ${value} (results must be within ±9007199254740991)`,
          source,
        });
      }
      return Number(value);
    case 'object':
      break;
    default: {
      const unreachable: never = value;
      throw new TypeError(`not an expression value: ${String(unreachable)}`);
    }
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((element) => toJson(element, source));
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, toJson(entry, source)]),
  );
}
