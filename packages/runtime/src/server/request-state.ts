import type { EventStreamSource } from './event-stream-response.js';
import { RUN_ID_HEADER } from './run-event-id.js';

/** What one request did, filled in as it runs, logged when it ends. */
export interface RequestState {
  workflow: string | null;
  firstTokenAt: number | null;
  tokens: number | null;
  costUsd: number | null;
  errorKind: string | null;
  /** A stream logs itself when its terminal event went out, not when its headers did. */
  streaming: boolean;
  /** The caller's W3C trace context, which the run's spans join. */
  traceparent: string | null;
  tracestate: string | null;
  /**
   * Set by a route that answers with an event stream: what to send. The response is written
   * once the shared headers (request id, CORS) are on it, to Node directly when it can be.
   */
  eventStream?: EventStreamSource & { request: Request };
}

/** A request's state before anything happened, joining the caller's trace context. */
export function newRequestState(trace: {
  traceparent: string | null;
  tracestate: string | null;
}): RequestState {
  return {
    workflow: null,
    firstTokenAt: null,
    tokens: null,
    costUsd: null,
    errorKind: null,
    streaming: false,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}

/** An `X-Request-Id` worth echoing: short, printable, no spaces (nothing a header could abuse). */
export function acceptedRequestId(value: string | null): string | undefined {
  return value !== null && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/**
 * Puts the headers every answer carries on `headers`: the request id, and for an allowed
 * browser origin the CORS answer (`Vary: Origin` added unless `Vary` names it already).
 */
export function addAnswerHeaders(
  headers: Headers,
  options: { requestId: string; origin: string | null; corsOrigins: ReadonlySet<string> },
): void {
  headers.set('x-request-id', options.requestId);
  const { origin, corsOrigins } = options;
  if (origin !== null && (corsOrigins.has(origin) || corsOrigins.has('*'))) {
    headers.set('access-control-allow-origin', origin);
    headers.set('access-control-expose-headers', `x-request-id, ${RUN_ID_HEADER}`);
    if (!/\borigin\b/i.test(headers.get('vary') ?? '')) headers.append('vary', 'Origin');
  }
}
