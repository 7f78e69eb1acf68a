import { describe, expect, it } from 'vitest';
import { parseProcStat } from './proc-stat.mjs';
import { SseCounter } from './sse-counter.mjs';
import { reframeEvent, SseReframer } from './sse-reframe.mjs';
import { addedOverBaseline, median, medianOfMedians, percentile, shuffled } from './stats.mjs';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile({ values, p: 50 })).toBe(50);
    expect(percentile({ values, p: 99 })).toBe(99);
    expect(percentile({ values, p: 100 })).toBe(100);
    expect(percentile({ values: [7], p: 1 })).toBe(7);
    expect(percentile({ values: [], p: 50 })).toBeNaN();
  });

  it('takes the median of round medians, so one slow round barely moves it', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianOfMedians([[1, 2, 3], [100, 200, 300], [4, 5, 6], [], [2, 3, 4]])).toBe(4);
  });

  it('pairs a system with its baseline round by round', () => {
    const baseline = [
      [1, 1, 1],
      [10, 10, 10],
      [2, 2, 2],
    ];
    const system = [
      [2, 2, 2],
      [11, 12, 13],
      [3, 3, 30],
    ];
    // Round deltas 1, 2, 1: the loaded second round shifts both and cancels out.
    expect(addedOverBaseline({ system, baseline })).toBe(1);
  });

  it('shuffles a copy, keeping every item', () => {
    const items = ['a', 'b', 'c', 'd'];
    const result = shuffled({ items, random: () => 0 });
    expect(result).toEqual(['b', 'c', 'd', 'a']);
    expect(items).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('parseProcStat', () => {
  it('reads utime, stime, parent and RSS, even with spaces and parentheses in the name', () => {
    const line =
      '4242 (node (bench) x) S 4000 4242 4000 0 -1 4194560 1234 0 0 0 150 37 2 1 20 0 11 0 5000 1200000000 25000 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 0 0 0 0 0 0\n';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      command: 'node (bench) x',
      parentPid: 4000,
      userTicks: 150,
      systemTicks: 37,
      rssPages: 25000,
    });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc\/PID\/stat line/);
  });
});

describe('SseReframer (the relay floor)', () => {
  it('emits one event per upstream event as soon as its blank line arrives, across reads', () => {
    const reframer = new SseReframer();
    expect(reframer.push('data: {"a":1}\n\ndata: {"b"')).toEqual(['data: {"a":1}\n\n']);
    expect(reframer.push(':2}\r\n\r\n: keep-alive\n\nevent: x\ndata: 1\ndata: 2\n\n')).toEqual([
      'data: {"b":2}\n\n',
      'event: x\ndata: 1\ndata: 2\n\n',
    ]);
    expect(reframer.push('data: [DONE]')).toEqual([]);
    expect(reframer.flush()).toEqual(['data: [DONE]\n\n']);
  });

  it('drops comments and blocks without data', () => {
    expect(reframeEvent(': ping')).toBeUndefined();
    expect(reframeEvent('event: only-a-name')).toBeUndefined();
    expect(reframeEvent('data:no-space')).toBe('data: no-space\n\n');
  });
});

describe('SseCounter (the load driver)', () => {
  it('counts OpenAI content chunks and the [DONE] terminal, not role or usage chunks', () => {
    let seen = 0;
    const counter = new SseCounter({ format: 'openai', onContent: () => seen++ });
    const chunk = (delta: object) => `data: ${JSON.stringify({ choices: [{ delta }] })}\n\n`;
    counter.push(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hel' }));
    counter.push(
      `${chunk({ content: 'lo' })}data: {"choices":[],"usage":{"total_tokens":3}}\n\ndata: [DO`,
    );
    counter.push('NE]\n\n');
    expect(counter.contentEvents).toBe(2);
    expect(seen).toBe(2);
    expect(counter.terminalEvents).toBe(1);
    expect(counter.otherEvents).toBe(2);
  });

  it('counts Catalyst token events and a done or error terminal', () => {
    const counter = new SseCounter({ format: 'catalyst' });
    counter.push('event: node\ndata: {}\n\nevent: token\ndata: {"text":"a"}\n\n: keep-alive\n\n');
    counter.push('event: token\ndata: {"text":"b"}\n\nevent: error\ndata: {"kind":"provider"}\n\n');
    expect(counter.contentEvents).toBe(2);
    expect(counter.terminalEvents).toBe(1);
    expect(counter.errorEvents).toBe(1);
  });
});
