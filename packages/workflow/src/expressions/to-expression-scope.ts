import type { JsonValue } from '@catalyst/spec';

/** The variables an expression can see: `input`, `nodes`, `env` and any others, as plain JSON. */
export type ExpressionScope = { readonly [name: string]: JsonValue | undefined };

/**
 * Converts JSON into the values the CEL library expects.
 *
 * The number rule, shared with Python: a JSON number with an integral value whose magnitude is at
 * most 2^53 − 1 is a CEL `int`; every other number is a `double`. JavaScript cannot tell `5` from
 * `5.0` after `JSON.parse`, so Python applies the same rule (its `5.0` becomes `int` too). Without
 * it `size(input.text) > input.limit` would mix int and double and fail.
 *
 * Objects become `Map`s: the library reads plain objects' type from their `constructor` property,
 * so data with a `constructor` key would break it, and with a `Map` a key named `__proto__` or
 * `toString` is data and nothing else — no prototype is ever reachable from an expression.
 */
export function toExpressionScope(scope: ExpressionScope): Record<string, unknown> {
  // The root has no prototype: the library looks roots up with `context[name]`, which on a plain
  // object would find `toString` or `constructor` from Object.prototype.
  const result: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(scope)) {
    if (value !== undefined)
      Object.defineProperty(result, name, { value: toCelValue(value), enumerable: true });
  }
  return result;
}

function toCelValue(value: JsonValue): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'object':
      if (Array.isArray(value)) return value.map(toCelValue);
      return new Map(Object.entries(value).map(([key, entry]) => [key, toCelValue(entry)]));
    default: {
      const unreachable: never = value;
      throw new TypeError(`not a JSON value: ${String(unreachable)}`);
    }
  }
}
