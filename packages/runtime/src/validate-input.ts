import type { JsonSchema, JsonValue } from '@catalyst/spec';

/** One way an input breaks the workflow's input schema. */
export interface InputProblem {
  /** JSON Pointer to the offending value (`""` is the whole input). */
  path: string;
  message: string;
}

// A deliberately small JSON Schema subset, implemented here and in the Python runtime with the
// same messages, so that both runtimes answer a bad input with the same 422 body byte for byte
// (ajv and Python's jsonschema word their messages differently). The validator rejects workflow
// input schemas that use keywords outside this list.

/** Checks `value` against `schema`; returns every problem, in document order. */
export function validateInput(schema: JsonSchema, value: JsonValue): InputProblem[] {
  const problems: InputProblem[] = [];
  check(schema, value, '', problems);
  return problems;
}

function typeOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

/** `a string`, `an object`, `null`. */
function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}

function check(schema: JsonSchema, value: JsonValue, path: string, problems: InputProblem[]): void {
  const at = (message: string) => problems.push({ path, message });
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => matchesType(type, actual))) {
      const expected = types.map(withArticle).join(' or ');
      at(`must be ${expected}, not ${withArticle(actual === 'integer' ? 'number' : actual)}`);
      return;
    }
  }
  if (schema.const !== undefined && describe(schema.const) !== describe(value)) {
    at(`must be ${describe(schema.const)}`);
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((option) => describe(option) === describe(value))
  ) {
    at(`must be one of ${schema.enum.map(describe).join(', ')}`);
  }
  if (typeof value === 'string') {
    // Lengths count code points, as Python's len() does, not UTF-16 units.
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) {
      at(`must be at least ${schema.minLength} characters long`);
    }
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
      at(`must be at most ${schema.maxLength} characters long`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      at(`must be >= ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      at(`must be <= ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      at(`must have at least ${schema.minItems} items`);
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      at(`must have at most ${schema.maxItems} items`);
    }
    if (schema.items && typeof schema.items === 'object') {
      const items = schema.items as JsonSchema;
      for (const [index, item] of value.entries()) check(items, item, `${path}/${index}`, problems);
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(value, name))
        problems.push({ path: `${path}/${escapePointer(name)}`, message: 'is required' });
    }
    for (const [name, item] of Object.entries(value)) {
      // Own keys only: an input key named `constructor` or `toString` is data, not a prototype member.
      const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (property) {
        check(property, item, `${path}/${escapePointer(name)}`, problems);
      } else if (schema.additionalProperties === false) {
        problems.push({ path: `${path}/${escapePointer(name)}`, message: 'is not allowed' });
      }
    }
  }
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
