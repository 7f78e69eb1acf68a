import { describe, expect, it } from 'vitest';
import { toJsonValue } from './to-json-value.js';

describe('toJsonValue', () => {
  it('copies plain data as JSON.stringify would write it, key order kept', () => {
    const value = { b: 1, a: [1, undefined, 'x'], skipped: undefined, nested: { n: Number.NaN } };
    const copy = toJsonValue(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(Object.keys(copy ?? {})).toEqual(['b', 'a', 'nested']);
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => toJsonValue({ f: () => 1 })).toThrow('a function is not JSON');
  });
});
