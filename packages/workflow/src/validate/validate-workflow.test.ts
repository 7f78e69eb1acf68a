import { ModelCatalog } from '@catalyst/providers';
import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../load/parse-workflow.js';
import { formatProblem } from '../problems/format-problem.js';
import type { WorkflowProblem } from '../problems/workflow-problem.js';
import { validateWorkflow } from './validate-workflow.js';

type Json = Record<string, unknown>;

/** A valid workflow to break one thing at a time. */
function workflow(overrides: Json = {}): Json {
  return {
    id: 'test',
    name: 'Test',
    input: { type: 'object', properties: { question: { type: 'string' } } },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'answer', type: 'anthropicCompletion', config: { prompt: '{{ input.question }}' } },
      { id: 'output', type: 'output' },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
    ...overrides,
  };
}

function check(definition: Json, fileName = 'flow.json') {
  const text = JSON.stringify(definition, null, 2);
  const problems = validateWorkflow(parseWorkflow(text, { fileName }));
  /** Line and column where `needle` (the n-th occurrence) starts in the file. */
  const at = (needle: string, occurrence = 0) => {
    let index = -1;
    for (let count = 0; count <= occurrence; count += 1) index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`not in the file: ${needle}`);
    const before = text.slice(0, index).split('\n');
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  };
  return { problems, at, text };
}

function only(problems: WorkflowProblem[]): WorkflowProblem {
  expect(problems.map(formatProblem)).toHaveLength(1);
  return problems[0] as WorkflowProblem;
}

const nodes = (...extra: Json[]) => [...(workflow().nodes as Json[]), ...extra];

describe('validateWorkflow', () => {
  it('accepts a valid workflow', () => {
    expect(check(workflow()).problems).toEqual([]);
  });

  it('invalid_file: not an object', () => {
    const problems = validateWorkflow(parseWorkflow('[1]', { fileName: 'list.json' }));
    expect(only(problems)).toMatchObject({ code: 'invalid_file', line: 1, column: 1 });
  });

  it('invalid_file: missing name, bad id, unknown keys, malformed nodes and edges — all at once', () => {
    const edges = [...(workflow().edges as Json[]), { from: 'input' }];
    const definition = workflow({ id: 'has space', nodez: [], edges });
    delete definition.name;
    const { problems, at } = check(definition);
    expect(
      problems.map((problem) => [problem.code, problem.field, problem.line, problem.column]),
    ).toEqual([
      ['invalid_file', 'name', 1, 1],
      ['invalid_file', 'id', at('"id": "has space"').line, 3],
      // `to` is not in the file: the edge itself is the closest place.
      ['invalid_file', 'edges[2].to', at('"from": "input"', 1).line - 1, 5],
      ['invalid_file', 'nodez', at('"nodez"').line, 3],
    ]);
    expect(problems[3]?.message).toBe(
      'unknown field "nodez" in the workflow; did you mean "nodes"?',
    );
  });

  it('invalid_input_schema: not an object schema, or not a JSON Schema at all', () => {
    const first = check(workflow({ input: { type: 'string' } }));
    expect(only(first.problems)).toMatchObject({
      code: 'invalid_input_schema',
      field: 'input',
      ...first.at('"input": {'),
    });
    const second = check(
      workflow({ input: { type: 'object', properties: { question: { type: 'strng' } } } }),
    );
    expect(only(second.problems)).toMatchObject({
      code: 'invalid_input_schema',
      field: 'input.properties.question.type',
      ...second.at('"type": "strng"'),
    });
  });

  it('duplicate_node: at the second id', () => {
    const { problems, at } = check(workflow({ nodes: nodes({ id: 'answer', type: 'output' }) }));
    expect(only(problems)).toMatchObject({
      code: 'duplicate_node',
      node: 'answer',
      ...at('"id": "answer"', 1),
    });
  });

  it('unknown_node_type: with suggestions', () => {
    const { problems, at } = check(
      workflow({ nodes: nodes({ id: 'x', type: 'openAICompletion' }) }),
    );
    const problem = problems.find((candidate) => candidate.code === 'unknown_node_type');
    expect(problem).toMatchObject({
      node: 'x',
      field: 'type',
      ...at('"type": "openAICompletion"'),
    });
    expect(problem?.message).toBe(
      'unknown node type "openAICompletion"; did you mean "openaiCompletion"?',
    );
  });

  it('invalid_config: human messages at the field, after defaults', () => {
    const config = {
      prompt: 'Hi',
      temperature: 1.5,
      responseFormat: { type: 'json_schema', name: 'x' },
      tools: [{ name: 'bad name', parameters: { type: 'object' } }],
      messages: [{ role: 'bot', content: 'x' }],
    };
    const { problems, at } = check(
      workflow({ nodes: nodes({ id: 'x', type: 'anthropicCompletion', config }) }),
    );
    const invalid = problems.filter((problem) => problem.code === 'invalid_config');
    expect(
      invalid.map((problem) => [problem.field, problem.message, problem.line, problem.column]),
    ).toEqual([
      [
        'temperature',
        'must be between 0 and 1 (got 1.5)',
        at('"temperature"').line,
        at('"temperature"').column,
      ],
      [
        'responseFormat.schema',
        'is required',
        at('"responseFormat"').line,
        at('"responseFormat"').column,
      ],
      [
        'tools[0].name',
        'must match ^[A-Za-z0-9_-]{1,64}$ (got "bad name")',
        at('"name": "bad name"').line,
        at('"name": "bad name"').column,
      ],
      [
        'messages[0].role',
        'must be one of "system", "user" or "assistant" (got "bot")',
        at('"role": "bot"').line,
        at('"role": "bot"').column,
      ],
    ]);
  });

  it('invalid_config: a required field without a default points at the node', () => {
    const { problems, at } = check(
      workflow({
        nodes: nodes({ id: 'azure', type: 'azureOpenaiCompletion', config: { prompt: 'x' } }),
      }),
    );
    const problem = problems.find((candidate) => candidate.code === 'invalid_config');
    // The config is the closest place in the file to the missing field.
    expect(problem).toMatchObject({
      node: 'azure',
      field: 'model',
      ...at('"config": {\n        "prompt": "x"'),
    });
    expect(problem?.message).toMatch(/^is required \(The Azure deployment name/);
  });

  it('cycle: reports the path', () => {
    const edges = [
      ...(workflow().edges as Json[]),
      { from: 'answer', to: 'loop' },
      { from: 'loop', to: 'answer' },
    ];
    const loop = { id: 'loop', type: 'anthropicCompletion', config: { prompt: 'again' } };
    const { problems, at } = check(workflow({ nodes: nodes(loop), edges }));
    const problem = problems.find((candidate) => candidate.code === 'cycle');
    expect(problem).toMatchObject({ node: 'answer', line: at('"id": "answer"').line - 1 });
    expect(problem?.message).toMatch(/^cycle: answer → loop → answer;/);
  });

  it('dangling_edge: at the missing end, with suggestions', () => {
    const edges = [...(workflow().edges as Json[]), { from: 'answr', to: 'output' }];
    const { problems, at } = check(workflow({ edges }));
    expect(only(problems)).toMatchObject({
      code: 'dangling_edge',
      field: 'edges[2].from',
      ...at('"from": "answr"'),
    });
    expect(problems[0]?.message).toContain('did you mean "answer"?');
  });

  it('invalid_handle: at the handle', () => {
    const edges = [
      { from: 'input', to: 'answer' },
      { from: 'answer', fromHandle: 'fuction_call', to: 'output' },
    ];
    const { problems, at } = check(workflow({ edges }));
    expect(only(problems)).toMatchObject({
      code: 'invalid_handle',
      field: 'edges[1].fromHandle',
      ...at('"fromHandle"'),
    });
    expect(problems[0]?.message).toBe(
      'node "answer" (anthropicCompletion) has no output handle "fuction_call"; did you mean "function_call"?',
    );
  });

  it('missing_input: no input node, no output node, two outputs, a node with nothing connected', () => {
    const noEnds = check(
      workflow({
        nodes: [{ id: 'answer', type: 'anthropicCompletion', config: { prompt: 'x' } }],
        edges: [],
      }),
    );
    expect(noEnds.problems.map((problem) => [problem.code, problem.field, problem.line])).toEqual([
      ['missing_input', 'nodes', noEnds.at('"nodes"').line],
      ['missing_input', 'nodes', noEnds.at('"nodes"').line],
    ]);
    const extra = check(
      workflow({
        nodes: nodes({ id: 'second', type: 'output' }, { id: 'lonely', type: 'openaiCompletion' }),
      }),
    );
    expect(extra.problems.map((problem) => [problem.code, problem.node])).toEqual([
      ['missing_input', 'second'],
      ['missing_input', 'second'],
      ['missing_input', 'lonely'],
    ]);
  });

  it('unreachable_node: a warning', () => {
    const { problems } = check(
      workflow({
        nodes: nodes({ id: 'orphan', type: 'anthropicCompletion', config: { prompt: 'hi' } }),
      }),
    );
    expect(only(problems)).toMatchObject({
      code: 'unreachable_node',
      severity: 'warning',
      node: 'orphan',
    });
  });

  it('expression_syntax: the field in the file and the position in the expression', () => {
    const config = { prompt: 'Answer {{ input.question + }} now' };
    const { problems, at } = check(
      workflow({ nodes: nodes({ id: 'x', type: 'groqCompletion', config }) }),
      'chat.json',
    );
    const problem = problems.find((candidate) => candidate.code === 'expression_syntax');
    expect(problem).toMatchObject({
      node: 'x',
      field: 'prompt',
      ...at('"prompt": "Answer'),
      expression: { source: config.prompt, offset: 27, line: 1, column: 28 },
    });
    const unterminated = check(
      workflow({
        nodes: nodes({ id: 'y', type: 'output', config: { value: { a: ['{{ input'] } } }),
      }),
    );
    expect(
      unterminated.problems.find((candidate) => candidate.code === 'expression_syntax'),
    ).toMatchObject({
      field: 'value.a[0]',
      expression: { offset: 0, column: 1 },
    });
  });

  it('unknown_reference: unknown nodes and names, with suggestions and positions', () => {
    const summary = {
      id: 'summary',
      type: 'openaiCompletion',
      config: { prompt: '{{ input.question }}' },
    };
    const answer = {
      id: 'answer',
      type: 'anthropicCompletion',
      config: { prompt: 'Use {{ nodes.sumary.text }} and {{ inptu.x }}' },
    };
    const definition = workflow({
      nodes: [{ id: 'input', type: 'input' }, summary, answer, { id: 'output', type: 'output' }],
      edges: [
        { from: 'input', to: 'summary' },
        { from: 'summary', to: 'answer' },
        { from: 'answer', to: 'output' },
      ],
    });
    const { problems, at } = check(definition, 'examples/chat.json');
    expect(
      problems.map((problem) => [problem.code, problem.expression?.column, problem.message]),
    ).toEqual([
      ['unknown_reference', 8, 'unknown node "sumary"; did you mean "summary"?'],
      ['unknown_reference', 36, 'unknown name "inptu"; did you mean "input"?'],
    ]);
    const { line, column } = at('"prompt": "Use');
    expect(formatProblem(problems[0] as WorkflowProblem)).toBe(
      `examples/chat.json:${line}:${column} node "answer" field "prompt" (at column 8 of the expression): unknown node "sumary"; did you mean "summary"?`,
    );
  });

  it('not_upstream: exists but is not upstream, or is the node itself', () => {
    const other = {
      id: 'other',
      type: 'anthropicCompletion',
      config: { prompt: '{{ nodes["answer"].text }} {{ nodes.other.text }}' },
    };
    const edges = [
      ...(workflow().edges as Json[]),
      { from: 'input', to: 'other' },
      { from: 'other', to: 'output' },
    ];
    const { problems } = check(workflow({ nodes: nodes(other), edges }));
    expect(
      problems.map((problem) => [problem.code, problem.node, problem.expression?.column]),
    ).toEqual([
      ['not_upstream', 'other', 4],
      ['not_upstream', 'other', 31],
    ]);
    expect(problems[1]?.message).toBe('node "other" cannot read its own output');
  });

  it('env_not_allowed: only names listed in env', () => {
    const output = {
      id: 'output',
      type: 'output',
      config: { value: { a: '{{ env.REGION }}', b: '{{ env["API_TOKEN"] }}' } },
    };
    const definition = workflow({
      env: ['REGION'],
      nodes: [...(workflow().nodes as Json[]).slice(0, 2), output],
    });
    const { problems, at } = check(definition);
    expect(only(problems)).toMatchObject({
      code: 'env_not_allowed',
      field: 'value.b',
      ...at('"b": '),
      expression: { column: 4 },
    });
  });

  it('promptTemplate templates may read variables', () => {
    const prompt = {
      id: 'prompt',
      type: 'promptTemplate',
      config: {
        messages: [{ role: 'user', content: '{{ variables.x }}' }],
        variables: { x: '{{ input.question }}' },
      },
    };
    const definition = workflow({
      nodes: [
        { id: 'input', type: 'input' },
        prompt,
        { id: 'llm', type: 'openaiCompletion' },
        { id: 'output', type: 'output' },
      ],
      edges: [
        { from: 'input', to: 'prompt' },
        { from: 'prompt', to: 'llm' },
        { from: 'llm', to: 'output' },
      ],
    });
    expect(check(definition).problems).toEqual([]);
  });

  it('unknown_model is a warning with suggestions, retired_model an error with replacements', () => {
    const definition = workflow({
      nodes: nodes(
        {
          id: 'old',
          type: 'anthropicCompletion',
          config: { model: 'claude-3-5-sonnet-20241022', prompt: 'x' },
        },
        { id: 'typo', type: 'openaiCompletion', config: { model: 'gpt-4.1-mimi', prompt: 'x' } },
        {
          id: 'azure',
          type: 'azureOpenaiCompletion',
          config: { model: 'my-deployment', prompt: 'x' },
        },
      ),
      edges: [
        ...(workflow().edges as Json[]),
        ...['old', 'typo', 'azure'].map((id) => ({ from: 'input', to: id })),
      ],
    });
    const { problems, at } = check(definition);
    expect(
      problems.map((problem) => [
        problem.code,
        problem.severity,
        problem.node,
        problem.line,
        problem.message,
      ]),
    ).toEqual([
      [
        'retired_model',
        'error',
        'old',
        at('"model": "claude-3-5').line,
        'model "claude-3-5-sonnet-20241022" was retired on 2025-10-22 and calls to it fail; use "claude-sonnet-4-6"',
      ],
      [
        'unknown_model',
        'warning',
        'typo',
        at('"model": "gpt-4.1-mimi"').line,
        'model "gpt-4.1-mimi" is not in the openai catalog; did you mean "gpt-4.1-mini"?',
      ],
    ]);
    expect(
      validateWorkflow(parseWorkflow(JSON.stringify(definition), { fileName: 'x.json' }), {
        catalog: new ModelCatalog([]),
      }),
    ).toEqual([]);
  });

  it('deprecated_model: a warning with the end-of-life date and the replacement, an error after it', () => {
    const definition = workflow({
      nodes: nodes({
        id: 'llm',
        type: 'anthropicCompletion',
        config: { model: 'claude-sonnet-4-5', prompt: 'x' },
      }),
      edges: [...(workflow().edges as Json[]), { from: 'input', to: 'llm' }],
    });
    const loaded = parseWorkflow(JSON.stringify(definition, null, 2), { fileName: 'x.json' });
    const before = validateWorkflow(loaded, { now: new Date('2026-11-27T12:00:00Z') });
    expect(before.map((problem) => [problem.code, problem.severity, problem.message])).toEqual([
      [
        'deprecated_model',
        'warning',
        'model "claude-sonnet-4-5" is deprecated and reaches its end of life on 2026-11-30; use "claude-sonnet-4-6"',
      ],
    ]);
    const after = validateWorkflow(loaded, { now: new Date('2026-12-01T00:00:00Z') });
    expect(after.map((problem) => [problem.code, problem.severity, problem.message])).toEqual([
      [
        'retired_model',
        'error',
        'model "claude-sonnet-4-5" reached its end of life on 2026-11-30 and calls to it fail; use "claude-sonnet-4-6"',
      ],
    ]);
  });

  it('a retired embedding model is reported as retired, not as a chat model', () => {
    const definition = workflow({
      nodes: nodes({
        id: 'llm',
        type: 'embeddingGenerate',
        config: { provider: 'voyage', model: 'voyage-2', input: 'x' },
      }),
      edges: [...(workflow().edges as Json[]), { from: 'input', to: 'llm' }],
    });
    const problems = check(definition).problems;
    expect(problems.map((problem) => [problem.code, problem.message])).toEqual([
      [
        'retired_model',
        'model "voyage-2" was retired on 2025-01-01 and calls to it fail; use "voyage-4"',
      ],
    ]);
  });

  it('locates problems in YAML files', () => {
    const yaml = `id: test
name: Test
input: { type: object }
nodes:
  - id: input
    type: input
  - id: answer
    type: anthropicCompletion
    config:
      prompt: "{{ nodes.nope }}"
  - id: output
    type: output
edges:
  - { from: input, to: answer }
  - { from: answer, to: output }
`;
    const problems = validateWorkflow(parseWorkflow(yaml, { fileName: 'flow.yaml' }));
    expect(formatProblem(only(problems))).toBe(
      'flow.yaml:10:7 node "answer" field "prompt" (at column 4 of the expression): unknown node "nope"',
    );
  });
});
