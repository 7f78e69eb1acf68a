import { readFileSync } from 'node:fs';
import type { JsonValue } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { checkExpression } from './check-expression.js';
import { evaluateExpression } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { parseTemplate } from './parse-template.js';
import { renderTemplate } from './render-template.js';
import type { ExpressionScope } from './to-expression-scope.js';

/** The error a vector expects; positions are compared only when given. */
interface ExpectedError {
  kind: 'syntax' | 'evaluation';
  messageContains?: string;
  offset?: number;
  line?: number;
  column?: number;
}

type Expected =
  | { value: JsonValue }
  | { text: string }
  | { valid: true }
  | { parts: JsonValue[] }
  | { error: ExpectedError };

interface Vector {
  name: string;
  kind: 'evaluate' | 'template' | 'check' | 'parse';
  source: string;
  scope?: ExpressionScope;
  expected: Expected;
}

const file = new URL('../../../../conformance/expressions/vectors.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Vector[] };

function run(vector: Vector): unknown {
  const scope = vector.scope ?? {};
  switch (vector.kind) {
    case 'evaluate':
      return { value: evaluateExpression(vector.source, scope) };
    case 'template':
      return { text: renderTemplate(vector.source, scope) };
    case 'check': {
      const [error] = checkExpression(vector.source);
      if (error !== undefined) throw error;
      return { valid: true };
    }
    case 'parse':
      return { parts: parseTemplate(vector.source) };
    default: {
      const unreachable: never = vector.kind;
      throw new Error(`unknown vector kind: ${String(unreachable)}`);
    }
  }
}

describe('shared expression vectors', () => {
  it('has at least 80 vectors with unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(cases.map((vector) => vector.name)).size).toBe(cases.length);
  });

  it.each(cases.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const expected = vector.expected;
    if (!('error' in expected)) {
      expect(run(vector)).toEqual(expected);
      return;
    }
    let thrown: unknown;
    try {
      run(vector);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExpressionError);
    const error = thrown as ExpressionError;
    expect(error.kind).toBe(expected.error.kind);
    if (expected.error.messageContains !== undefined) {
      expect(error.detail).toContain(expected.error.messageContains);
    }
    for (const field of ['offset', 'line', 'column'] as const) {
      if (expected.error[field] !== undefined) {
        expect(error.position?.[field]).toBe(expected.error[field]);
      }
    }
  });
});
