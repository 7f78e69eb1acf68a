import type { WorkflowEvent } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { MemoryRunEventStore, type RunRecord } from './run-event-store.js';

const token: WorkflowEvent = { type: 'token', node: 'answer', text: 'x' };
const done: WorkflowEvent = {
  type: 'done',
  output: null,
  text: '',
  tokenCount: 0,
  usage: {},
  cost: { inputUsd: 0, outputUsd: 0, cacheReadUsd: 0, cacheWriteUsd: 0, totalUsd: 0 },
};

/** Appends `tokens` token events to a new run, then `done` unless it should keep running. */
function record(
  store: MemoryRunEventStore,
  runId: string,
  options: { tokens: number; finish: boolean },
): void {
  store.begin(runId, 'chat');
  let seq = 0;
  for (let index = 0; index < options.tokens; index += 1) {
    store.append(runId, { seq: ++seq, event: token });
  }
  if (options.finish) store.append(runId, { seq: ++seq, event: done });
}

async function readAll(
  store: MemoryRunEventStore,
  runId: string,
): Promise<RunRecord[] | undefined> {
  const records = await store.read({
    runId,
    workflowId: 'chat',
    after: 0,
    signal: AbortSignal.timeout(5_000),
  });
  if (records === undefined) return undefined;
  const all: RunRecord[] = [];
  for await (const item of records) all.push(item);
  return all;
}

describe('MemoryRunEventStore', () => {
  it('forgets the oldest finished runs first once they hold more events than allowed', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000, retainedEvents: 8 });
    record(store, 'first', { tokens: 3, finish: true }); // 4 events
    record(store, 'second', { tokens: 3, finish: true }); // 8 in all: at the bound
    expect(store.retainedEventCount).toBe(8);
    record(store, 'third', { tokens: 1, finish: true }); // 10: "first" must go
    expect(store.retainedEventCount).toBe(6);
    expect(await readAll(store, 'first')).toBeUndefined();
    expect((await readAll(store, 'second'))?.map((item) => item.seq)).toEqual([1, 2, 3, 4]);
    expect((await readAll(store, 'third'))?.map((item) => item.event.type)).toEqual([
      'token',
      'done',
    ]);
    await store.close();
  });

  it('never forgets a run that is still running, however many events it holds', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000, retainedEvents: 2 });
    record(store, 'running', { tokens: 50, finish: false });
    record(store, 'finished', { tokens: 1, finish: true });
    expect(store.retainedEventCount).toBe(2);
    const follower = readAll(store, 'running');
    store.append('running', { seq: 51, event: done });
    expect((await follower)?.length).toBe(51);
    await store.close();
  });
});
