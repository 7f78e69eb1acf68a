import {
  type ASTNode,
  Environment,
  EvaluationError,
  ParseError,
  type ParseResult,
} from '@marcbachmann/cel-js';
import { ExpressionError } from './expression-error.js';
import { sourcePosition } from './source-position.js';
import { SUPPORTED_FUNCTIONS } from './supported-functions.js';
import { visitExpression } from './visit-expression.js';

/** Longest expression accepted, in code points; the same limit applies in Python. */
export const MAX_EXPRESSION_LENGTH = 4096;

const supported = new Set(SUPPORTED_FUNCTIONS);

/**
 * One shared environment: building one is expensive, and nothing is registered per call.
 * - `unlistedVariablesAreDyn`: scope roots (`input`, `nodes`, `env` …) are plain JSON of any shape.
 * - `homogeneousAggregateLiterals: false`: `[1, "a"]` is allowed, as in the Python library.
 * - The list and map limits are raised because the Python library has none below these.
 */
const environment = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: { maxListElements: 100_000, maxMapEntries: 100_000, maxAstNodes: 100_000 },
})
  // Normalisation: the CEL spec (and the Python library) say 1 == 1.0 is true; this library
  // rejects int == double between literals (it allows it for values from the scope), so the
  // mixed-type equality overload is registered explicitly (the library derives `!=` and the
  // mirrored `double == int` from it).
  .registerOperator('int == double', (left: bigint, right: number) => Number(left) === right);

const cache = new Map<string, ParseResult>();
const CACHE_LIMIT = 1000;

/**
 * Parses `source` (cached) and rejects functions outside {@link SUPPORTED_FUNCTIONS}.
 *
 * @throws ExpressionError of kind `syntax`.
 */
export function compileExpression(source: string): ParseResult {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const length = [...source].length;
  if (length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError({
      kind: 'syntax',
      message: `expression is too long: ${length} characters (the limit is ${MAX_EXPRESSION_LENGTH})`,
      source,
    });
  }
  if (source.trim().length === 0) {
    throw new ExpressionError({ kind: 'syntax', message: 'empty expression', source });
  }
  let parsed: ParseResult;
  try {
    parsed = environment.parse(source);
  } catch (error) {
    throw toExpressionError(error, source, 'syntax');
  }
  visitExpression(parsed.ast, (node) => {
    const name = calledFunction(node);
    if (name !== undefined && !supported.has(name)) {
      throw new ExpressionError({
        kind: 'syntax',
        message: `unknown function: ${name}`,
        source,
        position: callPosition(source, name),
      });
    }
  });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, parsed);
  return parsed;
}

/** Evaluates a compiled expression, turning library failures into {@link ExpressionError}. */
export function runExpression(source: string, context: Record<string, unknown>): unknown {
  const compiled = compileExpression(source);
  try {
    return compiled(context);
  } catch (error) {
    throw toExpressionError(error, source, 'evaluation');
  }
}

/**
 * Where `name(` first appears in the text. The Python library does not report where a function is
 * called, so both runtimes use this same textual rule to give identical positions.
 */
function callPosition(source: string, name: string) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?<![A-Za-z0-9_$])${escaped}\\s*\\(`).exec(source);
  return match === null ? undefined : sourcePosition(source, match.index);
}

function calledFunction(node: ASTNode): string | undefined {
  switch (node.op) {
    case 'call':
      return node.args[0];
    case 'rcall':
      return node.args[0];
    default:
      return undefined;
  }
}

/**
 * Maps the library's errors onto the messages both runtimes share (the Python wrapper maps its
 * library's errors onto the same ones), so `messageContains` in the vectors holds in both.
 */
function toExpressionError(
  error: unknown,
  source: string,
  fallbackKind: 'syntax' | 'evaluation',
): ExpressionError {
  if (error instanceof ExpressionError) return error;
  if (error instanceof ParseError) {
    return new ExpressionError({
      kind: 'syntax',
      message: `syntax error: ${lowerFirst(error.summary)}`,
      source,
      position: error.range === undefined ? undefined : sourcePosition(source, error.range.start),
      cause: error,
    });
  }
  if (error instanceof EvaluationError) {
    return new ExpressionError({
      kind: 'evaluation',
      message: evaluationMessage(error.code, error.summary),
      source,
      cause: error,
    });
  }
  if (error instanceof RangeError) {
    // The recursive-descent parser and evaluator overflow the stack on extreme nesting.
    return new ExpressionError({
      kind: fallbackKind,
      message: 'expression is too deeply nested',
      source,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ExpressionError({
    kind: fallbackKind,
    message: lowerFirst(message ?? ''),
    source,
    cause: error,
  });
}

function evaluationMessage(code: string, summary: string): string {
  switch (code) {
    case 'no_such_key':
      return `no such key: ${summary.replace(/^No such key: /, '')}`;
    case 'index_out_of_bounds':
      return `index out of bounds: ${summary.replace(/^No such key: index out of bounds, /, '')}`;
    case 'unknown_variable':
      return `unknown variable: ${summary.replace(/^Unknown variable: /, '')}`;
    case 'no_such_overload':
    case 'no_matching_overload':
      return `no such overload: ${summary.replace(/^(no such overload|found no matching overload for):? /, '')}`;
    case 'invalid_regular_expression':
      return `invalid regular expression: ${summary.replace(/^Invalid regular expression: /, '')}`;
    default:
      if (/overflow/i.test(summary)) return 'integer overflow';
      return lowerFirst(summary);
  }
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]?.toLowerCase() + text.slice(1);
}
