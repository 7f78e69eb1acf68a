"""Graceful shutdown (``drain`` of TypeScript ``create-catalyst-app``): on SIGTERM or SIGINT new
requests get 503 ``unavailable`` with ``Retry-After``, runs in flight may finish within the grace
period, then those left end with a retryable ``unavailable`` error event; the process exits 0. A
second signal exits at once (128 + signal number).

Under uvicorn the app's lifespan installs the handler (:func:`install_signal_handlers`): it drains
first, then asks uvicorn to stop, so uvicorn's own shutdown (close listeners, let open sockets
flush within ``timeout_graceful_shutdown``) finds no run left.

Example::

    control = ShutdownControl()
    await control.drain(grace_ms=25_000)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from catalyst_runtime.server.request_log import ServerLogger

__all__ = [
    "SHUTDOWN_ERROR",
    "SHUTDOWN_RETRY_AFTER_SECONDS",
    "ShutdownControl",
    "install_signal_handlers",
]

SHUTDOWN_ERROR: Mapping[str, Any] = {
    "type": "error",
    "kind": "unavailable",
    "message": "the server is shutting down; retry the request",
    "retryable": True,
}
"""The terminal event of a run that the server's shutdown cut short."""

SHUTDOWN_RETRY_AFTER_SECONDS = "5"
"""Seconds a client should wait before retrying a request refused during shutdown."""

# Time uvicorn gets, after the drain, to let open sockets flush their last bytes.
_FLUSH_SECONDS = 1


_END = object()
_SHUTDOWN = object()


class _Failure:
    """An exception the run raised, carried to the consumer of :meth:`ShutdownControl.track`."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class ShutdownControl:
    """Counts runs in flight and ends them on shutdown."""

    def __init__(self) -> None:
        self.stopping = False
        self._running: set[asyncio.Future[None]] = set()
        self._shutdown: asyncio.Event | None = None

    def in_flight(self) -> int:
        """Runs in flight right now."""
        return len(self._running)

    def _event(self) -> asyncio.Event:
        if self._shutdown is None:
            self._shutdown = asyncio.Event()
        return self._shutdown

    async def track(self, events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        """``events`` of one run, counted in flight until it ends; once the grace period is over
        the run is cancelled and ends with :data:`SHUTDOWN_ERROR` instead.

        One task reads ``events`` for the whole run and hands each event over through a future
        that the shutdown can also settle, so no task and ``asyncio.wait`` are needed per event.
        """
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        self._running.add(finished)
        ready: deque[object] = deque()
        # Settled when ``ready`` gains an item (an event, the end, a failure, the shutdown).
        arrived: asyncio.Future[None] | None = None
        # Settled when the consumer took the item: the reader runs at most one event ahead.
        taken: asyncio.Future[None] | None = None

        def offer(item: object) -> None:
            ready.append(item)
            if arrived is not None and not arrived.done():
                arrived.set_result(None)

        async def read() -> None:
            nonlocal taken
            try:
                async for event in events:
                    taken = loop.create_future()
                    offer(event)
                    await taken
            except Exception as error:  # noqa: BLE001 - raised again to the consumer
                offer(_Failure(error))
                return
            offer(_END)

        reader = asyncio.ensure_future(read())
        shutdown = asyncio.ensure_future(self._event().wait())
        shutdown.add_done_callback(lambda done: None if done.cancelled() else offer(_SHUTDOWN))
        try:
            while True:
                if not ready:
                    arrived = loop.create_future()
                    await arrived
                    arrived = None
                item = ready.popleft()
                if item is _SHUTDOWN:
                    yield dict(SHUTDOWN_ERROR)
                    return
                if taken is not None and not taken.done():
                    taken.set_result(None)
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            shutdown.cancel()
            if not reader.done():
                reader.cancel()
            with contextlib.suppress(BaseException):
                await reader
            close = getattr(events, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()
            self._running.discard(finished)
            if not finished.done():
                finished.set_result(None)

    async def drain(self, *, grace_ms: float, logger: ServerLogger | None = None) -> None:
        """Refuse new work from now on; let runs finish within ``grace_ms``; end the rest."""
        self.stopping = True
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace_ms / 1000)
        if self._running:
            if logger is not None:
                logger.message(
                    "warn",
                    "grace period over: ending the runs still in flight",
                    runs=len(self._running),
                )
            self._event().set()
            await asyncio.wait(set(self._running))


def install_signal_handlers(
    control: ShutdownControl,
    *,
    grace_ms: float,
    logger: ServerLogger | None,
    after_drain: Callable[[], None] | None = None,
) -> Callable[[], None]:
    """Handle SIGTERM and SIGINT in the running loop: drain, then stop the server. Only on the
    main thread (signals cannot be handled elsewhere); returns the undo.

    The handler it replaces is uvicorn's when uvicorn runs the app: after the drain it is told to
    exit through its ``should_exit`` flag rather than by replaying the signal, which uvicorn
    would re-raise at the end, turning a clean shutdown into exit code 143."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {number: signal.getsignal(number) for number in signals}
    tasks: set[asyncio.Task[None]] = set()

    async def drain_then_stop(number: signal.Signals) -> None:
        if logger is not None:
            logger.message(
                "info",
                "shutting down: refusing new requests, draining runs in flight",
                runs=control.in_flight(),
                graceMs=grace_ms,
            )
        await control.drain(grace_ms=grace_ms, logger=logger)
        if after_drain is not None:
            after_drain()
        _stop_server(previous[number], number)

    def handle(number: signal.Signals, _frame: Any) -> None:
        if control.stopping:
            os._exit(128 + number)
        control.stopping = True

        def start() -> None:
            task = loop.create_task(drain_then_stop(number))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        loop.call_soon_threadsafe(start)

    def handle_signal(number: int, frame: Any) -> None:
        handle(signal.Signals(number), frame)

    for number in signals:
        signal.signal(number, handle_signal)

    def undo() -> None:
        for number, handler in previous.items():
            if signal.getsignal(number) is handle_signal:
                signal.signal(number, handler)

    return undo


def _stop_server(previous: Any, number: int) -> None:
    server = getattr(previous, "__self__", None)
    if server is not None and hasattr(server, "should_exit"):
        # uvicorn.Server: stop like its own handler does, minus recording the signal.
        config = getattr(server, "config", None)
        if config is not None and getattr(config, "timeout_graceful_shutdown", 0) is None:
            config.timeout_graceful_shutdown = _FLUSH_SECONDS
        server.should_exit = True
    elif callable(previous):
        previous(number, None)
    else:
        signal.signal(number, previous)
        signal.raise_signal(number)
