"""A streaming response of a run's events (TypeScript ``event-stream-response``): each event is
encoded and sent the moment it is produced (one provider token, one event, no coalescing), with
its ``id: RUN:SEQ``, and a keep-alive comment after a silence. The client going away closes the
stream, which stops reading the run (the run itself stops when nobody reads it: see
:mod:`.resumable_streams`).

Example::

    return EventStreamResponse(
        event_stream(records, run_id=run_id, keep_alive_ms=15_000), run_id=run_id
    )
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import cast

from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from catalyst_runtime.server.run_event_id import RUN_ID_HEADER, format_event_id, next_sequence
from catalyst_runtime.server.run_event_store import RunRecord
from catalyst_runtime.server.sse import SSE_HEADERS, SSE_KEEP_ALIVE, encode_sse_event

__all__ = ["EventStreamResponse", "event_stream", "until_disconnect"]


_END = object()
"""Put by the pump after the last record."""

_KEEP_ALIVE = object()
"""Put by the silence check when nothing was written for the keep-alive interval."""


async def event_stream(
    records: AsyncIterator[RunRecord],
    *,
    run_id: str,
    keep_alive_ms: float,
    clock: Callable[[], float] | None = None,
) -> AsyncIterator[bytes]:
    """Encode ``records`` as they come, with a keep-alive comment after ``keep_alive_ms`` of
    silence. Closing this generator (the client went away) closes ``records``. An exception from
    ``records`` ends the stream with an ``internal`` error event (numbered after the last one),
    never silence.

    One task reads ``records`` for the whole stream and hands them over one at a time, so the
    keep-alive can interrupt the wait for the next record without cancelling the run; a task
    and an ``asyncio.wait`` per event cost more than the rest of a token's way out. The silence
    is checked by one timer every half keep-alive interval for the whole stream, rather than by
    a timeout around each wait (a timer scheduled and cancelled per event).
    """
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    interval = max(10.0, keep_alive_ms // 2) / 1000
    last_write = now()
    seq = 0
    ready: deque[object] = deque()
    # Settled when ``ready`` gains an item; None while the writer is not waiting.
    arrived: asyncio.Future[None] | None = None
    # Settled when the writer took the pump's item: the pump runs at most one record ahead.
    taken: asyncio.Future[None] | None = None

    def offer(item: object) -> None:
        ready.append(item)
        if arrived is not None and not arrived.done():
            arrived.set_result(None)

    async def pump() -> None:
        nonlocal taken
        try:
            async for record in records:
                taken = loop.create_future()
                offer(record)
                await taken
        except Exception as error:  # noqa: BLE001 - handed to the writer, which reports it
            offer(error)
            return
        offer(_END)

    ticker: asyncio.TimerHandle | None = None

    def check_silence() -> None:
        nonlocal ticker
        # Only while the writer waits for a record: a write still under way is no silence.
        if arrived is not None and not ready and (now() - last_write) * 1000 >= keep_alive_ms:
            offer(_KEEP_ALIVE)
        ticker = loop.call_later(interval, check_silence)

    ticker = loop.call_later(interval, check_silence)
    reader = asyncio.ensure_future(pump())
    try:
        while True:
            if not ready:
                arrived = loop.create_future()
                await arrived
                arrived = None
            item = ready.popleft()
            if item is _KEEP_ALIVE:
                last_write = now()
                yield SSE_KEEP_ALIVE
                continue
            if taken is not None and not taken.done():
                taken.set_result(None)
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            record = cast(RunRecord, item)
            seq = record.seq
            last_write = now()
            yield encode_sse_event(record.event, format_event_id(run_id, record.seq))
    except Exception as error:  # noqa: BLE001 - a bug must not end the stream silently
        yield encode_sse_event(
            {"type": "error", "kind": "internal", "message": str(error), "retryable": False},
            format_event_id(run_id, next_sequence(seq)),
        )
    finally:
        if ticker is not None:
            ticker.cancel()
        if not reader.done():
            reader.cancel()
        with contextlib.suppress(BaseException):
            await reader
        close = getattr(records, "aclose", None)
        if close is not None:
            await close()


async def until_disconnect(receive: Receive, work: Awaitable[None]) -> None:
    """Run ``work``; cancel it the moment the client disconnects (whatever the ASGI server).

    ``work`` runs in the caller's task; one task watches ``receive`` and, on a disconnect,
    cancels the caller's wait for ``work`` (taking that cancellation back afterwards, as
    ``asyncio.timeout`` does), so a request costs one task here, not two and an
    ``asyncio.wait``. A cancellation from elsewhere stays a cancellation; an exception of
    ``work`` is raised again.
    """
    task = asyncio.current_task()
    if task is None:
        raise RuntimeError("until_disconnect must run inside a task")
    cancelling = task.cancelling()
    working = True
    disconnected = False

    async def watch() -> None:
        nonlocal disconnected
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
        except Exception:  # noqa: BLE001 - a broken receive is a gone client: nobody to answer
            pass
        if working:
            disconnected = True
            task.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        await work
    except asyncio.CancelledError:
        if not disconnected:
            raise
        disconnected = False
        if task.uncancel() > cancelling:
            raise
    finally:
        working = False
        if disconnected:
            # The client left as ``work`` ended by itself: take the cancellation back.
            task.uncancel()
        # Not awaited: a cancelled watcher ends at the loop's next turn, and waiting for it
        # here could swallow a cancellation of this task.
        watcher.cancel()


class EventStreamResponse(Response):
    """Streams SSE bytes; the client going away cancels the stream. With ``run_id``, the
    ``X-Catalyst-Run-Id`` header names the run, so a client can resume it before its first
    event."""

    def __init__(
        self,
        body: AsyncIterator[bytes],
        *,
        run_id: str | None = None,
        close_connection: bool = False,
        headers: Mapping[str, str] = SSE_HEADERS,
    ) -> None:
        super().__init__(status_code=200)
        # No content-length: the body streams (chunked) until the run ends. A client that sent
        # `Connection: close` is told so, and the socket closes right after the terminal event.
        headers = dict(headers)
        if run_id is not None:
            headers[RUN_ID_HEADER] = run_id
        if close_connection:
            headers["connection"] = "close"
        self.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        ]
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stream() -> None:
            try:
                await send(
                    {
                        "type": "http.response.start",
                        "status": self.status_code,
                        "headers": self.raw_headers,
                    }
                )
                async for chunk in self._body:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                close = getattr(self._body, "aclose", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

        with contextlib.suppress(OSError):
            await until_disconnect(receive, stream())
