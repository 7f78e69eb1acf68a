import {
  type ChatRequest,
  emptyUsage,
  type LanguageModelProvider,
  type ProviderErrorKind,
  type ProviderName,
  type StreamEvent,
  type WorkflowDefinition,
  type WorkflowEvent,
} from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryRouterState } from '../router/router-state.js';

// The router against scripted in-memory providers and an injected clock: no network, no sleeps.

type Script = { tokens: string[]; fail?: ProviderErrorKind; latencyMs?: number };

function scriptedProviders(
  scripts: Record<string, Script>,
  clock: { now: number },
  calls: string[],
) {
  return (name: ProviderName): LanguageModelProvider => ({
    name,
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      const key = `${name}/${request.model}`;
      calls.push(key);
      const script = scripts[key] ?? { tokens: ['ok'] };
      clock.now += script.latencyMs ?? 0;
      for (const text of script.tokens) yield { type: 'token', text };
      const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: script.tokens.length };
      usage.totalTokens = usage.inputTokens + usage.outputTokens;
      if (script.fail) {
        yield {
          type: 'error',
          error: { kind: script.fail, message: `${key} failed`, provider: name, retryable: true },
          partialText: script.tokens.join(''),
          usage,
        };
        return;
      }
      yield {
        type: 'done',
        provider: name,
        model: request.model,
        text: script.tokens.join(''),
        toolCalls: [],
        finishReason: 'stop',
        usage,
        cost: { inputUsd: 1, outputUsd: 2, cacheReadUsd: 0, cacheWriteUsd: 0, totalUsd: 3 },
      };
    },
    generate: () => Promise.reject(new Error('not used')),
    listModels: async () => [],
  });
}

function routers(config: Record<string, unknown>, count = 1): WorkflowDefinition {
  const ids = Array.from({ length: count }, (_, index) => `r${index + 1}`);
  const chain = ['input', ...ids, 'output'];
  return {
    id: 'routed',
    name: 'Routed',
    input: { type: 'object', properties: { question: { type: 'string' } } },
    nodes: [
      { id: 'input', type: 'input' },
      ...ids.map((id) => ({ id, type: 'llmRouter', config: { prompt: 'Hi', ...config } })),
      { id: 'output', type: 'output' },
    ],
    edges: chain.slice(1).map((to, index) => ({ from: chain[index] ?? '', to })),
  };
}

async function run(
  workflow: WorkflowDefinition,
  scripts: Record<string, Script>,
  state = new MemoryRouterState(),
) {
  const clock = { now: 0 };
  const calls: string[] = [];
  const events: WorkflowEvent[] = [];
  for await (const event of executeWorkflow({
    workflow,
    input: { question: 'Hi' },
    signal: new AbortController().signal,
    providers: scriptedProviders(scripts, clock, calls),
    environment: {},
    routerState: state,
    now: () => clock.now,
  })) {
    events.push(event);
  }
  return { events, calls, last: events.at(-1) };
}

const a = { provider: 'openai', model: 'gpt-4.1-mini' };
const b = { provider: 'anthropic', model: 'claude-haiku-4-5' };
const c = { provider: 'groq', model: 'llama-3.1-8b-instant' };

describe('llmRouter', () => {
  it('falls back before the first token with one fallback event and sums usage and cost', async () => {
    const { events, last } = await run(routers({ default: [a, b] }), {
      'openai/gpt-4.1-mini': { tokens: [], fail: 'rate_limit' },
      'anthropic/claude-haiku-4-5': { tokens: ['Hel', 'lo'] },
    });
    expect(events.filter((event) => event.type === 'fallback')).toEqual([
      {
        type: 'fallback',
        node: 'r1',
        from: a,
        to: b,
        error: { kind: 'rate_limit', message: 'openai/gpt-4.1-mini failed' },
        discard: false,
      },
    ]);
    expect(last?.type).toBe('done');
    if (last?.type !== 'done') return;
    expect(last.text).toBe('Hello');
    const usage = last.usage.r1;
    expect(usage?.model).toBe('claude-haiku-4-5');
    expect(usage?.usage.inputTokens).toBe(20);
    // The failed attempt is priced from the catalog (10 input tokens of gpt-4.1-mini).
    expect(usage?.attempts?.map((attempt) => [attempt.outcome, attempt.cost?.totalUsd])).toEqual([
      ['error', 0.000004],
      ['ok', 3],
    ]);
    expect(usage?.cost?.totalUsd).toBeCloseTo(3.000004, 12);
  });

  it('never ends a cut answer with done: afterTokens error fails, restart discards', async () => {
    const scripts = {
      'openai/gpt-4.1-mini': { tokens: ['par', 'tial'], fail: 'network' as const },
      'anthropic/claude-haiku-4-5': { tokens: ['whole'] },
    };
    const cut = await run(routers({ default: [a, b] }), scripts);
    expect(cut.calls).toEqual(['openai/gpt-4.1-mini']);
    expect(cut.last).toMatchObject({ type: 'error', kind: 'network', node: 'r1' });
    expect(cut.last?.type === 'error' && cut.last.message).toContain('the answer was cut');
    const restarted = await run(routers({ default: [a, b], afterTokens: 'restart' }), scripts);
    const names = restarted.events
      .filter((event) => event.type === 'token' || event.type === 'fallback')
      .map((event) =>
        event.type === 'token'
          ? event.text
          : `fallback discard=${String(event.type === 'fallback' && event.discard)}`,
      );
    expect(names).toEqual(['par', 'tial', 'fallback discard=true', 'whole']);
    expect(restarted.last).toMatchObject({ type: 'done', text: 'whole', tokenCount: 3 });
  });

  it('does not fall back on kinds outside fallbackOn', async () => {
    const { calls, last } = await run(routers({ default: [a, b], fallbackOn: ['server'] }), {
      'openai/gpt-4.1-mini': { tokens: [], fail: 'rate_limit' },
    });
    expect(calls).toEqual(['openai/gpt-4.1-mini']);
    expect(last).toMatchObject({
      type: 'error',
      kind: 'rate_limit',
      message: 'openai/gpt-4.1-mini failed',
    });
  });

  it('fastest learns time to first token from the injected clock', async () => {
    const { calls } = await run(routers({ strategy: 'fastest', default: [a, b, c] }, 4), {
      'openai/gpt-4.1-mini': { tokens: ['x'], latencyMs: 500 },
      'anthropic/claude-haiku-4-5': { tokens: ['x'], latencyMs: 50 },
      'groq/llama-3.1-8b-instant': { tokens: ['x'], latencyMs: 200 },
    });
    // Each untried target once, then the fastest.
    expect(calls).toEqual([
      'openai/gpt-4.1-mini',
      'anthropic/claude-haiku-4-5',
      'groq/llama-3.1-8b-instant',
      'anthropic/claude-haiku-4-5',
    ]);
  });

  it('cools a failing target down for later runs sharing the state', async () => {
    const state = new MemoryRouterState();
    const workflow = routers({ default: [a, b], cooldown: { failures: 2, seconds: 30 } });
    const scripts = { 'openai/gpt-4.1-mini': { tokens: [], fail: 'overloaded' as const } };
    await run(workflow, scripts, state);
    expect((await run(workflow, scripts, state)).calls).toEqual([
      'openai/gpt-4.1-mini',
      'anthropic/claude-haiku-4-5',
    ]);
    const third = await run(workflow, scripts, state);
    expect(third.calls).toEqual(['anthropic/claude-haiku-4-5']);
    expect(third.events.find((event) => event.type === 'route')).toMatchObject({
      skipped: [{ ...a, reason: 'cooldown' }],
    });
  });
});
