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


class ShutdownControl:
    """Counts runs in flight and ends them on shutdown."""

    def __init__(self) -> None:
        self.stopping = False
        self._running: set[asyncio.Future[None]] = set()
        # Called when the grace period is over, one per run still in flight.
        self._on_shutdown: set[Callable[[], None]] = set()
        self._shut_down = False

    def in_flight(self) -> int:
        """Runs in flight right now."""
        return len(self._running)

    async def track(self, events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        """``events`` of one run, counted in flight until it ends; once the grace period is over
        the run is cancelled and ends with :data:`SHUTDOWN_ERROR` instead.

        ``events`` is read in the consumer's own task: the shutdown interrupts a wait for the
        next event by cancelling that wait (and takes the cancellation back, as
        ``asyncio.timeout`` does), so neither a reader task with a hand-over per event nor a
        task waiting for the shutdown is needed per run.
        """
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        self._running.add(finished)
        # The task waiting for the next event, while it waits.
        waiting: asyncio.Task[Any] | None = None
        shut_down = self._shut_down
        interrupted = False

        def on_shutdown() -> None:
            nonlocal shut_down, interrupted
            shut_down = True
            if waiting is not None and not interrupted:
                interrupted = True
                waiting.cancel()

        self._on_shutdown.add(on_shutdown)
        try:
            while not shut_down:
                task = asyncio.current_task()
                if task is None:
                    raise RuntimeError("a run must be read inside a task")
                cancelling = task.cancelling()
                waiting = task
                try:
                    event = await anext(events)
                except StopAsyncIteration:
                    return
                except asyncio.CancelledError:
                    if not interrupted:
                        raise
                    interrupted = False
                    if task.uncancel() > cancelling:
                        raise  # cancelled from elsewhere too: stays a cancellation
                    break
                finally:
                    waiting = None
                    if interrupted:
                        # The shutdown cancelled a wait that ended otherwise: take it back.
                        interrupted = False
                        task.uncancel()
                yield event
            yield dict(SHUTDOWN_ERROR)
        finally:
            self._on_shutdown.discard(on_shutdown)
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
            self._shut_down = True
            for end in list(self._on_shutdown):
                end()
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
