import { describe, expect, it } from 'vitest';
import { checkTemplate } from './check-template.js';
import { ExpressionError } from './expression-error.js';
import { referencedNodes } from './referenced-nodes.js';
import { referencedRoots } from './referenced-roots.js';

describe('referencedRoots', () => {
  it('lists the scope roots an expression reads, without macro variables', () => {
    expect(
      referencedRoots('input.items.all(item, size(item) < env.MAX) && prompt_tokens > 10'),
    ).toEqual(['env', 'input', 'prompt_tokens']);
  });

  it('reports a root shadowed only inside its macro', () => {
    expect(referencedRoots('input.items.map(input, input + 1) + input.more')).toEqual(['input']);
    expect(referencedRoots('[1].map(x, x) + [x]')).toEqual(['x']);
  });

  it('throws a syntax error for an expression that does not parse', () => {
    expect(() => referencedRoots('input.')).toThrow(ExpressionError);
  });
});

describe('referencedNodes', () => {
  it('finds nodes read by field and by string index', () => {
    expect(
      referencedNodes('nodes.summarize.text + nodes["fetch-page"].title + nodes[input.which].x'),
    ).toEqual(['fetch-page', 'summarize']);
  });

  it('finds nodes inside has() and macros', () => {
    expect(referencedNodes('has(nodes.a.b) && nodes.search.results.exists(r, r.ok)')).toEqual([
      'a',
      'search',
    ]);
  });
});

describe('checkTemplate', () => {
  it('reports each bad hole at its position in the template', () => {
    const errors = checkTemplate('ok {{ input.a }}\n{{ 1 + }} {{ eval("x") }}');
    expect(errors.map((error) => [error.kind, error.detail, error.position?.line])).toEqual([
      ['syntax', 'syntax error: unexpected token: EOF', 2],
      ['syntax', 'unknown function: eval', 2],
    ]);
  });

  it('returns nothing for a good template', () => {
    expect(checkTemplate('Hi {{ input.name }}, \\{{ literal }}')).toEqual([]);
  });
});
