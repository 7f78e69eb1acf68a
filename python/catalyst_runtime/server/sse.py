"""Server-Sent Events exactly as Catalyst's TypeScript server (``catalyst serve``) writes them.

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


_END = object()
"""Put by the pump after the last event."""


async def event_stream(
    events: AsyncIterator[Mapping[str, Any]],
    *,
    keep_alive_ms: float,
    clock: Callable[[], float] | None = None,
) -> AsyncIterator[bytes]:
    """Encode ``events`` as they come, with a keep-alive comment after ``keep_alive_ms`` of
    silence. Closing this generator (the client went away) closes ``events``, which cancels the
    run. An exception from ``events`` ends the stream with an ``internal`` error event, never
    silence.

    One task reads ``events`` for the whole stream and hands them over a one-place queue, so the
    keep-alive clock can interrupt the wait for the next event without cancelling the run; a
    task and an ``asyncio.wait`` per event cost more than the rest of a token's way out.
    """
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    interval = max(10.0, keep_alive_ms // 2) / 1000
    last_write = now()
    handover: asyncio.Queue[object] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for event in events:
                await handover.put(event)
        except Exception as error:  # noqa: BLE001 - handed to the writer, which reports it
            await handover.put(error)
            return
        await handover.put(_END)

    reader = asyncio.ensure_future(pump())
    try:
        while True:
            if handover.empty():
                try:
                    async with asyncio.timeout(interval):
                        item = await handover.get()
                except TimeoutError:
                    if (now() - last_write) * 1000 >= keep_alive_ms:
                        last_write = now()
                        yield SSE_KEEP_ALIVE
                    continue
            else:
                item = handover.get_nowait()
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            last_write = now()
            yield encode_sse_event(item)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - a bug must not end the stream silently
        yield encode_sse_event(
            {"type": "error", "kind": "internal", "message": str(error), "retryable": False}
        )
    finally:
        if not reader.done():
            reader.cancel()
        with contextlib.suppress(BaseException):
            await reader
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
