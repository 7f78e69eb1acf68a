import { createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWorkflow, startWorkflowRun } from './execute-workflow.js';
import { conformanceEnvironment } from './testing/conformance-vector.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

function chatWorkflow(prompt = '{{ input.question }}'): WorkflowDefinition {
  return {
    id: 'chat',
    name: 'Chat',
    input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
    nodes: [
      { id: 'input', type: 'input' },
      { id: 'answer', type: 'openaiCompletion', config: { model: 'gpt-4.1-mini', prompt } },
      { id: 'output', type: 'output', config: { value: { answer: '{{ nodes.answer.text }}' } } },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  };
}

async function run(
  workflow: WorkflowDefinition,
  input: unknown,
  signal = new AbortController().signal,
) {
  const events: WorkflowEvent[] = [];
  for await (const event of executeWorkflow({
    workflow,
    input: input as never,
    signal,
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment: { USE_FAST: 'true', SECRET: 'never-visible' },
  })) {
    events.push(event);
  }
  return events;
}

describe('executeWorkflow', () => {
  it('streams tokens, reports nodes, and ends with one done carrying output, usage and cost', async () => {
    const events = await run(chatWorkflow(), { question: 'Hello there' });
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'done')).toHaveLength(1);
    expect(types.at(-1)).toBe('done');
    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.length).toBeGreaterThan(3);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done');
    const text = tokens.map((event) => (event.type === 'token' ? event.text : '')).join('');
    expect(done.text).toBe(text);
    expect(done.tokenCount).toBe(tokens.length);
    expect(done.output).toEqual({ answer: text });
    expect(text).toContain('Hello there');
    expect(done.usage.answer).toMatchObject({ provider: 'openai' });
    expect(done.usage.answer?.usage.outputTokens).toBeGreaterThan(0);
    expect(done.cost?.totalUsd).toBeGreaterThan(0);
    expect(events.filter((event) => event.type === 'partial')).toHaveLength(1);
    expect(
      events
        .filter((event) => event.type === 'node')
        .map((event) => event.type === 'node' && `${event.node}:${event.status}`),
    ).toEqual([
      'input:started',
      'input:finished',
      'answer:started',
      'answer:finished',
      'output:started',
      'output:finished',
    ]);
  });

  it('runs independent branches concurrently', async () => {
    const slow = '[[sim {"timing":{"firstTokenMs":300,"tokenDelayMs":5}}]]';
    const workflow: WorkflowDefinition = {
      ...chatWorkflow(),
      nodes: [
        { id: 'input', type: 'input' },
        {
          id: 'a',
          type: 'openaiCompletion',
          config: { model: 'gpt-4.1-mini', prompt: `A ${slow}` },
        },
        {
          id: 'b',
          type: 'openaiCompletion',
          config: { model: 'gpt-4.1-mini', prompt: `B ${slow}` },
        },
        { id: 'output', type: 'output' },
      ],
      edges: [
        { from: 'input', to: 'a' },
        { from: 'input', to: 'b' },
        { from: 'a', to: 'output' },
        { from: 'b', to: 'output' },
      ],
    };
    const events = await run(workflow, { question: 'x' });
    // Concurrent, not sequential: both branches start before either finishes (an order of
    // events, not a wall-clock bound, so a loaded machine cannot fail it).
    const position = (node: string, status: string) =>
      events.findIndex(
        (event) => event.type === 'node' && event.node === node && event.status === status,
      );
    const firstFinish = Math.min(position('a', 'finished'), position('b', 'finished'));
    expect(position('a', 'started')).toBeGreaterThanOrEqual(0);
    expect(position('b', 'started')).toBeGreaterThanOrEqual(0);
    expect(Math.max(position('a', 'started'), position('b', 'started'))).toBeLessThan(firstFinish);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(JSON.stringify(done));
    expect(Object.keys(done.output as object).sort()).toEqual(['a', 'b']);
  });

  it('routes a tool call to the function_call branch and skips the output branch', async () => {
    const workflow: WorkflowDefinition = {
      id: 'extract',
      name: 'Extract',
      input: { type: 'object' },
      nodes: [
        { id: 'input', type: 'input' },
        {
          id: 'model',
          type: 'openaiCompletion',
          config: {
            model: 'gpt-4.1-mini',
            prompt: 'Find the contact',
            tools: [
              {
                name: 'save',
                parameters: {
                  type: 'object',
                  properties: { name: { type: 'string' } },
                  required: ['name'],
                },
              },
            ],
            toolChoice: 'required',
          },
        },
        {
          id: 'saved',
          type: 'output',
          config: { value: { call: '{{ nodes.model.toolCalls[0].arguments }}' } },
        },
        {
          id: 'plain',
          type: 'promptTemplate',
          config: { messages: [{ role: 'user', content: '{{ nodes.model.text }}' }] },
        },
      ],
      edges: [
        { from: 'input', to: 'model' },
        { from: 'model', fromHandle: 'function_call', to: 'saved' },
        { from: 'model', to: 'plain' },
      ],
    };
    const events = await run(workflow, {});
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(JSON.stringify(done));
    expect(done.output).toEqual({ call: { name: 'example name' } });
    expect(events).toContainEqual({
      type: 'node',
      node: 'plain',
      nodeType: 'promptTemplate',
      status: 'skipped',
    });
  });

  it('ends with an error naming the node when the provider fails', async () => {
    const fault = '[[sim {"fault":{"type":"http","kind":"auth"}}]]';
    const events = await run(chatWorkflow(`{{ input.question }} ${fault}`), { question: 'q' });
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      node: 'answer',
      kind: 'auth',
      retryable: false,
    });
    expect(events.filter((event) => event.type === 'error' || event.type === 'done')).toHaveLength(
      1,
    );
    expect(JSON.stringify(events)).not.toContain(
      conformanceEnvironment(simulator.url).OPENAI_API_KEY,
    );
  });

  it('reports an expression error with node, field and template', async () => {
    const events = await run(chatWorkflow('{{ input.missing }}'), { question: 'q' });
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', node: 'answer', kind: 'expression' });
    expect(last?.type === 'error' && last.message).toContain(
      'node "answer" field "prompt": no such key: missing',
    );
  });

  it('aborts every in-flight provider call when the run is aborted', async () => {
    simulator.reset();
    const controller = new AbortController();
    const slow = '[[sim {"timing":{"firstTokenMs":5000}}]]';
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const events = await run(
      chatWorkflow(`{{ input.question }} ${slow}`),
      { question: 'q' },
      controller.signal,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'aborted' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const chat = simulator.requests().filter((request) => request.operation === 'chat');
    expect(chat.at(-1)?.clientClosedEarly).toBe(true);
  });

  it('exposes only the environment variables the workflow lists', async () => {
    const workflow = chatWorkflow('{{ env.USE_FAST }} {{ has(env.SECRET) }}');
    workflow.env = ['USE_FAST'];
    const events = await run(workflow, { question: 'q' });
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(JSON.stringify(done));
    expect(done.text).toContain('you said "true false"');
  });

  it('fails a node whose config does not match its schema (a workflow that skipped validation)', async () => {
    const workflow = chatWorkflow();
    workflow.nodes[1] = {
      id: 'answer',
      type: 'openaiCompletion',
      config: { model: 'gpt-4.1-mini', prompt: 'Hi', temperature: 5 },
    };
    const events = await run(workflow, { question: 'Hi' });
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', node: 'answer', kind: 'validation' });
    expect(last?.type === 'error' && last.message).toContain(
      'node "answer": invalid openaiCompletion config: temperature:',
    );
    expect(events.some((event) => event.type === 'token')).toBe(false);
  });
});

describe('startWorkflowRun', () => {
  it('pushes the events executeWorkflow yields, in the same order, then ends once', async () => {
    const workflow = chatWorkflow();
    const input = { question: 'Hello there' };
    const pulled = await run(workflow, input);
    const pushed: WorkflowEvent[] = [];
    let ends = 0;
    await new Promise<void>((resolve) => {
      startWorkflowRun({
        workflow,
        input,
        signal: new AbortController().signal,
        providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
        environment: { USE_FAST: 'true', SECRET: 'never-visible' },
        onEvent: (event) => pushed.push(event),
        onEnd: () => {
          ends += 1;
          resolve();
        },
      });
    });
    expect(ends).toBe(1);
    expect(pushed.filter((event) => event.type === 'token').length).toBeGreaterThan(3);
    // Same events; only the measured cost-free fields could differ, and they do not here.
    expect(pushed).toEqual(pulled);
  });

  it('ends with one aborted error when its signal aborts mid-run, and nothing after it', async () => {
    const controller = new AbortController();
    const pushed: WorkflowEvent[] = [];
    await new Promise<void>((resolve) => {
      startWorkflowRun({
        workflow: chatWorkflow(),
        input: { question: 'Hello there' },
        signal: controller.signal,
        providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
        environment: {},
        onEvent: (event) => {
          pushed.push(event);
          if (event.type === 'token') controller.abort();
        },
        onEnd: resolve,
      });
    });
    const last = pushed.at(-1);
    expect(last).toMatchObject({ type: 'error', kind: 'aborted' });
    expect(pushed.filter((event) => event.type === 'error' || event.type === 'done')).toHaveLength(
      1,
    );
  });
});
