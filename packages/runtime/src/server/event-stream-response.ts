import type { ServerResponse } from 'node:http';
import { formatEventId, RUN_ID_HEADER } from './run-event-id.js';
import type { RunRecord } from './run-event-store.js';
import { encodeSseEvent, SSE_HEADERS, SSE_KEEP_ALIVE } from './sse.js';

/** What an event stream sends: one run's records from some point on. */
export interface EventStreamSource {
  /** The run the events belong to: their ids and the `X-Catalyst-Run-Id` header. */
  runId: string;
  events: (signal: AbortSignal) => Promise<AsyncIterable<RunRecord> | Iterable<RunRecord>>;
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

/**
 * Sends every record as it is produced (one provider token, one event, no coalescing) through
 * `write`, a keep-alive comment after `keepAliveMs` of silence, and stops when `signal` aborts
 * (the client went away), which stops the run. Resolves when the stream has ended.
 */
async function pumpEvents(
  source: EventStreamSource,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<void> {
  let lastWrite = Date.now();
  const send = (text: string) => {
    lastWrite = Date.now();
    write(text);
  };
  const keepAlive = setInterval(
    () => {
      if (Date.now() - lastWrite >= source.keepAliveMs) send(SSE_KEEP_ALIVE);
    },
    Math.max(10, Math.floor(source.keepAliveMs / 2)),
  );
  let seq = 0;
  try {
    for await (const record of await source.events(signal)) {
      seq = record.seq;
      if (signal.aborted && record.event.type !== 'error') continue;
      send(encodeSseEvent(record.event, formatEventId(source.runId, record.seq)));
    }
  } catch (error) {
    // executeWorkflow never throws; this guards against a bug ending the stream silently.
    const message = error instanceof Error ? error.message : String(error);
    send(
      encodeSseEvent(
        { type: 'error', kind: 'internal', message, retryable: false },
        formatEventId(source.runId, seq + 1),
      ),
    );
  } finally {
    clearInterval(keepAlive);
  }
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
      await pumpEvents(options, signal, (text) => {
        if (cancelled.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The client went away between the check and the write; the run is being stopped.
        }
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
  headers: Headers;
  onEnd: () => void;
}): void {
  const { outgoing, source } = options;
  const headers: Record<string, string> = {};
  for (const [name, value] of options.headers) headers[name] = value;
  outgoing.writeHead(options.status, headers);
  // Headers out now, as the fetch path does: the client learns the run id before any event.
  outgoing.flushHeaders();
  const closed = new AbortController();
  let ended = false;
  const onClose = () => {
    if (!ended) closed.abort();
  };
  outgoing.once('close', onClose);
  const write = (text: string) => {
    if (closed.signal.aborted || outgoing.destroyed) return;
    outgoing.write(text);
  };
  void pumpEvents(source, closed.signal, write).finally(() => {
    ended = true;
    outgoing.off('close', onClose);
    if (!outgoing.destroyed) outgoing.end();
    options.onEnd();
  });
}
