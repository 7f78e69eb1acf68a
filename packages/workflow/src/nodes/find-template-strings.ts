import type { JsonValue } from '@catalyst/spec';
import { appendPointer } from '../load/json-pointer.js';

/** One string of a config that is a template (or a bare expression). */
export interface TemplateString {
  /** The path pattern it matched, e.g. `messages[].content`. */
  pattern: string;
  /** Where it is, readable: `messages[0].content`, `value.answer`. */
  field: string;
  /** Where it is as a JSON Pointer relative to the config: `/messages/0/content`. */
  pointer: string;
  text: string;
}

/**
 * Finds the strings of `config` that `patterns` name (a node type's `templateFields` or
 * `expressionFields`). Pattern syntax: `a.b` a key path, `a[]` every item of an array, `a.**`
 * every string anywhere below `a` (including `a` itself when it is a string). Values of other
 * types, and missing paths, are skipped: config validation reports those.
 *
 * @example
 * findTemplateStrings({ messages: [{ role: 'user', content: 'Hi {{ input.name }}' }] }, ['messages[].content']);
 * // [{ pattern: 'messages[].content', field: 'messages[0].content', pointer: '/messages/0/content', text: 'Hi {{ input.name }}' }]
 */
export function findTemplateStrings(
  config: Record<string, JsonValue>,
  patterns: readonly string[],
): TemplateString[] {
  const found: TemplateString[] = [];
  for (const pattern of patterns) {
    const steps = pattern
      .split('.')
      .flatMap((step) => (step.endsWith('[]') ? [step.slice(0, -2), '[]'] : [step]));
    walk(config, steps, '', '', (field, pointer, text) =>
      found.push({ pattern, field, pointer, text }),
    );
  }
  return found;
}

type Visitor = (field: string, pointer: string, text: string) => void;

function walk(
  value: JsonValue | undefined,
  steps: string[],
  field: string,
  pointer: string,
  visit: Visitor,
): void {
  const [step, ...rest] = steps;
  if (step === undefined) {
    if (typeof value === 'string') visit(field, pointer, value);
    return;
  }
  if (step === '**') {
    everyString(value, field, pointer, visit);
    return;
  }
  if (step === '[]') {
    if (!Array.isArray(value)) return;
    value.forEach((item, index) => {
      walk(item, rest, `${field}[${index}]`, appendPointer(pointer, index), visit);
    });
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  if (!Object.hasOwn(value, step)) return;
  walk(value[step], rest, joinField(field, step), appendPointer(pointer, step), visit);
}

function everyString(
  value: JsonValue | undefined,
  field: string,
  pointer: string,
  visit: Visitor,
): void {
  if (typeof value === 'string') {
    visit(field, pointer, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      everyString(item, `${field}[${index}]`, appendPointer(pointer, index), visit);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      everyString(item, joinField(field, key), appendPointer(pointer, key), visit);
    }
  }
}

/** `a` + `b` → `a.b`; keys that are not identifiers are quoted: `value["x y"]`. */
export function joinField(field: string, key: string): string {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return `${field}[${JSON.stringify(key)}]`;
  return field === '' ? key : `${field}.${key}`;
}
