import { ModelCatalog } from '@catalyst/providers';
import { describe, expect, it } from 'vitest';
import { orderTargets, type RouterTarget, smoothWeightedPick } from './order-targets.js';
import type { TargetStats } from './router-state.js';

const catalog = ModelCatalog.default();
const target = (provider: RouterTarget['provider'], model: string, weight = 1): RouterTarget => ({
  provider,
  model,
  weight,
});
const groq = target('groq', 'llama-3.1-8b-instant');
const mini = target('openai', 'gpt-4.1-mini');
const haiku = target('anthropic', 'claude-haiku-4-5');
const noNeeds = { tools: false, jsonMode: false, jsonSchema: false };

function order(options: Partial<Parameters<typeof orderTargets>[0]> & { targets: RouterTarget[] }) {
  return orderTargets({
    strategy: 'ordered',
    promptTokens: 100,
    needs: noNeeds,
    catalog,
    stats: new Map(),
    honourCooldown: false,
    ...options,
  });
}

const names = (targets: readonly RouterTarget[]) => targets.map((entry) => entry.model);

describe('smoothWeightedPick', () => {
  it('gives each target exactly its weight in every cycle, interleaved, and is deterministic', () => {
    expect([0, 1, 2, 3].map((turn) => smoothWeightedPick([3, 1], turn))).toEqual([0, 0, 1, 0]);
    const counts = [0, 0, 0];
    for (let turn = 0; turn < 600; turn += 1) {
      const pick = smoothWeightedPick([5, 1, 0], turn) ?? -1;
      counts[pick] = (counts[pick] ?? 0) + 1;
    }
    expect(counts).toEqual([500, 100, 0]);
    expect(smoothWeightedPick([0, 0], 3)).toBeUndefined();
  });
});

describe('orderTargets', () => {
  it('ordered keeps the listed order', () => {
    expect(names(order({ targets: [groq, mini, haiku] }).targets)).toEqual([
      'llama-3.1-8b-instant',
      'gpt-4.1-mini',
      'claude-haiku-4-5',
    ]);
  });

  it('cheapest sorts by catalog price and leaves out windows too small and missing capabilities', () => {
    const local = target('local', 'smollm2-135m-instruct');
    const result = order({
      targets: [haiku, target('openai', 'gpt-4o'), mini, local],
      strategy: 'cheapest',
      needs: { ...noNeeds, tools: true, maxTokens: 130_000 },
    });
    expect(names(result.targets)).toEqual(['gpt-4.1-mini', 'claude-haiku-4-5']);
    expect(result.skipped).toEqual([
      { provider: 'openai', model: 'gpt-4o', reason: 'context_window' },
      { provider: 'local', model: 'smollm2-135m-instruct', reason: 'context_window' },
    ]);
    const tools = order({
      targets: [local, mini],
      strategy: 'cheapest',
      needs: { ...noNeeds, tools: true },
    });
    expect(tools.skipped).toEqual([
      { provider: 'local', model: 'smollm2-135m-instruct', reason: 'capability' },
    ]);
    // Without tools the free local model is the cheapest.
    expect(names(order({ targets: [mini, local], strategy: 'cheapest' }).targets)[0]).toBe(
      'smollm2-135m-instruct',
    );
    // Unknown (unpriced) models go last, in listed order.
    const unpriced = order({
      targets: [target('openai', 'my-finetune'), haiku, mini],
      strategy: 'cheapest',
    });
    expect(names(unpriced.targets)).toEqual(['gpt-4.1-mini', 'claude-haiku-4-5', 'my-finetune']);
  });

  it('fastest puts untried targets first, then the lowest moving average', () => {
    const stats = new Map<string, TargetStats>([
      ['groq/llama-3.1-8b-instant', { coolingDown: false, ttftMs: 900 }],
      ['openai/gpt-4.1-mini', { coolingDown: false, ttftMs: 120 }],
    ]);
    const result = order({ targets: [groq, mini, haiku], strategy: 'fastest', stats });
    expect(names(result.targets)).toEqual([
      'claude-haiku-4-5',
      'gpt-4.1-mini',
      'llama-3.1-8b-instant',
    ]);
  });

  it('weighted puts the turn pick first and keeps the rest as fallbacks', () => {
    const weighted = [
      target('openai', 'gpt-4.1-mini', 3),
      target('anthropic', 'claude-haiku-4-5', 1),
    ];
    const picks = [0, 1, 2, 3].map(
      (turn) => order({ targets: weighted, strategy: 'weighted', turn }).targets[0]?.provider,
    );
    expect(picks).toEqual(['openai', 'openai', 'anthropic', 'openai']);
    expect(order({ targets: weighted, strategy: 'weighted', turn: 2 }).reasons[0]).toBe(
      'weighted: turn 2 of weights 3:1 picks anthropic/claude-haiku-4-5',
    );
  });

  it('leaves cooling-down targets out only with a cooldown rule, and tries all when all cool', () => {
    const stats = new Map<string, TargetStats>([
      ['groq/llama-3.1-8b-instant', { coolingDown: true }],
    ]);
    expect(names(order({ targets: [groq, mini], stats }).targets)).toHaveLength(2);
    const cooled = order({ targets: [groq, mini], stats, honourCooldown: true });
    expect(names(cooled.targets)).toEqual(['gpt-4.1-mini']);
    expect(cooled.skipped).toEqual([
      { provider: 'groq', model: 'llama-3.1-8b-instant', reason: 'cooldown' },
    ]);
    const all = order({ targets: [groq], stats, honourCooldown: true });
    expect(names(all.targets)).toEqual(['llama-3.1-8b-instant']);
    expect(all.reasons).toContain('every target is cooling down, trying them anyway');
  });
});
