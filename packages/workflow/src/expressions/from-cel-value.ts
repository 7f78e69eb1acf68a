import type { ExpressionValue } from './expression-value.js';

/** The outcome of {@link fromCelValue}. */
export type FromCelValueResult =
  | { supported: true; value: ExpressionValue }
  | { supported: false; typeName: string };

/**
 * Converts what the CEL library returned into an {@link ExpressionValue}, or names the
 * unsupported type (a timestamp, a type value …) so the caller can raise an error.
 */
export function fromCelValue(value: unknown): FromCelValueResult {
  try {
    return { supported: true, value: convert(value) };
  } catch (error) {
    if (error instanceof UnsupportedValue) return { supported: false, typeName: error.typeName };
    throw error;
  }
}

class UnsupportedValue extends Error {
  constructor(readonly typeName: string) {
    super(typeName);
  }
}

function convert(value: unknown): ExpressionValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'bigint':
    case 'number':
    case 'string':
      return value;
    case 'object':
      break;
    default:
      throw new UnsupportedValue(typeof value);
  }
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(convert);
  if (value instanceof Map) {
    const entries: [string, ExpressionValue][] = [];
    for (const [key, entry] of value) entries.push([String(key), convert(entry)]);
    return Object.fromEntries(entries);
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, convert(entry)]));
  }
  // The library represents uint as an UnsignedInt object whose valueOf() is the bigint.
  const constructorName: unknown = prototype?.constructor?.name;
  if (constructorName === 'UnsignedInt') {
    const primitive: unknown = value.valueOf();
    if (typeof primitive === 'bigint') return primitive;
  }
  throw new UnsupportedValue(typeof constructorName === 'string' ? constructorName : 'object');
}
