import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { WorkflowEvent } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { writeEventStream } from './event-stream-response.js';
import { formatEventId } from './run-event-id.js';
import { MemoryRunEventStore } from './run-event-store.js';
import { encodeSseEvent } from './sse.js';

const done: WorkflowEvent = {
  type: 'done',
  output: null,
  text: '',
  tokenCount: 0,
  usage: {},
  cost: null,
};

/** A Node response whose client reads only when told to: `write` says false while it is full. */
class SlowResponse extends EventEmitter {
  readonly chunks: string[] = [];
  destroyed = false;
  ended = false;
  /** How many more writes fit before the buffer is full. */
  room = 2;
  writeHead() {
    return this;
  }
  /** Headers sent on their own, before any event. */
  headersFlushed = 0;
  flushHeaders() {
    this.headersFlushed += 1;
  }
  write(text: string): boolean {
    this.chunks.push(text);
    this.room -= 1;
    return this.room > 0;
  }
  end(text?: string) {
    if (text !== undefined) this.chunks.push(text);
    this.ended = true;
  }
  /** The client read everything: room again, and Node says so with `drain`. */
  read(room: number) {
    this.room = room;
    this.emit('drain');
  }
}

function startRun(store: MemoryRunEventStore, runId: string) {
  store.begin(runId, 'chat');
  let seq = 0;
  return (event: WorkflowEvent) => store.append(runId, { seq: ++seq, event });
}

/** Streams the run `runId` of `store` to `response`; resolves when the stream has ended. */
function streamRun(options: {
  store: MemoryRunEventStore;
  runId: string;
  response: SlowResponse;
}): Promise<void> {
  const { store, runId, response } = options;
  return new Promise<void>((resolve) => {
    writeEventStream({
      source: {
        runId,
        keepAliveMs: 60_000,
        events: async () => store.cursor({ runId, workflowId: 'chat', after: 0 }) ?? [],
      },
      outgoing: response as unknown as ServerResponse,
      status: 200,
      headers: new Headers(),
      onEnd: resolve,
    });
  });
}

/** One turn of the event loop: what was scheduled for this turn has run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('writeEventStream', () => {
  it('writes every record of a live run in order with its id, in the bytes encodeSseEvent gives', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    const append = startRun(store, 'run-1');
    append({ type: 'token', node: 'answer', text: 'Hel' });
    const response = new SlowResponse();
    response.room = Number.POSITIVE_INFINITY;
    const ended = streamRun({ store, runId: 'run-1', response });
    await nextTurn();
    append({ type: 'token', node: 'answer', text: 'lo' });
    append(done);
    await ended;
    // The headers left with the first record, not on their own.
    expect(response.headersFlushed).toBe(0);
    // The record there at once left alone; the two appended in one go left in one write.
    expect(response.chunks).toEqual([
      encodeSseEvent({ type: 'token', node: 'answer', text: 'Hel' }, formatEventId('run-1', 1)),
      encodeSseEvent({ type: 'token', node: 'answer', text: 'lo' }, formatEventId('run-1', 2)) +
        encodeSseEvent(done, formatEventId('run-1', 3)),
    ]);
    expect(response.ended).toBe(true);
  });

  it('stops taking records while the client is slow and resumes where it was on drain', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    const append = startRun(store, 'run-2');
    const response = new SlowResponse();
    const ended = streamRun({ store, runId: 'run-2', response });
    await nextTurn();
    response.room = 1;
    for (let index = 1; index <= 3; index += 1) {
      append({ type: 'token', node: 'answer', text: String(index) });
    }
    await nextTurn();
    // One write of three events filled the client's buffer.
    expect(response.chunks).toHaveLength(1);
    for (let index = 4; index <= 8; index += 1) {
      append({ type: 'token', node: 'answer', text: String(index) });
    }
    await nextTurn();
    // One more was taken before the sink said it was full; the other four wait in the run.
    expect(response.chunks).toHaveLength(2);
    expect(response.chunks[1]).toContain('id: run-2:4\n');
    append(done);
    await nextTurn();
    expect(response.chunks).toHaveLength(2);
    response.read(Number.POSITIVE_INFINITY);
    await ended;
    const ids = response.chunks.join('').match(/^id: \S+$/gm);
    expect(ids).toEqual(Array.from({ length: 9 }, (_, index) => `id: run-2:${index + 1}`));
    expect(response.chunks.at(-1)).toContain('event: done');
  });

  it('stops at once, taking nothing more, when the client goes away while it is slow', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    const append = startRun(store, 'run-3');
    const response = new SlowResponse();
    const ended = streamRun({ store, runId: 'run-3', response });
    await nextTurn();
    response.room = 1;
    for (let index = 1; index <= 3; index += 1) {
      append({ type: 'token', node: 'answer', text: String(index) });
    }
    await nextTurn();
    for (let index = 4; index <= 8; index += 1) {
      append({ type: 'token', node: 'answer', text: String(index) });
    }
    response.destroyed = true;
    response.emit('close');
    await ended;
    append(done);
    await nextTurn();
    expect(response.chunks).toHaveLength(1);
    expect(response.ended).toBe(false);
  });

  it('sends the headers on their own within the tick when no event is ready yet', async () => {
    const store = new MemoryRunEventStore({ retentionMs: 60_000 });
    const append = startRun(store, 'run-4');
    const response = new SlowResponse();
    const ended = streamRun({ store, runId: 'run-4', response });
    await nextTurn();
    expect(response.headersFlushed).toBe(1);
    expect(response.chunks).toEqual([]);
    append(done);
    await ended;
    expect(response.chunks).toHaveLength(1);
  });
});
