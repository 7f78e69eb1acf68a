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
export function toExpressionScope(
  scope: ExpressionScope,
  options: ToExpressionScopeOptions = {},
): Record<string, unknown> {
  // The root has no prototype: the library looks roots up with `context[name]`, which on a plain
  // object would find `toString` or `constructor` from Object.prototype.
  const result: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(scope)) {
    if (value === undefined) continue;
    const converted =
      name === 'nodes' && options.nodeKeys !== undefined && isObject(value)
        ? selectedEntries(value, options.nodeKeys)
        : toCelValue(value);
    Object.defineProperty(result, name, { value: converted, enumerable: true });
  }
  return result;
}

/** Options for {@link toExpressionScope}. */
export interface ToExpressionScopeOptions {
  /**
   * The only `nodes` entries the expression can read (see `nodeKeysRead`); the others are not
   * converted, and the scope's `nodes` is never enumerated. All of them when undefined.
   */
  nodeKeys?: readonly string[] | undefined;
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of `value` under `keys` that it has, as a CEL map (an absent key stays absent). */
function selectedEntries(value: { [key: string]: JsonValue }, keys: readonly string[]) {
  const entries = new Map<string, unknown>();
  for (const key of keys) {
    if (!Object.hasOwn(value, key)) continue;
    entries.set(key, toCelValue(value[key] as JsonValue));
  }
  return entries;
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
