import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../load/parse-workflow.js';
import { validateWorkflow } from './validate-workflow.js';

describe('input schema keywords', () => {
  it('rejects keywords the runtimes do not check, wherever they are, and allows x- annotations', () => {
    const text = JSON.stringify({
      id: 'p',
      name: 'P',
      input: {
        type: 'object',
        'x-editor': 'wide',
        properties: {
          code: { type: 'string', pattern: '^[A-Z]+$' },
          tags: { type: 'array', items: { format: 'date' } },
        },
      },
      nodes: [
        { id: 'input', type: 'input' },
        { id: 'output', type: 'output' },
      ],
      edges: [{ from: 'input', to: 'output' }],
    });
    const problems = validateWorkflow(parseWorkflow(text, { fileName: 'p.json' }));
    const schemaProblems = problems.filter((problem) => problem.code === 'invalid_input_schema');
    expect(schemaProblems.map((problem) => problem.field)).toEqual([
      'input.properties.code.pattern',
      'input.properties.tags.items.format',
    ]);
    expect(schemaProblems[0]?.message).toContain(
      'the input schema keyword "pattern" is not supported',
    );
  });
});
