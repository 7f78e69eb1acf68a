import type { JsonValue } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { runExpression } from './compile-expression.js';
import { evaluateExpression, evaluateToValue } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { fromCelValue } from './from-cel-value.js';
import { stringAtPlainPath } from './plain-path.js';
import { renderTemplate } from './render-template.js';
import { type ExpressionScope, toExpressionScope } from './to-expression-scope.js';

/** What CEL alone answers: its value, or its error's kind and message. */
function throughCel(source: string, scope: ExpressionScope): unknown {
  try {
    const result = fromCelValue(runExpression(source, toExpressionScope(scope)));
    return result.supported ? { value: result.value } : { unsupported: result.typeName };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { kind: error.kind, message: error.message };
  }
}

/** What evaluation with the shortcut answers, in the same shape. */
function withShortcut(source: string, scope: ExpressionScope): unknown {
  try {
    return { value: evaluateToValue(source, scope) };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { kind: error.kind, message: error.message };
  }
}

const scope: ExpressionScope = {
  // Parsed, as run input is: a `__proto__` key is then an own key, as it is in CEL's map.
  input: JSON.parse(
    JSON.stringify({
      question: 'Why?',
      empty: '',
      count: 5,
      ratio: 2.5,
      big: 1e21,
      flag: true,
      nothing: null,
      items: ['first', 2, { deep: 'three' }],
      map: { '0': 'zero', 'a-b': 'dash', nested: { text: 'inner' } },
      unicode: 'héllo 👋',
    }).replace(/^\{/, '{"__proto__":"own proto",'),
  ) as JsonValue,
  nodes: {
    answer: { text: 'Because.', usage: { inputTokens: 3 } },
    'fetch-page': { text: 'page' },
  },
  env: { NAME: 'value', UNSET: null },
};

describe('stringAtPlainPath', () => {
  it('reads a string at a plain path, whitespace and quoted keys included', () => {
    expect(stringAtPlainPath(' input.question ', scope)).toBe('Why?');
    expect(stringAtPlainPath('nodes.answer.text', scope)).toBe('Because.');
    expect(stringAtPlainPath('nodes["fetch-page"] . text', scope)).toBe('page');
    expect(stringAtPlainPath('input.items[0]', scope)).toBe('first');
    expect(stringAtPlainPath('input.items[ 2 ].deep', scope)).toBe('three');
    expect(stringAtPlainPath('env.NAME', scope)).toBe('value');
    expect(stringAtPlainPath('input.empty', scope)).toBe('');
    expect(stringAtPlainPath('input.__proto__', scope)).toBe('own proto');
  });

  it('leaves to CEL whatever is not a string at a plain path', () => {
    for (const source of [
      'input.count',
      'input.flag',
      'input.nothing',
      'input.items',
      'input.map[0]',
      'input.items.deep',
      'input.items[3]',
      'input.missing',
      'input.constructor',
      'nodes.other.text',
      'unknown.text',
      'input.question + ""',
      'size(input.question)',
      'input.question // a comment\n',
      "input['question']",
    ]) {
      expect(stringAtPlainPath(source, scope), source).toBeUndefined();
    }
  });

  it('still reports a syntax error instead of reading the path', () => {
    expect(() => stringAtPlainPath('input.question)', scope)).toThrow(ExpressionError);
  });
});

describe('evaluation with the plain-path shortcut', () => {
  it('answers exactly what CEL answers, values and errors alike', () => {
    for (const source of [
      'input.question',
      ' input.question ',
      'input.empty',
      'input.unicode',
      'input.__proto__',
      'input.count',
      'input.ratio',
      'input.big',
      'input.flag',
      'input.nothing',
      'input.items',
      'input.items[0]',
      'input.items[1]',
      'input.items[2].deep',
      'input.items[3]',
      'input.map',
      'input.map[0]',
      'input.map["0"]',
      'input.map["a-b"]',
      'input.map.nested.text',
      'input.items.deep',
      'input.missing',
      'input.constructor',
      'input.question.text',
      'nodes.answer.text',
      'nodes.answer.usage',
      'nodes["fetch-page"].text',
      'nodes.missing.text',
      'env.NAME',
      'env.UNSET',
      'env.OTHER',
      'unknown.value',
    ]) {
      expect(withShortcut(source, scope), source).toEqual(throughCel(source, scope));
    }
  });

  it('renders holes exactly as before: numbers, empty values, maps and errors', () => {
    expect(renderTemplate('{{ input.question }}/{{ input.count }}/{{ input.ratio }}', scope)).toBe(
      'Why?/5/2.5',
    );
    expect(renderTemplate('[{{ input.nothing }}][{{ input.big }}]', scope)).toBe('[][1e+21]');
    expect(renderTemplate('{{ input.map.nested }}', scope)).toBe('{"text":"inner"}');
    expect(evaluateExpression('nodes.answer.usage', scope)).toEqual({ inputTokens: 3 });
    expect(() => renderTemplate('Q: {{ input.missing }}', scope)).toThrow('no such key: missing');
  });
});
