import type { JsonValue } from '@catalyst/spec';
import { compileExpression } from './compile-expression.js';
import type { ExpressionScope } from './to-expression-scope.js';

/** One step of a plain path: a field of a map, or an index into a list. */
type PathStep = { field: string } | { index: number };

/** A plain path: a scope root and the steps below it (`nodes.answer.text`, `input.items[0]`). */
interface PlainPath {
  root: string;
  steps: readonly PathStep[];
}

// The same grammar as the Python runtime's `_path_value` (catalyst_runtime/workflow/expressions.py):
// identifiers, `.field`, `[digits]` and `["key"]` without escapes, whitespace between them.
const ROOT = /^\s*([A-Za-z_][A-Za-z0-9_]*)/;
const STEP = /\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(\d+)\s*\]|\[\s*"([^"\\]*)"\s*\])/y;

const cache = new Map<string, PlainPath | null>();
const CACHE_LIMIT = 1000;

/**
 * The string a plain-path expression (`input.question`, `nodes.answer.text`, `input.items[0]`,
 * `nodes["fetch-page"].text`) reads from `scope`, taken straight from the JSON; `undefined` when
 * the expression is not a plain path or does not lead to a string, and the expression must be
 * evaluated by CEL.
 *
 * Why: converting the scope into CEL values costs more than the rest of rendering a prompt, and
 * the usual hole reads one string. The answer is the one CEL gives: a path that exists reads the
 * very value CEL would read (a string converts to itself), and anything else — a missing key, an
 * index out of range, a number (CEL's int/double formatting), a map or list — goes to CEL, with
 * its result or its error. The expression is compiled first, so a syntax error (a reserved word as
 * a field, `[01]`) is reported as before. The Python runtime takes the same shortcut, for strings
 * only, with the same grammar.
 *
 * @throws ExpressionError of kind `syntax` when the expression does not parse.
 * @example
 * stringAtPlainPath('nodes.answer.text', { nodes: { answer: { text: 'Hi' } } }); // 'Hi'
 * stringAtPlainPath('size(input.text)', { input: { text: 'Hi' } }); // undefined
 */
export function stringAtPlainPath(source: string, scope: ExpressionScope): string | undefined {
  const path = plainPath(source);
  if (path === null || !Object.hasOwn(scope, path.root)) return undefined;
  let value: JsonValue | undefined = scope[path.root];
  for (const step of path.steps) {
    if (value === null || typeof value !== 'object') return undefined;
    if ('index' in step) {
      if (!Array.isArray(value) || step.index >= value.length) return undefined;
      value = value[step.index];
    } else {
      // Own keys only, as CEL sees them (its maps are built from the object's own entries); one
      // descriptor read serves both the check and the value, also for the lazy `nodes` scope.
      if (Array.isArray(value)) return undefined;
      value = Object.getOwnPropertyDescriptor(value, step.field)?.value as JsonValue | undefined;
    }
  }
  return typeof value === 'string' ? value : undefined;
}

/** The expression as a plain path, or null; remembered by source (only sources that compile). */
function plainPath(source: string): PlainPath | null {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  compileExpression(source);
  const path = toPlainPath(source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, path);
  return path;
}

function toPlainPath(source: string): PlainPath | null {
  const root = ROOT.exec(source);
  if (root === null) return null;
  const steps: PathStep[] = [];
  const end = source.trimEnd().length;
  let position = root[0].length;
  while (position < end) {
    STEP.lastIndex = position;
    const step = STEP.exec(source);
    if (step === null) return null;
    const [, name, index, key] = step;
    if (index !== undefined) steps.push({ index: Number(index) });
    else steps.push({ field: (name ?? key) as string });
    position = STEP.lastIndex;
  }
  return { root: root[1] as string, steps };
}
