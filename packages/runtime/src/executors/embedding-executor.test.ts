import type { EmbeddingCache } from '@catalyst/providers';
import {
  createMemoryEmbeddingCache,
  createProviderRegistry,
  pointIdForText,
} from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue, WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { loadWorkflowFile, validateWorkflow } from '@catalyst/workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executeWorkflow } from '../execute-workflow.js';
import { conformanceEnvironment, REPOSITORY_ROOT } from '../testing/conformance-vector.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

function embedWorkflow(config: Record<string, JsonValue>): WorkflowDefinition {
  return {
    id: 'embed',
    name: 'Embed',
    input: { type: 'object', properties: { texts: {}, question: { type: 'string' } } },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'embed', type: 'embeddingGenerate', config },
      { id: 'output', type: 'output', config: { value: '{{ nodes.embed }}' } },
    ],
    edges: [
      { from: 'input', to: 'embed' },
      { from: 'embed', to: 'output' },
    ],
  };
}

async function run(
  workflow: WorkflowDefinition,
  input: JsonValue,
  embeddingCache: EmbeddingCache | null = createMemoryEmbeddingCache(),
) {
  const environment = conformanceEnvironment(simulator.url);
  const events: WorkflowEvent[] = [];
  for await (const event of executeWorkflow({
    workflow,
    input,
    signal: AbortSignal.timeout(30_000),
    environment,
    embeddingCache,
    providers: createProviderRegistry({ environment }),
  })) {
    events.push(event);
  }
  return events;
}

function done(events: WorkflowEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error(`run failed: ${JSON.stringify(last)}`);
  return last;
}

describe('embeddingGenerate', () => {
  it('embeds a list from an expression, emits partial, and reports usage in done', async () => {
    const events = await run(
      embedWorkflow({
        provider: 'openai',
        model: 'text-embedding-3-small',
        dimensions: 4,
        input: '{{ input.texts }}',
        payload: { source: 'faq-{{ input.question }}' },
      }),
      { texts: ['alpha', 'beta'], question: 'q' },
    );
    const result = done(events);
    const output = result.output as Record<string, JsonValue>;
    expect(output.provider).toBe('openai');
    expect(output.dimensions).toBe(4);
    expect(output.vectors).toHaveLength(2);
    const points = output.points as Array<Record<string, JsonValue>>;
    expect(points[1]).toEqual({
      id: pointIdForText('beta'),
      vector: (output.vectors as JsonValue[])[1],
      payload: { source: 'faq-q', text: 'beta', index: 1 },
    });
    // The simulator counts about four characters a token: 'alpha' 2, 'beta' 1.
    expect(output.usage).toEqual({
      inputTokens: 3,
      items: 2,
      cachedItems: 0,
      requests: 1,
      retries: 0,
    });
    expect(events.some((event) => event.type === 'partial' && event.node === 'embed')).toBe(true);
    expect(result.usage.embed).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      usage: { inputTokens: 3, totalTokens: 3, outputTokens: 0 },
      embedding: { items: 2, cachedItems: 0, requests: 1, retries: 0 },
    });
    expect(result.cost?.totalUsd).toBeGreaterThan(0);
  });

  it('serves a second run from the cache: no request, zero cost', async () => {
    const cache = createMemoryEmbeddingCache();
    const workflow = embedWorkflow({
      provider: 'voyage',
      model: 'voyage-4',
      inputType: 'document',
      input: ['{{ input.question }}', 'second text'],
    });
    done(await run(workflow, { question: 'first text' }, cache));
    const second = done(await run(workflow, { question: 'first text' }, cache));
    const output = second.output as Record<string, JsonValue>;
    expect(output.usage).toMatchObject({ inputTokens: 0, items: 2, cachedItems: 2, requests: 0 });
    expect(output.cost).toMatchObject({ totalUsd: 0 });
    expect(simulator.requests()).toHaveLength(1);
  });

  it('embeds through Azure OpenAI (the model is the deployment) like OpenAI', async () => {
    const config = { model: 'text-embedding-3-small', dimensions: 4, input: ['same text'] };
    const azure = done(await run(embedWorkflow({ ...config, provider: 'azure' }), {}));
    const openai = done(await run(embedWorkflow({ ...config, provider: 'openai' }), {}));
    const azureOutput = azure.output as Record<string, JsonValue>;
    expect(azureOutput.provider).toBe('azure');
    expect(azureOutput.vectors).toEqual((openai.output as Record<string, JsonValue>).vectors);
    // Azure deployments of OpenAI models are priced as OpenAI's.
    expect(azure.cost?.totalUsd).toBeGreaterThan(0);
    expect(simulator.requests()[0]?.provider).toBe('azure');
  });

  it('ranks texts against a query with cosine similarity', async () => {
    const result = done(
      await run(
        embedWorkflow({
          provider: 'gemini',
          model: 'gemini-embedding-001',
          dimensions: 16,
          input: '{{ input.texts }}',
          query: '{{ input.question }}',
          topK: 2,
          points: false,
        }),
        { texts: ['one', 'two', 'three', 'one'], question: 'one' },
      ),
    );
    const output = result.output as Record<string, JsonValue>;
    expect(output.points).toBeUndefined();
    const ranking = output.ranking as Array<{ index: number; score: number; text: string }>;
    expect(ranking).toHaveLength(2);
    // 'one' is the query's own text; Gemini's vectors do not depend on the task type here.
    expect(ranking.map((item) => item.text)).toEqual(['one', 'one']);
    expect(ranking[0]?.score).toBeCloseTo(1, 10);
    expect(output.usage).toMatchObject({ items: 5, cachedItems: 1, requests: 2 });
  });

  it('names the node and field when the input is not text', async () => {
    const notText = done_error(
      await run(
        embedWorkflow({
          provider: 'openai',
          model: 'text-embedding-3-small',
          input: '{{ input.texts }}',
        }),
        {
          texts: ['ok', 3],
        },
      ),
    );
    expect(notText).toMatchObject({
      kind: 'validation',
      node: 'embed',
      message: 'node "embed" field "input[1]": is a number; expected a string',
    });
    const wrongType = done_error(
      await run(
        embedWorkflow({
          provider: 'openai',
          model: 'text-embedding-3-small',
          input: '{{ input.texts }}',
        }),
        {
          texts: { a: 1 },
        },
      ),
    );
    expect(wrongType.message).toBe(
      'node "embed" field "input": gave an object; expected a string or a list of strings',
    );
    const empty = done_error(
      await run(
        embedWorkflow({ provider: 'openai', model: 'text-embedding-3-small', input: ['a', ''] }),
        {},
      ),
    );
    expect(empty.message).toBe('node "embed" field "input[1]": an empty string cannot be embedded');
  });

  it('fails with the provider error kind when a batch cannot be embedded', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [{ match: { operation: 'embeddings' }, fault: { type: 'http', kind: 'auth' } }],
      }),
    );
    const error = done_error(
      await run(
        embedWorkflow({ provider: 'openai', model: 'text-embedding-3-small', input: 'x' }),
        {},
      ),
    );
    expect(error).toMatchObject({ kind: 'auth', node: 'embed', retryable: false });
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain('sk-conformance');
  });

  it('validates the example workflow and reports config problems by field', async () => {
    const loaded = await loadWorkflowFile(`${REPOSITORY_ROOT}/examples/embeddings.json`);
    expect(validateWorkflow(loaded).filter((problem) => problem.severity === 'error')).toEqual([]);
    const problems = validateWorkflow({
      ...loaded,
      definition: embedWorkflow({
        provider: 'voyage',
        model: 'voyage-4x',
        dimensions: 300,
        input: 'x',
        topK: 3,
      }),
    });
    const byField = Object.fromEntries(problems.map((problem) => [problem.field, problem]));
    expect(byField.model?.severity).toBe('warning');
    expect(byField.model?.message).toContain('did you mean "voyage-4"');
    expect(byField.dimensions?.message).toBe(
      'Voyage accepts dimensions 256, 512, 1024, 2048, not 300',
    );
    expect(byField.topK?.severity).toBe('error');
  });
});

function done_error(events: WorkflowEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(last)}`);
  return last;
}
