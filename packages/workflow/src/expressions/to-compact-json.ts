import type { ExpressionValue } from './expression-value.js';
import { formatDouble } from './format-double.js';

/**
 * Serialises a value as compact JSON (no spaces) with map keys sorted by Unicode code point, so
 * both runtimes print the same bytes whatever order their libraries keep. Ints print exactly,
 * doubles as {@link formatDouble} (non-finite doubles as `null`, as JSON has no NaN), bytes as a
 * base64 string.
 */
export function toCompactJson(value: ExpressionValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? formatDouble(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default: {
      const unreachable: never = value;
      throw new TypeError(`not an expression value: ${String(unreachable)}`);
    }
  }
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(toCompactJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((key) => `${JSON.stringify(key)}:${toCompactJson(value[key] ?? null)}`).join(',')}}`;
}

/** Orders strings by Unicode code point (JavaScript's default sort compares UTF-16 units). */
export function compareCodePoints(left: string, right: string): number {
  const leftPoints = [...left];
  const rightPoints = [...right];
  const length = Math.min(leftPoints.length, rightPoints.length);
  for (let index = 0; index < length; index += 1) {
    const difference =
      (leftPoints[index]?.codePointAt(0) ?? 0) - (rightPoints[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return leftPoints.length - rightPoints.length;
}
