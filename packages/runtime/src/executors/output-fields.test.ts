import { createMemoryEmbeddingCache, createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue, WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { getNodeType } from '@catalyst/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../execute-workflow.js';
import { conformanceEnvironment } from '../testing/conformance-vector.js';

// The registry's `outputFields` are what editors offer after `nodes.<id>.`; this keeps them equal
// to what the executors really output, so a field added to an executor is added there too.

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());

const WORKFLOW: WorkflowDefinition = {
  id: 'fields',
  name: 'Fields',
  input: { type: 'object', properties: { question: { type: 'string' } } },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'prompt',
      type: 'promptTemplate',
      config: {
        system: 'Answer in JSON.',
        messages: [{ role: 'user', content: '{{ input.question }}' }],
      },
    },
    {
      id: 'answer',
      type: 'openaiCompletion',
      config: { model: 'gpt-4.1-mini', responseFormat: 'json_object' },
    },
    {
      id: 'embed',
      type: 'embeddingGenerate',
      config: {
        provider: 'openai',
        model: 'text-embedding-3-small',
        dimensions: 4,
        input: ['{{ input.question }}', 'other'],
        query: '{{ input.question }}',
      },
    },
    {
      id: 'route',
      type: 'llmRouter',
      config: {
        prompt: '{{ input.question }}',
        responseFormat: 'json_object',
        default: [{ provider: 'openai', model: 'gpt-4.1-mini' }],
      },
    },
    { id: 'output', type: 'output' },
  ],
  edges: [
    { from: 'input', to: 'prompt' },
    { from: 'prompt', to: 'answer' },
    { from: 'input', to: 'embed' },
    { from: 'prompt', to: 'output' },
    { from: 'answer', to: 'output' },
    { from: 'embed', to: 'output' },
    { from: 'input', to: 'route' },
    { from: 'route', to: 'output' },
  ],
};

describe('node output fields', () => {
  it('every field a node outputs is one its type lists, and the other way round', async () => {
    const environment = conformanceEnvironment(simulator.url);
    const events: WorkflowEvent[] = [];
    for await (const event of executeWorkflow({
      workflow: WORKFLOW,
      input: { question: 'Hello' },
      signal: AbortSignal.timeout(30_000),
      environment,
      embeddingCache: createMemoryEmbeddingCache(),
      providers: createProviderRegistry({ environment }),
    })) {
      events.push(event);
    }
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`run failed: ${JSON.stringify(done)}`);
    // An output node fed by several nodes outputs their outputs by node id.
    const outputs = done.output as Record<string, Record<string, JsonValue>>;
    for (const node of WORKFLOW.nodes.filter((each) => each.id in outputs)) {
      const listed = (getNodeType(node.type)?.outputFields ?? []).map((field) => field.name);
      // Each optional field is produced here (system set, JSON mode, points on, a query).
      expect(Object.keys(outputs[node.id] ?? {}).sort(), node.type).toEqual([...listed].sort());
    }
    expect(Object.keys(outputs).sort()).toEqual(['answer', 'embed', 'prompt', 'route']);
  });
});
