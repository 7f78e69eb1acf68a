import {
  type Context,
  createTraceState,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

// W3C Trace Context (https://www.w3.org/TR/trace-context/) by hand: the format is one line, and
// the propagator of @opentelemetry/core would load SDK code on servers that trace nothing.

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The context of an incoming `traceparent` (and `tracestate`), so the run's spans join the
 * caller's trace; the root context when it is absent or malformed (version ff, zero ids).
 */
export function contextFromTraceparent(
  traceparent: string | null | undefined,
  tracestate?: string | null,
): Context {
  const match = TRACEPARENT.exec(traceparent?.trim() ?? '');
  if (!match) return ROOT_CONTEXT;
  const [, version, traceId = '', spanId = '', flags = '00', rest] = match;
  // Version 00 has nothing after the flags; later versions may add fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return ROOT_CONTEXT;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** The `traceparent` (and `tracestate`) headers naming `spanContext` as the parent. */
export function traceHeaders(spanContext: SpanContext): Record<string, string> {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const headers: Record<string, string> = {
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
  };
  const state = spanContext.traceState?.serialize();
  if (state) headers.tracestate = state;
  return headers;
}
