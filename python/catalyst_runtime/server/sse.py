"""Server-Sent Events exactly as ``packages/runtime/src/server/sse.ts`` writes them.

Each event is ``event: NAME``, one ``data:`` line of compact JSON (the event without its ``type``,
keys in the TypeScript order, numbers as JavaScript prints them), and a blank line; a
``: keep-alive`` comment goes out after a silence.

Example::

    encode_sse_event({"type": "token", "node": "answer", "text": "Hi"})
    # b'event: token\\ndata: {"node":"answer","text":"Hi"}\\n\\n'
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from catalyst_runtime.javascript import json_text

__all__ = ["SSE_HEADERS", "SSE_KEEP_ALIVE", "encode_sse_event", "event_stream"]

SSE_HEADERS: Mapping[str, str] = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    "connection": "keep-alive",
}
"""Response headers of every event stream; X-Accel-Buffering stops nginx buffering."""

SSE_KEEP_ALIVE = b": keep-alive\n\n"
"""The comment sent while nothing else is being sent."""


def encode_sse_event(event: Mapping[str, Any]) -> bytes:
    """One event on the wire; JSON escapes every CR and LF, so the data is always one line."""
    name = event["type"]
    if "\n" in name or "\r" in name:
        raise ValueError(f"an SSE event name cannot hold a line break: {name!r}")
    payload = {key: value for key, value in event.items() if key != "type"}
    data: bytes = json_text.dumps(payload)
    return b"event: " + str(name).encode("utf-8") + b"\ndata: " + data + b"\n\n"


async def event_stream(
    events: AsyncIterator[Mapping[str, Any]],
    *,
    keep_alive_ms: float,
    clock: Callable[[], float] | None = None,
) -> AsyncIterator[bytes]:
    """Encode ``events`` as they come, with a keep-alive comment after ``keep_alive_ms`` of
    silence. Closing this generator (the client went away) closes ``events``, which cancels the
    run. An exception from ``events`` ends the stream with an ``internal`` error event, never
    silence."""
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    interval = max(10.0, keep_alive_ms // 2) / 1000
    last_write = now()
    pending: asyncio.Future[Mapping[str, Any]] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(events))
            done, _ = await asyncio.wait({pending}, timeout=interval)
            if not done:
                if (now() - last_write) * 1000 >= keep_alive_ms:
                    last_write = now()
                    yield SSE_KEEP_ALIVE
                continue
            future, pending = pending, None
            try:
                event = future.result()
            except StopAsyncIteration:
                return
            last_write = now()
            yield encode_sse_event(event)
    except Exception as error:  # noqa: BLE001 - a bug must not end the stream silently
        yield encode_sse_event(
            {"type": "error", "kind": "internal", "message": str(error), "retryable": False}
        )
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
