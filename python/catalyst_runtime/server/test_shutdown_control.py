"""ShutdownControl.track in-process: the shutdown interrupting a run that waits for its next
event, a run that ends or fails by itself, and a cancellation from elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from catalyst_runtime.server.shutdown import SHUTDOWN_ERROR, ShutdownControl

pytestmark = pytest.mark.asyncio

TOKEN: dict[str, Any] = {"type": "token", "node": "answer", "text": "Hi"}


def _stalling_run(closed: asyncio.Event) -> AsyncIterator[dict[str, Any]]:
    async def run() -> AsyncIterator[dict[str, Any]]:
        try:
            yield TOKEN
            await asyncio.sleep(3600)
            yield TOKEN  # pragma: no cover - never reached
        finally:
            closed.set()

    return run()


async def test_the_shutdown_ends_a_waiting_run_with_the_unavailable_error() -> None:
    control = ShutdownControl()
    closed = asyncio.Event()
    seen: list[dict[str, Any]] = []

    cancelling: list[int] = []

    async def consume() -> None:
        async for event in control.track(_stalling_run(closed)):
            seen.append(event)
        task = asyncio.current_task()
        assert task is not None
        cancelling.append(task.cancelling())

    consumer = asyncio.ensure_future(consume())
    while not seen:
        await asyncio.sleep(0)
    assert control.in_flight() == 1
    await control.drain(grace_ms=0)
    await consumer
    assert seen == [TOKEN, dict(SHUTDOWN_ERROR)]
    assert closed.is_set() and control.in_flight() == 0
    # The consumer's task was not left cancelled: the interruption was taken back.
    assert cancelling == [0]

    # A run started after the shutdown ends at once, unread.
    started: list[str] = []

    async def never_read() -> AsyncIterator[dict[str, Any]]:
        started.append("read")
        yield TOKEN

    assert [event async for event in control.track(never_read())] == [dict(SHUTDOWN_ERROR)]
    assert started == []


async def test_a_run_that_ends_or_fails_by_itself_passes_through() -> None:
    control = ShutdownControl()

    async def short() -> AsyncIterator[dict[str, Any]]:
        yield TOKEN

    assert [event async for event in control.track(short())] == [TOKEN]

    async def failing() -> AsyncIterator[dict[str, Any]]:
        yield TOKEN
        raise RuntimeError("engine bug")

    with pytest.raises(RuntimeError, match="engine bug"):
        async for _ in control.track(failing()):
            pass
    assert control.in_flight() == 0


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    control = ShutdownControl()
    closed = asyncio.Event()
    seen: list[dict[str, Any]] = []

    async def consume() -> None:
        async for event in control.track(_stalling_run(closed)):
            seen.append(event)

    consumer = asyncio.ensure_future(consume())
    while not seen:
        await asyncio.sleep(0)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert seen == [TOKEN] and closed.is_set() and control.in_flight() == 0
