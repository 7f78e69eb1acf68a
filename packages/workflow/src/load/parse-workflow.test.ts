import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';
import { WorkflowSyntaxError } from './workflow-syntax-error.js';

const json = `{
  "id": "chat",
  "nodes": [
    { "id": "input", "type": "input" },
    {
      "id": "answer",
      "config": { "prompt": "{{ input.question }}" }
    }
  ]
}`;

const yaml = `id: chat
nodes:
  - id: input
    type: input
  - id: answer
    config:
      prompt: "{{ input.question }}"
`;

function syntaxError(text: string, fileName: string): WorkflowSyntaxError {
  try {
    parseWorkflow(text, { fileName });
  } catch (error) {
    if (error instanceof WorkflowSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('parseWorkflow', () => {
  it('parses JSON and locates keys and array items', () => {
    const loaded = parseWorkflow(json, { fileName: 'flow.json' });
    expect(loaded.definition.id).toBe('chat');
    expect(loaded.fileName).toBe('flow.json');
    expect(loaded.locate('')).toEqual({ line: 1, column: 1 });
    expect(loaded.locate('/nodes')).toEqual({ line: 3, column: 3 });
    expect(loaded.locate('/nodes/1')).toEqual({ line: 5, column: 5 });
    expect(loaded.locate('/nodes/1/config/prompt')).toEqual({ line: 7, column: 19 });
    expect(loaded.locate('/nodes/1/config/model')).toBeUndefined();
  });

  it('parses YAML (.yaml and .yml) with the same pointers', () => {
    for (const fileName of ['flow.yaml', 'flow.YML']) {
      const loaded = parseWorkflow(yaml, { fileName });
      expect(loaded.definition.nodes[1]?.config).toEqual({ prompt: '{{ input.question }}' });
      expect(loaded.locate('/nodes/1')).toEqual({ line: 5, column: 5 });
      expect(loaded.locate('/nodes/1/config/prompt')).toEqual({ line: 7, column: 7 });
    }
  });

  it('counts columns in code points and escapes pointer keys', () => {
    const loaded = parseWorkflow('{"😀": 1, "a/b": {"~": 2}}', { fileName: 'x.json' });
    expect(loaded.locate('/a~1b')).toEqual({ line: 1, column: 10 });
    expect(loaded.locate('/a~1b/~0')).toEqual({ line: 1, column: 18 });
  });

  it('accepts a byte order mark', () => {
    expect(parseWorkflow('\uFEFF{"id": "x"}', { fileName: 'x.json' }).definition.id).toBe('x');
  });

  it.each([
    ['a trailing comma', '{\n  "a": [1,\n  ]\n}', 3, 3, 'expected a value, found "]"'],
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}", found "\\""'],
    ['a single-quoted key', "{\n  'a': 1\n}", 2, 3, 'expected a property name in double quotes'],
    ['an early end', '{\n  "a": [1, 2', 2, 13, 'found the end of the file'],
    ['a line break in a string', '{"a": "x\ny"}', 1, 9, 'no line break'],
  ])(
    'reports JSON syntax errors with file, line and column: %s',
    (_name, text, line, column, message) => {
      const error = syntaxError(text, 'bad.json');
      expect(error.problem).toMatchObject({
        code: 'invalid_syntax',
        severity: 'error',
        file: 'bad.json',
        line,
        column,
      });
      expect(error.problem.message).toContain(message);
      expect(error.message).toMatch(new RegExp(`^bad\\.json:${line}:${column}: invalid JSON`));
    },
  );

  it('reports YAML syntax errors with line and column', () => {
    const error = syntaxError('id: x\nnodes:\n  - id: a\n   - id: b\n', 'bad.yaml');
    expect(error.problem).toMatchObject({
      code: 'invalid_syntax',
      file: 'bad.yaml',
      line: 4,
      column: 4,
    });
    expect(error.problem.message).toMatch(/^invalid YAML: /);
  });

  it('rejects duplicate YAML keys', () => {
    const error = syntaxError('id: a\nid: b\n', 'dup.yml');
    expect(error.problem).toMatchObject({ line: 2, column: 1 });
  });
});
