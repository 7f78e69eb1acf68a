import { describe, expect, it } from 'vitest';
import { MemoryRouterState, nextAverage } from './router-state.js';

describe('MemoryRouterState', () => {
  it('cools a target down after N consecutive failures for T seconds (injected clock)', async () => {
    let now = 1_000;
    const state = new MemoryRouterState({ now: () => now });
    const rule = { failures: 2, seconds: 30 };
    const cooling = async () => (await state.read(['a/x'])).stats.get('a/x')?.coolingDown;
    await state.recordFailure('a/x', rule);
    expect(await cooling()).toBe(false);
    await state.recordSuccess('a/x', undefined); // resets the count: failures must be consecutive
    await state.recordFailure('a/x', rule);
    expect(await cooling()).toBe(false);
    await state.recordFailure('a/x', rule);
    expect(await cooling()).toBe(true);
    now += 29_999;
    expect(await cooling()).toBe(true);
    now += 1;
    expect(await cooling()).toBe(false);
  });

  it('keeps a moving average of the time to first token and counts turns per rotation', async () => {
    const state = new MemoryRouterState();
    await state.recordSuccess('a/x', 100);
    await state.recordSuccess('a/x', 200);
    expect((await state.read(['a/x', 'b/y'])).stats).toEqual(
      new Map([
        ['a/x', { coolingDown: false, ttftMs: 130 }],
        ['b/y', { coolingDown: false }],
      ]),
    );
    expect(nextAverage(undefined, 50)).toBe(50);
    expect([
      await state.nextTurn('r'),
      await state.nextTurn('r'),
      await state.nextTurn('s'),
    ]).toEqual([0, 1, 0]);
  });
});
