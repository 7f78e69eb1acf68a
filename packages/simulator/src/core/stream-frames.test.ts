import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReplyPlan, StreamFrame } from '../types.js';
import type { ResponseTracker } from './response-tracker.js';
import { streamFrames } from './stream-frames.js';

/**
 * A tracker on a fake clock: every wait advances the clock by what was asked plus `lateMs`
 * (a timer that fires late, as on a busy event loop), and records what was asked.
 */
function lateTimerTracker(options: { lateMs: number }) {
  let clock = 1_000;
  const requestedWaits: number[] = [];
  const written: string[] = [];
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  const tracker = {
    closed: false,
    response: { headersSent: true, writableFinished: true },
    wait: async (milliseconds: number) => {
      requestedWaits.push(milliseconds);
      if (milliseconds > 0) clock += milliseconds + options.lateMs;
      return true;
    },
    write: (bytes: string) => {
      written.push(bytes);
      return true;
    },
    end: () => {},
  } as unknown as ResponseTracker;
  return { tracker, requestedWaits, written, elapsed: () => clock - 1_000 };
}

function plan(timing: ReplyPlan['timing']): ReplyPlan {
  return {
    model: 'simulated-model',
    chunks: [],
    toolCalls: [],
    finish: 'stop',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    timing,
    choices: 1,
  };
}

const contentFrames = (count: number): StreamFrame[] =>
  Array.from({ length: count }, (_, index) => ({ wire: `data: ${index}\n\n`, content: true }));

const streamOptions = { malformedFrame: 'data: {\n\n', errorFrame: () => 'event: error\n\n' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('streamFrames pacing', () => {
  it('keeps a schedule: a timer that fires late shortens the next wait instead of adding up', async () => {
    // 1 ms per token with every timer 2 ms late: one timer per token would take 3 ms per token
    // (what made the studio's 1,000 tokens/s benchmark deliver about 300).
    const { tracker, requestedWaits, written, elapsed } = lateTimerTracker({ lateMs: 2 });
    const finished = await streamFrames({
      tracker,
      plan: plan({ firstTokenMs: 10, tokenDelayMs: 1 }),
      frames: contentFrames(1_000),
      streamOptions,
    });
    expect(finished).toBe(true);
    expect(written).toHaveLength(1_000);
    expect(requestedWaits[0]).toBe(10);
    // The stream ends within one timer's lateness of its schedule: 10 + 999 × 1 ms.
    expect(elapsed()).toBeLessThanOrEqual(10 + 999 + 2);
    // Most waits were skipped (the frame was already due) rather than each paying a timer.
    expect(requestedWaits.filter((wait) => wait > 0).length).toBeLessThan(400);
  });

  it('waits the full delay between frames when timers are on time', async () => {
    const { tracker, requestedWaits } = lateTimerTracker({ lateMs: 0 });
    await streamFrames({
      tracker,
      plan: plan({ firstTokenMs: 50, tokenDelayMs: 20 }),
      frames: contentFrames(4),
      streamOptions,
    });
    expect(requestedWaits).toEqual([50, 20, 20, 20]);
  });
});
