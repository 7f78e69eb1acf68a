"""The encoder of a run's events (order and ids, keep-alive comments only in silence, a failing
run's last word, closing) and the disconnect watch of a response."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from catalyst_runtime.server.event_stream_response import event_stream, until_disconnect
from catalyst_runtime.server.run_event_store import RunRecord
from catalyst_runtime.server.sse import SSE_KEEP_ALIVE

pytestmark = pytest.mark.asyncio

TOKEN = {"type": "token", "node": "answer", "text": "Hi"}
DONE: dict[str, Any] = {
    "type": "done",
    "output": None,
    "text": "Hi",
    "tokenCount": 1,
    "usage": {},
    "cost": None,
}


async def test_events_leave_in_order_with_their_ids_and_no_keep_alive_without_silence() -> None:
    async def records() -> AsyncIterator[RunRecord]:
        for seq in range(1, 51):
            yield RunRecord(seq, TOKEN)
            await asyncio.sleep(0)
        yield RunRecord(51, DONE)

    # A keep-alive interval far longer than the stream: every chunk is an event.
    chunks = [chunk async for chunk in event_stream(records(), run_id="r1", keep_alive_ms=60_000)]
    assert len(chunks) == 51
    assert chunks[0] == b'id: r1:1\nevent: token\ndata: {"node":"answer","text":"Hi"}\n\n'
    assert chunks[-1].startswith(b"id: r1:51\nevent: done\n")


async def test_silence_is_filled_with_keep_alive_comments_and_then_the_events_follow() -> None:
    release = asyncio.Event()

    async def records() -> AsyncIterator[RunRecord]:
        yield RunRecord(1, TOKEN)
        await release.wait()
        yield RunRecord(2, DONE)

    chunks: list[bytes] = []
    async for chunk in event_stream(records(), run_id="r1", keep_alive_ms=10):
        chunks.append(chunk)
        if chunks.count(SSE_KEEP_ALIVE) == 2:
            release.set()
    assert chunks[0].startswith(b"id: r1:1\n")
    assert chunks[1:3] == [SSE_KEEP_ALIVE, SSE_KEEP_ALIVE]
    assert chunks[-1].startswith(b"id: r1:2\nevent: done\n")


async def test_a_failing_run_ends_with_an_internal_error_numbered_after_the_last_event() -> None:
    async def records() -> AsyncIterator[RunRecord]:
        yield RunRecord(1, TOKEN)
        raise RuntimeError("store lost")

    chunks = [chunk async for chunk in event_stream(records(), run_id="r1", keep_alive_ms=60_000)]
    assert chunks[-1] == (
        b"id: r1:2\nevent: error\n"
        b'data: {"kind":"internal","message":"store lost","retryable":false}\n\n'
    )


async def test_closing_the_stream_closes_the_records() -> None:
    closed = asyncio.Event()

    async def records() -> AsyncIterator[RunRecord]:
        try:
            yield RunRecord(1, TOKEN)
            await asyncio.sleep(3600)
        finally:
            closed.set()

    stream = event_stream(records(), run_id="r1", keep_alive_ms=60_000)
    assert (await anext(stream)).startswith(b"id: r1:1\n")
    await stream.aclose()  # type: ignore[attr-defined]
    assert closed.is_set()


def _receive_disconnect_after(released: asyncio.Event) -> Any:
    async def receive() -> dict[str, Any]:
        await released.wait()
        return {"type": "http.disconnect"}

    return receive


async def test_a_disconnect_cancels_the_work_and_leaves_the_task_uncancelled() -> None:
    left = asyncio.Event()
    stopped = asyncio.Event()

    async def work() -> None:
        try:
            left.set()
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    await until_disconnect(_receive_disconnect_after(left), work())
    task = asyncio.current_task()
    assert stopped.is_set() and task is not None and task.cancelling() == 0


async def test_work_that_ends_or_fails_by_itself_and_a_cancel_from_elsewhere() -> None:
    never = asyncio.Event()
    done: list[str] = []

    async def quick() -> None:
        done.append("quick")

    await until_disconnect(_receive_disconnect_after(never), quick())
    assert done == ["quick"]

    async def failing() -> None:
        raise ValueError("handler bug")

    with pytest.raises(ValueError, match="handler bug"):
        await until_disconnect(_receive_disconnect_after(never), failing())

    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(3600)

    outer = asyncio.ensure_future(until_disconnect(_receive_disconnect_after(never), slow()))
    await started.wait()
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
