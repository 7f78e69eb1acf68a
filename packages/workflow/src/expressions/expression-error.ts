import type { SourcePosition } from './source-position.js';

/**
 * `syntax`: the expression (or template) cannot be parsed, or calls a function outside the
 * supported list — found before any value is looked at. `evaluation`: it parsed, but evaluating it
 * against a scope failed (missing key, division by zero, wrong operand types …).
 */
export type ExpressionErrorKind = 'syntax' | 'evaluation';

/** Options for {@link ExpressionError}. */
export interface ExpressionErrorOptions {
  kind: ExpressionErrorKind;
  /** The message without position, e.g. `no such key: foo`. */
  message: string;
  /** The expression (or whole template) the error is about. */
  source: string;
  /** Where in `source` the problem is, when the library reports it. */
  position?: SourcePosition;
  cause?: unknown;
}

/**
 * The one error type expressions throw. The message names the problem and, for syntax errors, the
 * line and column; the runtime prefixes the node id and field it came from.
 *
 * @example
 * try {
 *   evaluateExpression('input.foo', { input: {} });
 * } catch (error) {
 *   if (error instanceof ExpressionError) console.log(error.kind, error.message); // evaluation, no such key: foo
 * }
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly kind: ExpressionErrorKind;
  readonly source: string;
  readonly position: SourcePosition | undefined;
  /** The message without the position suffix, identical in both runtimes. */
  readonly detail: string;

  constructor(options: ExpressionErrorOptions) {
    const where =
      options.position === undefined
        ? ''
        : ` (line ${options.position.line}, column ${options.position.column})`;
    super(`${options.message}${where}`, { cause: options.cause });
    this.kind = options.kind;
    this.source = options.source;
    this.position = options.position;
    this.detail = options.message;
  }
}
