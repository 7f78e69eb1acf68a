import { formatEventId, RUN_ID_HEADER } from './run-event-id.js';
import type { RunRecord } from './run-event-store.js';
import { encodeSseEvent, SSE_HEADERS, SSE_KEEP_ALIVE } from './sse.js';

/**
 * A streaming response: each event is encoded and enqueued the moment it is produced (one
 * provider token, one event, no coalescing), with a keep-alive comment after `keepAliveMs` of
 * silence. When the client goes away the stream is cancelled, which stops the run.
 */
export function eventStreamResponse(options: {
  /** The run the events belong to: their ids and the `X-Catalyst-Run-Id` header. */
  runId: string;
  events: (signal: AbortSignal) => AsyncIterable<RunRecord>;
  /** The request's signal (aborted by the server adapter when the client disconnects). */
  signal: AbortSignal;
  keepAliveMs: number;
  /**
   * The client sent `Connection: close`: say so in the response, so the server closes the socket
   * right after the terminal event instead of keeping it for the next request.
   */
  closeConnection?: boolean;
}): Response {
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let lastWrite = Date.now();

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        if (cancelled.signal.aborted) return;
        lastWrite = Date.now();
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The client went away between the check and the write; the run is being stopped.
        }
      };
      keepAlive = setInterval(
        () => {
          if (Date.now() - lastWrite >= options.keepAliveMs) write(SSE_KEEP_ALIVE);
        },
        Math.max(10, Math.floor(options.keepAliveMs / 2)),
      );
      let seq = 0;
      try {
        for await (const record of options.events(signal)) {
          seq = record.seq;
          if (signal.aborted && record.event.type !== 'error') continue;
          write(encodeSseEvent(record.event, formatEventId(options.runId, record.seq)));
        }
      } catch (error) {
        // executeWorkflow never throws; this guards against a bug ending the stream silently.
        const message = error instanceof Error ? error.message : String(error);
        write(
          encodeSseEvent(
            { type: 'error', kind: 'internal', message, retryable: false },
            formatEventId(options.runId, seq + 1),
          ),
        );
      } finally {
        clearInterval(keepAlive);
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      }
    },
    cancel() {
      clearInterval(keepAlive);
      cancelled.abort();
    },
  });
  const headers: Record<string, string> = { ...SSE_HEADERS, [RUN_ID_HEADER]: options.runId };
  if (options.closeConnection) headers.connection = 'close';
  return new Response(body, { status: 200, headers });
}
