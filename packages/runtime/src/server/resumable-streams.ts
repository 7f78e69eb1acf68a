import type { WorkflowEvent } from '@catalyst/spec';
import { createRunId } from './run-event-id.js';
import {
  MemoryRunEventStore,
  type RunCursor,
  type RunEventStore,
  type RunRecord,
} from './run-event-store.js';

/** Streamed runs that outlive their connection: started once, read by any number of clients. */
export interface ResumableStreams {
  /**
   * Starts a run that is not tied to one connection and returns its id. It stops early only when
   * nobody has read it for the reconnect grace period (or `events` ends by itself).
   */
  start(
    options: {
      workflowId: string;
    } & (
      | { events: (signal: AbortSignal) => AsyncIterable<WorkflowEvent> }
      | {
          /**
           * Pushes the run's events to `emit` as they happen (no iterator between the run and
           * the store) and resolves after the terminal one.
           */
          produce: (run: {
            signal: AbortSignal;
            emit: (event: WorkflowEvent) => void;
          }) => Promise<void>;
        }
    ),
  ): string;
  /**
   * The run's events after `after` (0: all), replayed, then live until its terminal event or
   * `signal`; undefined when no store holds the run (unknown, or its retention window is over).
   * A run of this server comes as a {@link RunCursor} (read synchronously, no promise per
   * event), another server's as an iterable.
   */
  open(options: {
    runId: string;
    workflowId: string;
    after: number;
    signal: AbortSignal;
  }): Promise<AsyncIterable<RunRecord> | RunCursor | undefined>;
  /** Forgets the runs held in memory; `shared` stays open (it belongs to the caller). */
  close(): Promise<void>;
}

/** How long events are kept after a run ends, by default: 5 minutes. */
export const DEFAULT_STREAM_RETENTION_MS = 300_000;

/**
 * How many events of finished runs this process keeps in memory at most, by default: the oldest
 * finished runs are forgotten first, before their retention window is over. Bounds memory under
 * load (a short chat run is about 25 events; a long answer a few thousand).
 */
export const DEFAULT_STREAM_RETAINED_EVENTS = 200_000;

/** How long a run nobody reads keeps running, waiting for its client to reconnect: 15 s. */
export const DEFAULT_STREAM_RECONNECT_MS = 15_000;

/**
 * Resumable streams over this process's memory, and over `shared` (Redis) when given so that a
 * client can resume on another server. This server's own runs are always read from memory (no
 * round trip per token); `shared` is written through and read only for runs of other servers.
 *
 * @example
 * const streams = createResumableStreams({ retentionMs: 300_000, reconnectMs: 15_000 });
 * const runId = streams.start({ workflowId: 'chat', events: (signal) => run(signal) });
 * const records = await streams.open({ runId, workflowId: 'chat', after: 0, signal });
 * if (isRunCursor(records)) records.watch(() => { for (let r = records.take(); r; r = records.take()) send(r); });
 */
export function createResumableStreams(options: {
  retentionMs: number;
  /** Events of finished runs kept in memory at most (default DEFAULT_STREAM_RETAINED_EVENTS). */
  retainedEvents?: number;
  reconnectMs: number;
  shared?: RunEventStore;
  createRunId?: () => string;
}): ResumableStreams {
  const local = new MemoryRunEventStore({
    retentionMs: options.retentionMs,
    retainedEvents: options.retainedEvents ?? DEFAULT_STREAM_RETAINED_EVENTS,
  });
  const { shared } = options;
  const newRunId = options.createRunId ?? createRunId;
  /** Runs of this server still running: how to stop them and the pending abandonment check. */
  const owned = new Map<
    string,
    { controller: AbortController; check?: ReturnType<typeof setTimeout> }
  >();

  /** After the last local reader left: stop the run unless someone reads it within the grace. */
  const scheduleCheck = (runId: string) => {
    const run = owned.get(runId);
    if (!run || run.check !== undefined) return;
    run.check = setTimeout(async () => {
      run.check = undefined;
      if (!owned.has(runId) || local.readers(runId) > 0) return;
      const elsewhere = shared ? await shared.readers(runId) : 0;
      if (local.readers(runId) > 0) return;
      if (elsewhere > 0) scheduleCheck(runId);
      else run.controller.abort();
    }, options.reconnectMs);
    run.check.unref?.();
  };

  return {
    start(run) {
      const { workflowId } = run;
      const runId = newRunId();
      const controller = new AbortController();
      owned.set(runId, { controller });
      local.begin(runId, workflowId);
      void shared?.begin(runId, workflowId);
      let seq = 0;
      const emit = (event: WorkflowEvent) => {
        seq += 1;
        const record = { seq, event };
        local.append(runId, record);
        void shared?.append(runId, record);
      };
      const produced =
        'produce' in run
          ? run.produce({ signal: controller.signal, emit })
          : (async () => {
              for await (const event of run.events(controller.signal)) emit(event);
            })();
      void produced.finally(() => {
        clearTimeout(owned.get(runId)?.check);
        owned.delete(runId);
      });
      // Until the first client attaches, the run counts as read (its client is on its way).
      return runId;
    },

    async open({ runId, workflowId, after, signal }) {
      const cursor = local.cursor({ runId, workflowId, after });
      if (cursor !== undefined) {
        return countedCursor(cursor, {
          attach: () => local.attach(runId),
          detach: () => {
            local.detach(runId);
            if (owned.has(runId) && local.readers(runId) === 0) scheduleCheck(runId);
          },
        });
      }
      // Another server's run, from the shared store.
      const records = shared ? await shared.read({ runId, workflowId, after, signal }) : undefined;
      if (records === undefined || shared === undefined) return undefined;
      return countedReader(records, {
        attach: () => shared.attach(runId),
        detach: async () => {
          await shared.detach(runId);
          if (owned.has(runId) && local.readers(runId) === 0) scheduleCheck(runId);
        },
      });
    },

    async close() {
      for (const run of owned.values()) clearTimeout(run.check);
      // `shared` belongs to whoever passed it in.
      await local.close();
    },
  };
}

/**
 * `records`, counted as a reader of its run from the first `next()` until it ends, fails or is
 * closed: what a generator with `try … finally` around `yield*` does, without a generator hop
 * per record.
 */
function countedReader(
  records: AsyncIterable<RunRecord>,
  reader: { attach: () => unknown; detach: () => Promise<void> },
): AsyncIterable<RunRecord> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = records[Symbol.asyncIterator]();
      let state: 'new' | 'attached' | 'done' = 'new';
      const finish = async () => {
        if (state !== 'attached') {
          state = 'done';
          return;
        }
        state = 'done';
        await reader.detach();
      };
      return {
        async next() {
          if (state === 'done') return { done: true, value: undefined };
          if (state === 'new') {
            state = 'attached';
            await reader.attach();
          }
          try {
            const result = await iterator.next();
            if (result.done) await finish();
            return result;
          } catch (error) {
            await finish();
            throw error;
          }
        },
        async return() {
          const wasAttached = state === 'attached';
          state = 'done';
          try {
            await iterator.return?.();
          } finally {
            if (wasAttached) await reader.detach();
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** `cursor`, counted as a reader of its run from its first `watch` until it is closed. */
function countedCursor(
  cursor: RunCursor,
  reader: { attach: () => void; detach: () => void },
): RunCursor {
  let state: 'new' | 'attached' | 'done' = 'new';
  return {
    take: () => cursor.take(),
    get done() {
      return cursor.done;
    },
    watch(wake) {
      if (state === 'new') {
        state = 'attached';
        reader.attach();
      }
      cursor.watch(wake);
    },
    close() {
      cursor.close();
      if (state === 'attached') reader.detach();
      state = 'done';
    },
  };
}
