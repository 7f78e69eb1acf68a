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

  it('hands a cursor the kept records, then each appended one, waking its watcher, up to the terminal', () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    record(store, 'live', { tokens: 3, finish: false });
    const cursor = store.cursor({ runId: 'live', workflowId: 'chat', after: 1 });
    if (cursor === undefined) throw new Error('no cursor');
    const taken: number[] = [];
    let wakes = 0;
    cursor.watch(() => {
      wakes += 1;
      for (let item = cursor.take(); item !== undefined; item = cursor.take()) taken.push(item.seq);
    });
    for (let item = cursor.take(); item !== undefined; item = cursor.take()) taken.push(item.seq);
    expect(taken).toEqual([2, 3]);
    expect(cursor.done).toBe(false);
    store.append('live', { seq: 4, event: token });
    store.append('live', { seq: 5, event: done });
    expect(taken).toEqual([2, 3, 4, 5]);
    expect(wakes).toBe(2);
    expect(cursor.done).toBe(true);
    cursor.close();
    expect(store.cursor({ runId: 'live', workflowId: 'other', after: 0 })).toBeUndefined();
  });

  it('lets a cursor fall behind and catch up: records wait in the run until taken', () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    record(store, 'slow', { tokens: 0, finish: false });
    const cursor = store.cursor({ runId: 'slow', workflowId: 'chat', after: 0 });
    if (cursor === undefined) throw new Error('no cursor');
    let wakes = 0;
    cursor.watch(() => {
      wakes += 1;
    });
    for (let seq = 1; seq <= 5; seq += 1) store.append('slow', { seq, event: token });
    cursor.close();
    store.append('slow', { seq: 6, event: done });
    // Closed: no more wakes, but everything is still there, in order, when it reads again.
    expect(wakes).toBe(5);
    const seqs: number[] = [];
    for (let item = cursor.take(); item !== undefined; item = cursor.take()) seqs.push(item.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cursor.done).toBe(true);
    expect(cursor.take()).toBeUndefined();
  });
});
