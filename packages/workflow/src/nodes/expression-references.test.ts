import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expressionReferences } from './expression-references.js';

const names = (references: { name: string }[] | undefined) =>
  (references ?? []).map((reference) => reference.name);

describe('expressionReferences', () => {
  const definition = {
    input: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'what to ask' },
        meta: { type: 'object', properties: { lang: { type: 'string' } } },
        'not an identifier': { type: 'string' },
      },
    },
    env: ['REGION'],
    nodes: [
      { id: 'input', type: 'input' },
      {
        id: 'prompt',
        type: 'promptTemplate',
        config: { variables: { tone: 'dry' }, messages: [] },
      },
      { id: 'answer', type: 'anthropicCompletion' },
      { id: 'side', type: 'openaiCompletion' },
      { id: 'output', type: 'output' },
    ],
    edges: [
      { from: 'input', to: 'prompt' },
      { from: 'prompt', to: 'answer' },
      { from: 'input', to: 'side' },
      { from: 'answer', to: 'output' },
    ],
  };
  const references = expressionReferences({ definition });

  it('offers the input, nested properties too, and the env names the workflow declares', () => {
    const prompt = references.get('prompt');
    expect(names(prompt)).toEqual([
      'input.question',
      'input.meta',
      'input.meta.lang',
      'nodes.input',
      'nodes.input.question',
      'nodes.input.meta',
      'nodes.input.meta.lang',
      'env.REGION',
      'variables.tone',
    ]);
    expect(prompt?.[0]).toEqual({
      name: 'input.question',
      detail: 'string: what to ask',
      hasChildren: false,
    });
    expect(prompt?.find((reference) => reference.name === 'input.meta')?.hasChildren).toBe(true);
  });

  it('offers upstream nodes only, with the output fields of their type', () => {
    const output = names(references.get('output'));
    expect(output.filter((name) => /^nodes\.\w+$/.test(name))).toEqual([
      'nodes.input',
      'nodes.prompt',
      'nodes.answer',
    ]);
    expect(output).toContain('nodes.answer.toolCalls');
    expect(output).toContain('nodes.prompt.messages');
    // `side` runs beside `answer`, not before `output`: the validator rejects reading it.
    expect(output.some((name) => name.startsWith('nodes.side'))).toBe(false);
    expect(output.some((name) => name.startsWith('nodes.output'))).toBe(false);
    expect(names(references.get('input')).some((name) => name.startsWith('nodes.'))).toBe(false);
    expect(output.filter((name) => name.startsWith('nodes.answer.'))).toEqual([
      'nodes.answer.text',
      'nodes.answer.json',
      'nodes.answer.toolCalls',
      'nodes.answer.finishReason',
      'nodes.answer.provider',
      'nodes.answer.model',
      'nodes.answer.usage',
      'nodes.answer.cost',
    ]);
  });

  it('adds the names a node type brings: a router reads prompt_tokens', () => {
    const routed = expressionReferences({
      definition: { input: {}, nodes: [{ id: 'route', type: 'llmRouter' }], edges: [] },
    });
    expect(names(routed.get('route'))).toEqual(['prompt_tokens']);
  });

  it('copes with a half-edited file: odd nodes, edges and schemas are skipped', () => {
    const odd = expressionReferences({
      definition: {
        input: { properties: 'nope' },
        env: [1, 'OK'],
        nodes: [{ id: 'a', type: 'input' }, { id: 7 }, null, { id: 'b', type: 'mystery' }],
        edges: [{ from: 'a', to: 'b' }, { from: 'a' }, 'x'],
      },
    });
    expect(names(odd.get('b'))).toEqual(['nodes.a', 'env.OK']);
    expect(odd.get('b')?.[0]).toEqual({ name: 'nodes.a', detail: 'Input', hasChildren: false });
  });

  it('gives the shipped hello example its input and upstream names', () => {
    const hello = JSON.parse(
      readFileSync(new URL('../../../../examples/hello.json', import.meta.url), 'utf8'),
    );
    expect(names(expressionReferences({ definition: hello }).get('output'))).toContain(
      'nodes.answer.text',
    );
  });
});
