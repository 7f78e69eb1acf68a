import { describe, expect, it } from 'vitest';
import { formatProblem } from './format-problem.js';
import { didYouMean, editDistance, suggestNames } from './suggest-names.js';

describe('formatProblem', () => {
  it('puts the location first, then node, field and the position in the expression', () => {
    expect(
      formatProblem({
        code: 'unknown_reference',
        severity: 'error',
        file: 'examples/chat.json',
        line: 14,
        column: 7,
        node: 'answer',
        field: 'prompt',
        message: 'unknown node "sumary"; did you mean "summary"?',
        expression: { source: 'Summary: {{ nodes.sumary.text }}', offset: 12, line: 1, column: 13 },
      }),
    ).toBe(
      'examples/chat.json:14:7 node "answer" field "prompt" (at column 13 of the expression): unknown node "sumary"; did you mean "summary"?',
    );
  });

  it('marks warnings and copes with missing parts', () => {
    expect(
      formatProblem({ code: 'unknown_model', severity: 'warning', file: 'f.json', message: 'm' }),
    ).toBe('f.json warning: m');
    expect(
      formatProblem({
        code: 'expression_syntax',
        severity: 'error',
        file: 'f.yaml',
        line: 3,
        message: 'm',
        expression: { source: 'a\nb', offset: 2, line: 2, column: 1 },
      }),
    ).toBe('f.yaml:3 (at line 2, column 1 of the expression): m');
  });
});

describe('suggestNames', () => {
  it('suggests close names only, best first', () => {
    expect(suggestNames('sumary', ['summary', 'input', 'output'])).toEqual(['summary']);
    expect(suggestNames('promptTemplte', ['promptTemplate', 'output'])).toEqual(['promptTemplate']);
    expect(suggestNames('xyz', ['summary'])).toEqual([]);
    expect(editDistance('teh', 'the')).toBe(1);
    expect(didYouMean(['a', 'b', 'c'])).toBe('; did you mean "a", "b" or "c"?');
    expect(didYouMean([])).toBe('');
  });
});
