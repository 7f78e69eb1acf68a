import type { ExpressionValue } from './expression-value.js';
import { formatDouble } from './format-double.js';
import { toCompactJson } from './to-compact-json.js';

/**
 * How a template hole's value becomes text (the Python runtime follows the same rules):
 * - string: as is;
 * - int and uint: decimal digits, exact (`42`, `-7`, `18446744073709551615`);
 * - double: {@link formatDouble} (`2.5`, `3`, `1e+21`, `NaN`, `Infinity`);
 * - bool: `true` / `false`;
 * - null: the empty string (an absent optional value leaves no trace in a prompt);
 * - bytes: base64;
 * - list and map: compact JSON, map keys sorted by code point ({@link toCompactJson}).
 *
 * @example
 * valueToText([1n, 'a', null]); // '[1,"a",null]'
 */
export function valueToText(value: ExpressionValue): string {
  if (value === null) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      return formatDouble(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      return toCompactJson(value);
    default: {
      const unreachable: never = value;
      throw new TypeError(`not an expression value: ${String(unreachable)}`);
    }
  }
}
