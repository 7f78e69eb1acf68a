"""Server-Sent Events exactly as Catalyst's TypeScript server (``catalyst serve``) writes them.

Each event is ``id: RUN:SEQ``, ``event: NAME``, one ``data:`` line of compact JSON (the event
without its ``type``, keys in the TypeScript order, numbers as JavaScript prints them), and a
blank line; a ``: keep-alive`` comment goes out after a silence
(:mod:`.event_stream_response`).

Example::

    encode_sse_event({"type": "token", "node": "answer", "text": "Hi"}, "RUN:1")
    # b'id: RUN:1\\nevent: token\\ndata: {"node":"answer","text":"Hi"}\\n\\n'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalyst_runtime.javascript import json_text

__all__ = ["SSE_HEADERS", "SSE_KEEP_ALIVE", "encode_sse_event"]

SSE_HEADERS: Mapping[str, str] = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    "connection": "keep-alive",
}
"""Response headers of every event stream; X-Accel-Buffering stops nginx buffering."""

SSE_KEEP_ALIVE = b": keep-alive\n\n"
"""The comment sent while nothing else is being sent."""


def encode_sse_event(event: Mapping[str, Any], event_id: str) -> bytes:
    """One event on the wire: ``id: RUN:SEQ``, ``event: NAME``, one ``data:`` line of JSON (the
    event without its ``type``, which is the name), a blank line. JSON escapes every CR and LF, so
    the data is always one line; run ids and sequence numbers never hold CR or LF."""
    name = event["type"]
    for text in (name, event_id):
        if "\n" in text or "\r" in text:
            raise ValueError(f"an SSE event name or id cannot hold a line break: {text!r}")
    payload = {key: value for key, value in event.items() if key != "type"}
    data: bytes = json_text.dumps(payload)
    return (
        b"id: "
        + event_id.encode("utf-8")
        + b"\nevent: "
        + str(name).encode("utf-8")
        + b"\ndata: "
        + data
        + b"\n\n"
    )
