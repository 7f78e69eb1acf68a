import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../load/parse-workflow.js';
import { validateWorkflow } from './validate-workflow.js';

function routerWorkflow(config: Record<string, unknown>, env: string[] = []) {
  const definition = {
    id: 'routed',
    name: 'Routed',
    env,
    input: { type: 'object', properties: { text: { type: 'string' } } },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'route', type: 'llmRouter', config: { prompt: '{{ input.text }}', ...config } },
      { id: 'output', type: 'output' },
    ],
    edges: [
      { from: 'input', to: 'route' },
      { from: 'route', to: 'output' },
    ],
  };
  const text = JSON.stringify(definition, null, 2);
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
  return { problems: validateWorkflow(parseWorkflow(text, { fileName: 'routed.json' })), lineOf };
}

const mini = { provider: 'openai', model: 'gpt-4.1-mini' };

describe('llmRouter validation', () => {
  it('accepts routes over input, env and prompt_tokens with target lists', () => {
    const { problems } = routerWorkflow(
      {
        routes: [
          { condition: 'prompt_tokens > 1000 && size(input.text) > 10', target: mini },
          {
            name: 'fast',
            condition: 'env.USE_FAST == "true"',
            target: [{ provider: 'groq', model: 'llama-3.1-8b-instant', weight: 2 }, mini],
          },
        ],
        default: mini,
        strategy: 'weighted',
        cooldown: { failures: 3, seconds: 30 },
        afterTokens: 'restart',
        fallbackOn: ['rate_limit', 'auth'],
      },
      ['USE_FAST'],
    );
    expect(problems).toEqual([]);
  });

  it('parses conditions at validate time, with the field and the position inside', () => {
    const { problems, lineOf } = routerWorkflow({
      routes: [
        { condition: 'prompt_tokens >', target: mini },
        { condition: 'promt_tokens > 5', target: mini },
      ],
      default: mini,
    });
    expect(problems).toMatchObject([
      {
        code: 'expression_syntax',
        node: 'route',
        field: 'routes[0].condition',
        line: lineOf('"condition": "prompt_tokens >"'),
        expression: { source: 'prompt_tokens >', line: 1 },
      },
      {
        code: 'unknown_reference',
        node: 'route',
        field: 'routes[1].condition',
        message: 'unknown name "promt_tokens"; did you mean "prompt_tokens"?',
        expression: { offset: 0, column: 1 },
      },
    ]);
  });

  it('flags unknown providers (error) and unknown models (warning) with node id and field', () => {
    const unknownProvider = routerWorkflow({
      default: [mini, { provider: 'openia', model: 'gpt-4.1-mini' }],
    });
    expect(unknownProvider.problems).toMatchObject([
      { code: 'invalid_config', severity: 'error', node: 'route', field: 'default[1].provider' },
    ]);
    expect(unknownProvider.problems[0]?.message).toContain('"openia"');
    const unknownModel = routerWorkflow({
      routes: [
        { condition: 'true', target: [mini, { provider: 'openai', model: 'gpt-4.1-mimi' }] },
      ],
      default: { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
    });
    expect(
      unknownModel.problems.map((problem) => [
        problem.code,
        problem.severity,
        problem.node,
        problem.field,
      ]),
    ).toEqual([
      ['unknown_model', 'warning', 'route', 'routes[0].target[1].model'],
      ['retired_model', 'error', 'route', 'default.model'],
    ]);
  });

  it('requires a default target', () => {
    const { problems } = routerWorkflow({ routes: [{ condition: 'true', target: mini }] });
    expect(problems).toMatchObject([{ code: 'invalid_config', node: 'route', field: 'default' }]);
  });
});
