import type { WorkflowEvent } from '@catalyst/spec';

/** One event of a run with its place in the run (the first event is 1). */
export interface RunRecord {
  seq: number;
  event: WorkflowEvent;
}

/**
 * Where the events of a streamed run are kept so a client can resume it: this process's memory,
 * or Redis (shared by every server on it). A run is kept while it runs and for the retention
 * window after its terminal event.
 */
export interface RunEventStore {
  /** Registers a run before its first event, so it can be read (and waited on) at once. */
  begin(runId: string, workflowId: string): Promise<void> | void;
  /** Records the next event (seq in order); a terminal event starts the retention window. */
  append(runId: string, record: RunRecord): Promise<void> | void;
  /**
   * The run's events after `after`, then live ones until its terminal event or `signal`;
   * undefined when this store does not hold the run for `workflowId` (never did, or expired).
   */
  read(options: {
    runId: string;
    workflowId: string;
    after: number;
    signal: AbortSignal;
  }): Promise<AsyncIterable<RunRecord> | undefined>;
  /** A client started reading the run (anywhere); `readers` counts them. */
  attach(runId: string): Promise<void> | void;
  detach(runId: string): Promise<void> | void;
  readers(runId: string): Promise<number> | number;
  close(): Promise<void>;
}

/**
 * A run's records read synchronously as they arrive (this process's own runs): `take` hands the
 * next one, `watch` says when there are more. A reader that writes each record to a socket needs
 * no promise, generator or microtask per record, and can stop taking while the socket is full.
 */
export interface RunCursor {
  /** The next record, or undefined when there is none yet (or none will come: see `done`). */
  take(): RunRecord | undefined;
  /** Whether the run's records are all taken, up to its terminal one. */
  readonly done: boolean;
  /** Calls `wake` whenever records are appended, until `close` (one watcher per cursor). */
  watch(wake: () => void): void;
  /** Stops watching. */
  close(): void;
}

/** Whether `records` is a {@link RunCursor} rather than an iterable of records. */
export function isRunCursor(records: unknown): records is RunCursor {
  return typeof (records as Partial<RunCursor> | undefined)?.take === 'function';
}

/** Whether an event ends its run. */
export function isTerminal(event: WorkflowEvent): boolean {
  return event.type === 'done' || event.type === 'error';
}

/** A run held in memory, with the readers waiting for its next event. */
interface MemoryRun {
  workflowId: string;
  records: RunRecord[];
  ended: boolean;
  readers: number;
  /** Followers waiting for the next event (each wakes once), made on first use. */
  waiting?: Set<() => void>;
  /** Cursors' watchers, woken by every append until they close, made on first use. */
  watchers?: Set<() => void>;
  expiry?: ReturnType<typeof setTimeout>;
}

/**
 * Runs in this process's memory; a run is forgotten `retentionMs` after its terminal event, or
 * earlier when the finished runs hold more than `retainedEvents` events (oldest first). Running
 * runs are never forgotten. Readers get each event the moment it is appended (no polling).
 */
export class MemoryRunEventStore implements RunEventStore {
  private readonly runs = new Map<string, MemoryRun>();
  private readonly retentionMs: number;
  private readonly retainedEvents: number;
  /** Finished runs still kept, oldest first (a Map keeps insertion order). */
  private readonly finished = new Map<string, number>();
  /** Events held by the finished runs in `finished`. */
  private finishedEvents = 0;

  constructor(options: { retentionMs: number; retainedEvents?: number }) {
    this.retentionMs = options.retentionMs;
    this.retainedEvents = options.retainedEvents ?? Number.POSITIVE_INFINITY;
  }

  /** Finished runs' events now held in memory (for tests and metrics). */
  get retainedEventCount(): number {
    return this.finishedEvents;
  }

  private forget(runId: string): void {
    const run = this.runs.get(runId);
    if (run) clearTimeout(run.expiry);
    this.runs.delete(runId);
    const events = this.finished.get(runId);
    if (events !== undefined) {
      this.finished.delete(runId);
      this.finishedEvents -= events;
    }
  }

  begin(runId: string, workflowId: string): void {
    this.runs.set(runId, {
      workflowId,
      records: [],
      ended: false,
      readers: 0,
    });
  }

  append(runId: string, record: RunRecord): void {
    const run = this.runs.get(runId);
    if (!run || run.ended) return;
    run.records.push(record);
    if (isTerminal(record.event)) {
      run.ended = true;
      run.expiry = setTimeout(() => this.forget(runId), this.retentionMs);
      // Retention must not keep a finished process alive.
      run.expiry.unref?.();
      this.finished.set(runId, run.records.length);
      this.finishedEvents += run.records.length;
      for (const oldest of this.finished.keys()) {
        if (this.finishedEvents <= this.retainedEvents) break;
        this.forget(oldest);
      }
    }
    if (run.waiting !== undefined) {
      for (const wake of run.waiting) wake();
      run.waiting.clear();
    }
    if (run.watchers !== undefined) for (const wake of run.watchers) wake();
  }

  /**
   * The run's records after `after` as a {@link RunCursor}: those kept now, then each as it is
   * appended; undefined when this store does not hold the run for `workflowId`.
   */
  cursor(options: { runId: string; workflowId: string; after: number }): RunCursor | undefined {
    const run = this.runs.get(options.runId);
    if (!run || run.workflowId !== options.workflowId) return undefined;
    return new MemoryRunCursor(run, options.after);
  }

  async read(options: {
    runId: string;
    workflowId: string;
    after: number;
    signal: AbortSignal;
  }): Promise<AsyncIterable<RunRecord> | undefined> {
    const run = this.runs.get(options.runId);
    if (!run || run.workflowId !== options.workflowId) return undefined;
    return follow(run, options.after, options.signal);
  }

  attach(runId: string): void {
    const run = this.runs.get(runId);
    if (run) run.readers += 1;
  }

  detach(runId: string): void {
    const run = this.runs.get(runId);
    if (run) run.readers = Math.max(0, run.readers - 1);
  }

  readers(runId: string): number {
    return this.runs.get(runId)?.readers ?? 0;
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) {
      clearTimeout(run.expiry);
      for (const wake of run.waiting ?? []) wake();
    }
    this.runs.clear();
    this.finished.clear();
    this.finishedEvents = 0;
  }
}

/** Yields a run's records after `after`, waiting for new ones until the terminal or `signal`. */
async function* follow(
  run: MemoryRun,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<RunRecord> {
  // Records are numbered from 1 in order, so record `seq` sits at index seq - 1.
  let index = after;
  // One abort listener for the whole follow, not one per wait (a wait per token).
  let wakeWaiter: (() => void) | undefined;
  const onAbort = () => wakeWaiter?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      while (index < run.records.length) {
        const record = run.records[index] as RunRecord;
        index += 1;
        yield record;
        if (isTerminal(record.event)) return;
      }
      if (run.ended) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          wakeWaiter = undefined;
          run.waiting?.delete(wake);
          resolve();
        };
        wakeWaiter = wake;
        run.waiting ??= new Set();
        run.waiting.add(wake);
      });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** A cursor over a run held in memory (see {@link MemoryRunEventStore.cursor}). */
class MemoryRunCursor implements RunCursor {
  /** Records are numbered from 1 in order, so the record after `index` sits at `index`. */
  private index: number;
  private finished = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly run: MemoryRun,
    after: number,
  ) {
    this.index = after;
  }

  get done(): boolean {
    return this.finished || (this.run.ended && this.index >= this.run.records.length);
  }

  take(): RunRecord | undefined {
    if (this.finished || this.index >= this.run.records.length) return undefined;
    const record = this.run.records[this.index] as RunRecord;
    this.index += 1;
    if (isTerminal(record.event)) this.finished = true;
    return record;
  }

  watch(wake: () => void): void {
    this.close();
    this.wake = wake;
    this.run.watchers ??= new Set();
    this.run.watchers.add(wake);
  }

  close(): void {
    if (this.wake !== undefined) this.run.watchers?.delete(this.wake);
    this.wake = undefined;
  }
}
