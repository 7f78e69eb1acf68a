import type { JsonValue, WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import * as workflowPackage from '@catalyst/workflow';
import { describe, expect, it, vi } from 'vitest';
import { executeWorkflow } from './execute-workflow.js';
import { preparedWorkflow, prepareWorkflow } from './prepare-workflow.js';

// Counts the schema checks of node configs (the executors call it through the package).
vi.mock('@catalyst/workflow', async (importOriginal) => {
  const actual = await importOriginal<typeof workflowPackage>();
  return { ...actual, parseNodeConfig: vi.fn(actual.parseNodeConfig) };
});

/** input → greet (promptTemplate) → output, with the output's value as given. */
function greeting(value: string): WorkflowDefinition {
  return {
    id: 'greeting',
    name: 'greeting',
    input: { type: 'object' },
    nodes: [
      { id: 'input', type: 'input' },
      {
        id: 'greet',
        type: 'promptTemplate',
        config: { messages: [{ role: 'user', content: 'Hello {{ input.name }}' }] },
      },
      { id: 'output', type: 'output', config: { value } },
    ],
    edges: [
      { from: 'input', to: 'greet' },
      { from: 'greet', to: 'output' },
    ],
  };
}

/** One run; `prepared` runs it as the server does, on the workflow's one preparation. */
async function run(
  workflow: WorkflowDefinition,
  input: JsonValue,
  options: { prepared?: boolean } = {},
): Promise<WorkflowEvent[]> {
  const events: WorkflowEvent[] = [];
  for await (const event of executeWorkflow({
    workflow,
    ...(options.prepared && { prepared: preparedWorkflow(workflow) }),
    input,
    signal: new AbortController().signal,
    providers: () => {
      throw new Error('no provider is needed');
    },
    environment: {},
    embeddingCache: null,
  })) {
    events.push(event);
  }
  return events;
}

describe('preparedWorkflow', () => {
  it('prepares a workflow object once: the graph, the order and the configs with defaults', () => {
    const workflow = greeting('{{ nodes.greet.text }}');
    const prepared = preparedWorkflow(workflow);
    expect(preparedWorkflow(workflow)).toBe(prepared);
    expect(prepared.nodes.map((node) => node.id)).toEqual(['input', 'greet', 'output']);
    expect(prepared.outputPosition).toBe(2);
    const greet = prepared.nodes[1];
    expect(greet?.incoming).toEqual([
      { from: 'input', fromPosition: 0, fromType: 'input', handle: 'output' },
    ]);
    expect(greet?.targets).toEqual([2]);
    expect(greet?.hasOutgoing('output')).toBe(true);
    expect(greet?.hasOutgoing('stream')).toBe(false);
    expect(Object.isFrozen(greet?.config)).toBe(true);
  });

  it('prepares a new workflow object afresh, so a changed copy is never served the old one', async () => {
    const original = greeting('{{ nodes.greet.text }}');
    expect((await run(original, { name: 'Ada' })).at(-1)).toMatchObject({
      output: 'Hello Ada',
    });
    const changed = structuredClone(original);
    const output = changed.nodes[2];
    if (output) output.config = { value: 'Bye {{ input.name }}' };
    expect(preparedWorkflow(changed)).not.toBe(preparedWorkflow(original));
    expect((await run(changed, { name: 'Ada' })).at(-1)).toMatchObject({ output: 'Bye Ada' });
    expect((await run(original, { name: 'Bob' })).at(-1)).toMatchObject({
      output: 'Hello Bob',
    });
  });

  it('checks each node config against its schema on the first run only', async () => {
    const parseNodeConfig = vi.mocked(workflowPackage.parseNodeConfig);
    const workflow = greeting('{{ nodes.greet.text }}!');
    parseNodeConfig.mockClear();
    await run(workflow, { name: 'Ada' }, { prepared: true });
    expect(parseNodeConfig).toHaveBeenCalledTimes(3);
    const second = await run(workflow, { name: 'Bob' }, { prepared: true });
    expect(second.at(-1)).toMatchObject({ type: 'done', output: 'Hello Bob!' });
    expect(parseNodeConfig).toHaveBeenCalledTimes(3);
    // A copy is another workflow: its configs are checked on its own first run.
    await run(structuredClone(workflow), { name: 'Cy' }, { prepared: true });
    expect(parseNodeConfig).toHaveBeenCalledTimes(6);
  });

  it('prepares afresh for a run given no preparation: an edit in place is seen by the next run', async () => {
    const workflow = greeting('{{ nodes.greet.text }}');
    expect((await run(workflow, { name: 'Ada' })).at(-1)).toMatchObject({ output: 'Hello Ada' });
    const output = workflow.nodes[2];
    if (output) output.config = { value: 'Bye {{ input.name }}' };
    expect((await run(workflow, { name: 'Ada' })).at(-1)).toMatchObject({ output: 'Bye Ada' });
    const greet = workflow.nodes[1];
    if (greet?.config)
      (greet.config.messages as { content: string }[])[0] = {
        role: 'user',
        content: 'Hi',
      } as never;
    workflow.nodes[2] = {
      id: 'output',
      type: 'output',
      config: { value: '{{ nodes.greet.text }}' },
    };
    expect((await run(workflow, { name: 'Ada' })).at(-1)).toMatchObject({ output: 'Hi' });
  });

  it('fails a run whose config breaks its schema on every run, not only the first', async () => {
    const workflow = greeting('{{ nodes.greet.text }}');
    const greet = workflow.nodes[1];
    if (greet) greet.config = { messages: 'not a list' } as never;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await run(workflow, { name: 'Ada' })).at(-1)).toMatchObject({
        type: 'error',
        node: 'greet',
        kind: 'validation',
      });
    }
  });

  it('does not remember a workflow with a cycle: it throws every time', () => {
    const workflow = greeting('x');
    workflow.edges.push({ from: 'output', to: 'greet' });
    expect(() => preparedWorkflow(workflow)).toThrow('has a cycle');
    expect(() => preparedWorkflow(workflow)).toThrow('has a cycle');
    expect(() => prepareWorkflow(workflow)).toThrow('has a cycle');
  });
});
