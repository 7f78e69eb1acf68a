import type { WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { executeWorkflow } from './execute-workflow.js';

/**
 * A chain input → p0 → … → p(size-1) → output of prompt templates (no provider calls), each
 * reading its predecessor and the first template, the shape whose runs grew quadratically.
 */
function chain(size: number): WorkflowDefinition {
  const nodes: WorkflowDefinition['nodes'] = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    const content =
      index === 0
        ? '{{ input.q }}'
        : `{{ input.q }} {{ size(nodes.p${index - 1}.messages) }} {{ nodes.p0.text }}`;
    nodes.push({
      id: `p${index}`,
      type: 'promptTemplate',
      config: { messages: [{ role: 'user', content }] },
    });
  }
  nodes.push({ id: 'output', type: 'output', config: { value: '{{ nodes.p0.text }}' } });
  const edges = nodes.slice(1).map((node, index) => ({
    from: nodes[index]?.id as string,
    to: node.id,
  }));
  return { id: 'chain', name: 'chain', input: { type: 'object' }, nodes, edges };
}

async function collect(options: {
  workflow: WorkflowDefinition;
  input?: unknown;
  signal?: AbortSignal;
  onVisit?: (id: string) => void;
}): Promise<WorkflowEvent[]> {
  const events: WorkflowEvent[] = [];
  for await (const event of executeWorkflow({
    workflow: options.workflow,
    input: (options.input ?? { q: 'hi' }) as never,
    signal: options.signal ?? new AbortController().signal,
    providers: () => {
      throw new Error('no provider is needed');
    },
    environment: {},
    embeddingCache: null,
    ...(options.onVisit !== undefined && { onVisit: options.onVisit }),
  })) {
    events.push(event);
  }
  return events;
}

describe('executeWorkflow at scale', () => {
  it('does work linear in the size of a 10,000-node chain (scheduling and scope lookups)', async () => {
    const size = 10_000;
    let visits = 0;
    const events = await collect({ workflow: chain(size), onVisit: () => (visits += 1) });
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', output: 'hi' });
    expect(events.filter((event) => event.type === 'node')).toHaveLength(2 * (size + 2));
    // Every node is taken from the ready queue once; each scope lookup of a predecessor steps on
    // one node and those of p0 are bounded by a few searches of the whole graph. A scan of every
    // node after each completion, or a copy of every upstream output per node, is 50 million.
    expect(visits).toBeGreaterThanOrEqual(size);
    expect(visits).toBeLessThan(10 * size);
  }, 60_000);

  it('lets timers and signals run during a long run without I/O, and stops when aborted', async () => {
    const controller = new AbortController();
    // Fires at the event loop's first turn, which a run that never yields would only give it
    // after the last node.
    setImmediate(() => controller.abort());
    const events = await collect({ workflow: chain(5_000), signal: controller.signal });
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', kind: 'aborted', retryable: false });
    const finished = events.filter((event) => event.type === 'node' && event.status === 'finished');
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(5_000);
  });

  it('gives a node every finished upstream output, in listing order, and nothing else', async () => {
    // input → left → "2" → join, and input → right, a parallel branch join cannot see. A whole
    // read lists the keys the way the plain object built before did (integer-like keys first,
    // then the upstream listing order); reads of a node not upstream find nothing.
    const workflow: WorkflowDefinition = {
      id: 'scope',
      name: 'scope',
      input: { type: 'object' },
      nodes: [
        { id: 'input', type: 'input' },
        {
          id: 'left',
          type: 'promptTemplate',
          config: { messages: [{ role: 'user', content: 'L' }] },
        },
        { id: '2', type: 'promptTemplate', config: { messages: [{ role: 'user', content: 'T' }] } },
        {
          id: 'right',
          type: 'promptTemplate',
          config: { messages: [{ role: 'user', content: 'R' }] },
        },
        {
          id: 'join',
          type: 'promptTemplate',
          config: {
            messages: [
              {
                role: 'user',
                content:
                  '{{ nodes.map(id, id) }} {{ has(nodes.right) }} {{ nodes["2"].text }} {{ input.which in nodes }}',
              },
            ],
          },
        },
        { id: 'output', type: 'output', config: { value: '{{ nodes.join.text }}' } },
      ],
      edges: [
        { from: 'input', to: 'left' },
        { from: 'left', to: '2' },
        { from: '2', to: 'join' },
        { from: 'input', to: 'right' },
        { from: 'join', to: 'output' },
      ],
    };
    const events = await collect({ workflow, input: { which: 'right' } });
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      output: '["2","left","input"] false T false',
    });
  });
});
