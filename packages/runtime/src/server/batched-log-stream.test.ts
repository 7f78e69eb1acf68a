import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatchedLogStream } from './batched-log-stream.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createBatchedLogStream', () => {
  it('writes the lines of one batch together, in order, once the batch time is over', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const stream = createBatchedLogStream({
      stream: { write: (text: string) => writes.push(text) },
      batchMs: 20,
    });
    stream.write('a\n');
    stream.write('b\n');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(writes).toEqual(['a\nb\n']);
    stream.write('c\n');
    vi.advanceTimersByTime(20);
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when the batch is full, and everything left on flush', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const stream = createBatchedLogStream({
      stream: { write: (text: string) => writes.push(text), isTTY: false },
      maxCharacters: 4,
    });
    expect(stream.isTTY).toBe(false);
    stream.write('ab\n');
    stream.write('cd\n');
    expect(writes).toEqual(['ab\ncd\n']);
    stream.write('e\n');
    stream.flush();
    expect(writes).toEqual(['ab\ncd\n', 'e\n']);
    // Nothing waits any more: the timer of the last line was cleared.
    vi.advanceTimersByTime(1_000);
    expect(writes).toHaveLength(2);
  });
});
