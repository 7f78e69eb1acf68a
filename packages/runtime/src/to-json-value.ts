import type { JsonValue } from '@catalyst/spec';

/**
 * `value` as a JSON value, as `JSON.stringify` would write it: keys in the same order, `undefined`
 * properties left out. For plain data typed by an interface (a route decision, a point payload),
 * which TypeScript will not take as `JsonValue` by itself.
 *
 * @example
 * output.route = toJsonValue(decision);
 */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value))
    return value.map((item) => (item === undefined ? null : toJsonValue(item)));
  if (typeof value === 'object') {
    const object: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) object[key] = toJsonValue(item);
    }
    return object;
  }
  throw new TypeError(`a ${typeof value} is not JSON`);
}
