"""W3C Trace Context (https://www.w3.org/TR/trace-context/) by hand, as the TypeScript
``trace-context`` module does it: the format is one line, and a propagator would load SDK code on
services that trace nothing."""

from __future__ import annotations

import re

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState

__all__ = ["context_from_traceparent", "trace_headers"]

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


def _trace_state(header: str | None) -> TraceState:
    entries: list[tuple[str, str]] = []
    for member in (header or "").split(","):
        key, separator, value = member.strip().partition("=")
        if separator and key and value:
            entries.append((key, value))
    try:
        return TraceState(entries)
    except ValueError:
        return TraceState()


def context_from_traceparent(traceparent: str | None, tracestate: str | None = None) -> Context:
    """The context of an incoming ``traceparent`` (and ``tracestate``), so the run's spans join
    the caller's trace; the root context when it is absent or malformed (version ff, zero ids)."""
    match = _TRACEPARENT.match((traceparent or "").strip())
    if match is None:
        return Context()
    version, trace_id, span_id, flags, rest = match.groups()
    # Version 00 has nothing after the flags; later versions may add fields.
    if version == "ff" or (version == "00" and rest is not None):
        return Context()
    if int(trace_id, 16) == 0 or int(span_id, 16) == 0:
        return Context()
    span_context = SpanContext(
        trace_id=int(trace_id, 16),
        span_id=int(span_id, 16),
        is_remote=True,
        trace_flags=TraceFlags(int(flags, 16) & TraceFlags.SAMPLED),
        trace_state=_trace_state(tracestate),
    )
    return trace.set_span_in_context(NonRecordingSpan(span_context), Context())


def trace_headers(span_context: SpanContext) -> dict[str, str]:
    """The ``traceparent`` (and ``tracestate``) headers naming ``span_context`` as the parent."""
    # Version 00 with only the sampled flag: the Python SDK also sets Trace Context level 2's
    # random-trace-id flag, the TypeScript SDK does not, and both runtimes send the same bytes.
    flags = int(span_context.trace_flags) & TraceFlags.SAMPLED
    headers = {
        "traceparent": f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}-{flags:02x}"
    }
    state = span_context.trace_state.to_header() if span_context.trace_state else ""
    if state:
        headers["tracestate"] = state
    return headers
