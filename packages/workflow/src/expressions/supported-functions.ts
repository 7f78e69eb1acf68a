/**
 * Every function and macro an expression may call. Both runtimes reject any other name when the
 * expression is checked, so an expression that works in TypeScript cannot fail in Python (or the
 * other way round) because one library ships an extra function. Keep in sync with
 * `SUPPORTED_FUNCTIONS` in `python/catalyst_runtime/workflow/expressions.py` and `docs/expressions.md`.
 */
export const SUPPORTED_FUNCTIONS: readonly string[] = [
  // Size of a string (in code points), list, map or bytes: `size(x)` or `x.size()`.
  'size',
  // String predicates, called as methods: `s.contains("a")`.
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  // Conversions.
  'int',
  'uint',
  'double',
  'string',
  'dyn',
  // Macros.
  'has',
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
];
