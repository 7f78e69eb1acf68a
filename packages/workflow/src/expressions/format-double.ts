/**
 * Formats a CEL double as text, the same way in both runtimes: the shortest decimal that reads
 * back as the same number, laid out like ECMAScript's `Number.prototype.toString`
 * (`3`, `0.5`, `1e+21`, `1e-7`, `NaN`, `Infinity`, `-Infinity`; `-0` is `0`). Python implements
 * the same layout from `repr`, which yields the same shortest digits.
 *
 * @example
 * formatDouble(2.5); // '2.5'
 * formatDouble(1e21); // '1e+21'
 */
export function formatDouble(value: number): string {
  return String(value);
}
