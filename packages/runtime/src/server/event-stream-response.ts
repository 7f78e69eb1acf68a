import type { ServerResponse } from 'node:http';
import { formatEventId, RUN_ID_HEADER } from './run-event-id.js';
import { isRunCursor, type RunCursor, type RunRecord } from './run-event-store.js';
import { encodeSseEvent, SSE_HEADERS, SSE_KEEP_ALIVE } from './sse.js';

/** Text collected for one `write` at most before the stream waits for it to be written. */
const MAX_PENDING_CHARACTERS = 16_384;

/** What an event stream sends: one run's records from some point on. */
export interface EventStreamSource {
  /** The run the events belong to: their ids and the `X-Catalyst-Run-Id` header. */
  runId: string;
  events: (
    signal: AbortSignal,
  ) => Promise<AsyncIterable<RunRecord> | Iterable<RunRecord> | RunCursor>;
  keepAliveMs: number;
  /**
   * The client sent `Connection: close`: say so in the response, so the server closes the socket
   * right after the terminal event instead of keeping it for the next request.
   */
  closeConnection?: boolean;
}

/** The headers of an event stream response. */
export function eventStreamHeaders(source: EventStreamSource): Record<string, string> {
  const headers: Record<string, string> = { ...SSE_HEADERS, [RUN_ID_HEADER]: source.runId };
  if (source.closeConnection) headers.connection = 'close';
  return headers;
}

/** Where an event stream's text goes. */
interface EventSink {
  /** Sends `text`; false when the client's buffer is full and the sender should wait. */
  write(text: string): boolean;
  /** Calls `resume` once the client's buffer has room again (never called when it has). */
  whenDrained(resume: () => void): void;
}

/**
 * Sends every record as it is produced (one provider token, one event, no coalescing) to
 * `sink`, a keep-alive comment after `keepAliveMs` of silence, and stops when `signal` aborts
 * (the client went away), which stops the run. While the client's buffer is full no record is
 * taken (they wait in the run store, which keeps them anyway), so a slow client costs no memory
 * beyond its socket's buffer. Resolves when the stream has ended.
 */
async function pumpEvents(
  source: EventStreamSource,
  signal: AbortSignal,
  sink: EventSink,
): Promise<void> {
  let lastWrite = Date.now();
  const send = (text: string): boolean => {
    lastWrite = Date.now();
    return sink.write(text);
  };
  const keepAlive = setInterval(
    () => {
      if (Date.now() - lastWrite >= source.keepAliveMs) send(SSE_KEEP_ALIVE);
    },
    Math.max(10, Math.floor(source.keepAliveMs / 2)),
  );
  let seq = 0;
  /** Sends one record; false when the sink is full. */
  const sendRecord = (record: RunRecord): boolean => {
    seq = record.seq;
    if (signal.aborted && record.event.type !== 'error') return true;
    return send(encodeSseEvent(record.event, formatEventId(source.runId, record.seq)));
  };
  /** Sends the internal error that ends a stream whose source failed. */
  const sendFailure = (error: unknown) => {
    // executeWorkflow never throws; this guards against a bug ending the stream silently.
    const message = error instanceof Error ? error.message : String(error);
    send(
      encodeSseEvent(
        { type: 'error', kind: 'internal', message, retryable: false },
        formatEventId(source.runId, seq + 1),
      ),
    );
  };
  try {
    const records = await source.events(signal);
    if (isRunCursor(records)) {
      await pumpCursor(records, signal, sink, sendRecord, sendFailure);
      return;
    }
    try {
      for await (const record of records) {
        if (!sendRecord(record) && !signal.aborted) {
          await new Promise<void>((resume) => {
            const onAbort = () => resume();
            signal.addEventListener('abort', onAbort, { once: true });
            sink.whenDrained(() => {
              signal.removeEventListener('abort', onAbort);
              resume();
            });
          });
        }
      }
    } catch (error) {
      sendFailure(error);
    }
  } finally {
    clearInterval(keepAlive);
  }
}

/**
 * Sends a cursor's records as they arrive: each one written from the store's `append`, in the
 * same call, with no promise in between; while the sink is full it takes none and waits for the
 * drain. Resolves after the terminal record, or when `signal` aborts.
 */
function pumpCursor(
  cursor: RunCursor,
  signal: AbortSignal,
  sink: EventSink,
  sendRecord: (record: RunRecord) => boolean,
  sendFailure: (error: unknown) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let ended = false;
    let paused = false;
    let pumping = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', finish);
      cursor.close();
      resolve();
    };
    const resume = () => {
      paused = false;
      pump();
    };
    const pump = () => {
      // A write can wake the store again before it returns; the loop already takes everything.
      if (ended || paused || pumping) return;
      pumping = true;
      try {
        for (let record = cursor.take(); record !== undefined; record = cursor.take()) {
          if (!sendRecord(record) && !cursor.done && !signal.aborted) {
            paused = true;
            pumping = false;
            sink.whenDrained(resume);
            return;
          }
        }
        if (cursor.done) finish();
      } catch (error) {
        sendFailure(error);
        finish();
      } finally {
        pumping = false;
      }
    };
    signal.addEventListener('abort', finish, { once: true });
    if (signal.aborted) {
      finish();
      return;
    }
    cursor.watch(pump);
    pump();
  });
}

/**
 * A streaming `Response` (the fetch-style path: `app.fetch` in tests and non-Node hosts): each
 * event is encoded and enqueued the moment it is produced. When the client goes away
 * (`signal`, or the body cancelled) the stream stops, which stops the run.
 */
export function eventStreamResponse(
  options: EventStreamSource & {
    /** The request's signal (aborted by the server adapter when the client disconnects). */
    signal: AbortSignal;
  },
): Response {
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      await pumpEvents(options, signal, {
        write: (text) => {
          if (cancelled.signal.aborted) return true;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            // The client went away between the check and the write; the run is being stopped.
          }
          // As before: the fetch-style path queues everything (tests and non-Node hosts).
          return true;
        },
        whenDrained: (resume) => resume(),
      });
      try {
        controller.close();
      } catch {
        // Already cancelled by the client.
      }
    },
    cancel() {
      cancelled.abort();
    },
  });
  return new Response(body, { status: 200, headers: eventStreamHeaders(options) });
}

/**
 * The same stream written straight to Node's response: no web `ReadableStream`, no encoder, no
 * copy of the response per request — each event is one `write` of a string on the socket. The
 * run stops when the connection closes before the terminal event. `onEnd` runs once the stream
 * has ended either way (for the access log).
 */
export function writeEventStream(options: {
  source: EventStreamSource;
  outgoing: ServerResponse;
  status: number;
  /** In the order they go out (a web `Headers` gives them sorted by name). */
  headers: Iterable<[string, string]>;
  onEnd: () => void;
}): void {
  const { outgoing, source } = options;
  const headers: Record<string, string> = {};
  for (const [name, value] of options.headers) headers[name] = value;
  outgoing.writeHead(options.status, headers);
  // Headers out at once, as the fetch path does: the client learns the run id before any event.
  // With the run's first events when they are ready by then (the nodes' `started` events usually
  // are): one system call instead of two. "By then" is the end of this pass of the event loop,
  // after its ticks and microtasks, wherever this was called from. (`headersSent` is true from
  // `writeHead` on, so whether anything left is tracked here.)
  let wroteAny = false;
  setImmediate(() => {
    if (!wroteAny && !outgoing.destroyed && !outgoing.writableEnded) outgoing.flushHeaders();
  });
  const closed = new AbortController();
  let ended = false;
  const onClose = () => {
    if (!ended) closed.abort();
  };
  outgoing.once('close', onClose);
  // The events produced in one pass of the event loop's microtasks (all the chunks one upstream
  // socket read delivered) leave in one `write`, one system call, once that pass is over
  // (`process.nextTick` runs after the microtasks). Same bytes in the same order, no delay beyond
  // that tick: a slow stream's tokens still leave one by one.
  let pending = '';
  /** The socket's buffer is over its mark: nothing more is taken until it drains. */
  let full = false;
  let waiting: (() => void) | undefined;
  const wakeWaiting = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    if (closed.signal.aborted || outgoing.destroyed) return;
    wroteAny = true;
    full = !outgoing.write(text);
    if (!full) wakeWaiting();
  };
  const onDrain = () => {
    full = false;
    wakeWaiting();
  };
  outgoing.on('drain', onDrain);
  const sink: EventSink = {
    write: (text) => {
      if (closed.signal.aborted || outgoing.destroyed) return true;
      if (pending === '') process.nextTick(flush);
      pending += text;
      return !full && pending.length < MAX_PENDING_CHARACTERS;
    },
    // Woken by the flush when the socket took the batch, else by its `drain`.
    whenDrained: (resume) => {
      waiting = resume;
    },
  };
  void pumpEvents(source, closed.signal, sink).finally(() => {
    ended = true;
    // The last batch (with the terminal event) and the end of the body leave in one write.
    const last = pending;
    pending = '';
    outgoing.off('drain', onDrain);
    outgoing.off('close', onClose);
    if (!outgoing.destroyed) {
      if (last !== '' && !closed.signal.aborted) outgoing.end(last);
      else outgoing.end();
    }
    options.onEnd();
  });
}
