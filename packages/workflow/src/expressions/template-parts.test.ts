import { describe, expect, it } from 'vitest';
import { ExpressionError } from './expression-error.js';
import { parseTemplate } from './parse-template.js';
import { templateParts } from './template-parts.js';

describe('templateParts', () => {
  it('parses a template once and hands the same parts out again', () => {
    const text = 'Hi {{ input.name }}, {{ input.age }}!';
    const first = templateParts(text);
    expect(first).toEqual(parseTemplate(text));
    expect(templateParts(text)).toBe(first);
    expect(Object.isFrozen(first) && first.every((part) => Object.isFrozen(part))).toBe(true);
  });

  it('keys by the text, so a different template is parsed on its own', () => {
    expect(templateParts('{{ input.a }}')).not.toBe(templateParts('{{ input.b }}'));
    expect(templateParts('{{ input.b }}')).toEqual(parseTemplate('{{ input.b }}'));
  });

  it('throws the same syntax error every time for a template that does not parse', () => {
    expect(() => templateParts('Hi {{ input.name')).toThrow(ExpressionError);
    expect(() => templateParts('Hi {{ input.name')).toThrow('unterminated expression');
  });
});
