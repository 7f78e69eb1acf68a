import { describe, expect, it } from 'vitest';
import { validateInput } from './validate-input.js';

describe('validateInput', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    },
    required: ['name', 'toString'],
    additionalProperties: false,
  };

  it('treats keys named like prototype members as plain data', () => {
    expect(validateInput(schema, { name: 'a', constructor: 1 } as never)).toEqual([
      { path: '/toString', message: 'is required' },
      { path: '/constructor', message: 'is not allowed' },
    ]);
  });

  it('reports every problem with its JSON Pointer, in document order', () => {
    expect(validateInput(schema, { name: 3, tags: ['a', 1, 'c'], toString: 'x' } as never)).toEqual(
      [
        { path: '/name', message: 'must be a string, not a number' },
        { path: '/tags', message: 'must have at most 2 items' },
        { path: '/tags/1', message: 'must be a string, not a number' },
        { path: '/toString', message: 'is not allowed' },
      ],
    );
  });

  it('counts string length in code points, as Python does', () => {
    expect(validateInput({ type: 'string', maxLength: 2 }, '😀😀')).toEqual([]);
  });
});
