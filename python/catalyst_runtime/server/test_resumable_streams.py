"""Run event ids, the in-memory run store and resumable streams, without sockets (the socket-level
tests, Redis and the TypeScript server included, are in ``tests/runtime/test_stream_resume.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from catalyst_runtime.server.resumable_streams import ABANDONED_ERROR, ResumableStreams
from catalyst_runtime.server.run_event_id import (
    create_run_id,
    format_event_id,
    next_sequence,
    parse_event_id,
)
from catalyst_runtime.server.run_event_store import MemoryRunEventStore, RunRecord
from catalyst_runtime.server.server_config import read_server_config
from catalyst_runtime.server.sse import encode_sse_event


def _token(text: str) -> dict[str, Any]:
    return {"type": "token", "node": "answer", "text": text}


_DONE: dict[str, Any] = {"type": "done", "output": {}, "text": "ab", "tokenCount": 2}


def test_event_ids_are_run_colon_sequence_and_parse_as_javascript_reads_them() -> None:
    run_id = create_run_id()
    assert len(run_id) == 36 and run_id[14] == "4" and ":" not in run_id
    assert parse_event_id(f" {format_event_id(run_id, 7)}\n") == (run_id, 7)
    assert parse_event_id("run_1-A:0") == ("run_1-A", 0)
    # Not ours: leading zeros, a sign, no run, a run too long or with other characters.
    for value in ("run:07", "run:-1", ":3", "run:", f"{'r' * 129}:1", "r.n:1", "run:1:2", "run"):
        assert parse_event_id(value) is None, value
    assert parse_event_id(f"{'r' * 128}:1") == ("r" * 128, 1)
    # 16 digits are read as a double, as Number() does: both runtimes round alike.
    assert parse_event_id("run:9999999999999999") == ("run", 10_000_000_000_000_000)
    assert next_sequence(9_007_199_254_740_992) == 9_007_199_254_740_992
    assert next_sequence(41) == 42


def test_an_event_on_the_wire_has_its_id_first() -> None:
    assert encode_sse_event(_token("Hi"), "run:1") == (
        b'id: run:1\nevent: token\ndata: {"node":"answer","text":"Hi"}\n\n'
    )
    with pytest.raises(ValueError, match="line break"):
        encode_sse_event(_token("Hi"), "run:1\nevent: forged")


def test_the_stream_variables_are_read_with_their_defaults() -> None:
    config = read_server_config({})
    assert (config.stream_retention_ms, config.stream_reconnect_ms) == (300_000, 15_000)
    assert config.stream_retained_events == 200_000
    assert (
        read_server_config({"CATALYST_STREAM_RETAINED_EVENTS": "10"}).stream_retained_events == 10
    )
    config = read_server_config(
        {"CATALYST_STREAM_RETENTION_MS": "0", "CATALYST_STREAM_RECONNECT_MS": " 2500 "}
    )
    assert (config.stream_retention_ms, config.stream_reconnect_ms) == (0, 2500)
    message = 'CATALYST_STREAM_RECONNECT_MS must be a whole number, got "-1"'
    with pytest.raises(ValueError, match=message):
        read_server_config({"CATALYST_STREAM_RECONNECT_MS": "-1"})
    with pytest.raises(ValueError, match="CATALYST_STREAM_RETENTION_MS"):
        read_server_config({"CATALYST_STREAM_RETENTION_MS": "5m"})


async def _collect(records: AsyncIterator[RunRecord] | None) -> list[RunRecord]:
    assert records is not None
    return [record async for record in records]


@pytest.mark.asyncio
async def test_the_memory_store_replays_then_follows_and_forgets_after_retention() -> None:
    store = MemoryRunEventStore(retention_ms=50)
    store.begin("r", "chat")
    store.append("r", RunRecord(1, _token("a")))
    assert await store.read(run_id="r", workflow_id="other", after=0) is None
    whole = await store.read(run_id="r", workflow_id="chat", after=0)
    reader = asyncio.ensure_future(_collect(whole))
    tail = await store.read(run_id="r", workflow_id="chat", after=1)
    late = asyncio.ensure_future(_collect(tail))
    await asyncio.sleep(0.01)
    assert not reader.done()
    store.append("r", RunRecord(2, _token("b")))
    store.append("r", RunRecord(3, _DONE))
    # Nothing is recorded after the terminal event.
    store.append("r", RunRecord(4, _token("c")))
    assert [record.seq for record in await reader] == [1, 2, 3]
    assert [record.seq for record in await late] == [2, 3]
    await asyncio.sleep(0.1)
    assert await store.read(run_id="r", workflow_id="chat", after=0) is None
    await store.aclose()


@pytest.mark.asyncio
async def test_readers_are_counted() -> None:
    store = MemoryRunEventStore(retention_ms=1000)
    store.begin("r", "chat")
    await store.attach("r")
    await store.attach("r")
    await store.detach("r")
    assert await store.readers("r") == 1
    assert await store.readers("unknown") == 0
    await store.aclose()


class _Run:
    """A run that emits ``tokens`` tokens, one per ``step`` seconds, then ``done``; it records
    whether it was stopped before its end."""

    def __init__(self, tokens: int, step: float) -> None:
        self.tokens = tokens
        self.step = step
        self.stopped = False
        self.calls = 0

    async def events(self) -> AsyncIterator[Mapping[str, Any]]:
        self.calls += 1
        try:
            for index in range(self.tokens):
                await asyncio.sleep(self.step)
                yield _token(str(index))
            yield _DONE
        except (GeneratorExit, asyncio.CancelledError):
            self.stopped = True
            raise


@pytest.mark.asyncio
async def test_a_run_is_read_from_any_event_while_it_runs_and_after() -> None:
    streams = ResumableStreams(retention_ms=1000, reconnect_ms=1000, create_run_id=lambda: "r1")
    run = _Run(tokens=4, step=0.01)
    run_id = streams.start(workflow_id="chat", events=run.events)
    assert run_id == "r1"
    first = await streams.open(run_id=run_id, workflow_id="chat", after=0)
    assert first is not None
    seen = [await anext(first), await anext(first)]
    await first.aclose()  # type: ignore[attr-defined]
    rest = await _collect(await streams.open(run_id=run_id, workflow_id="chat", after=2))
    assert [record.seq for record in seen + rest] == [1, 2, 3, 4, 5]
    assert rest[-1].event == _DONE and run.calls == 1 and not run.stopped
    assert await streams.open(run_id=run_id, workflow_id="other", after=0) is None
    assert await streams.open(run_id="unknown", workflow_id="chat", after=0) is None
    await streams.aclose()


@pytest.mark.asyncio
async def test_a_run_nobody_reads_stops_after_the_grace_and_ends_with_an_aborted_event() -> None:
    streams = ResumableStreams(retention_ms=1000, reconnect_ms=50)
    run = _Run(tokens=100, step=0.01)
    run_id = streams.start(workflow_id="chat", events=run.events)
    reader = await streams.open(run_id=run_id, workflow_id="chat", after=0)
    assert reader is not None
    await anext(reader)
    await reader.aclose()  # type: ignore[attr-defined]
    await asyncio.sleep(0.02)
    assert not run.stopped
    await asyncio.sleep(0.15)
    assert run.stopped
    records = await _collect(await streams.open(run_id=run_id, workflow_id="chat", after=0))
    assert records[-1].event == ABANDONED_ERROR
    assert [record.seq for record in records] == list(range(1, len(records) + 1))
    await streams.aclose()


@pytest.mark.asyncio
async def test_a_reader_back_within_the_grace_keeps_the_run_going() -> None:
    streams = ResumableStreams(retention_ms=1000, reconnect_ms=60)
    run = _Run(tokens=15, step=0.01)
    run_id = streams.start(workflow_id="chat", events=run.events)
    reader = await streams.open(run_id=run_id, workflow_id="chat", after=0)
    assert reader is not None
    await anext(reader)
    await reader.aclose()  # type: ignore[attr-defined]
    await asyncio.sleep(0.03)
    rest = await _collect(await streams.open(run_id=run_id, workflow_id="chat", after=1))
    assert rest[-1].event == _DONE and not run.stopped
    await streams.aclose()


def _record_run(store: MemoryRunEventStore, run_id: str, *, tokens: int, finish: bool) -> None:
    """``tokens`` token events in a new run, then ``done`` unless it should keep running."""
    store.begin(run_id, "chat")
    for index in range(tokens):
        store.append(run_id, RunRecord(index + 1, _token("x")))
    if finish:
        store.append(run_id, RunRecord(tokens + 1, _DONE))


@pytest.mark.asyncio
async def test_the_memory_store_forgets_the_oldest_finished_runs_past_its_event_bound() -> None:
    store = MemoryRunEventStore(retention_ms=60_000, retained_events=8)
    _record_run(store, "first", tokens=3, finish=True)  # 4 events
    _record_run(store, "second", tokens=3, finish=True)  # 8 in all: at the bound
    assert store.retained_event_count == 8
    _record_run(store, "third", tokens=1, finish=True)  # 10: "first" must go
    assert store.retained_event_count == 6
    assert await store.read(run_id="first", workflow_id="chat", after=0) is None
    second = await _collect(await store.read(run_id="second", workflow_id="chat", after=0))
    assert [record.seq for record in second] == [1, 2, 3, 4]
    # A run still running is never forgotten, however many events it holds.
    _record_run(store, "running", tokens=50, finish=False)
    _record_run(store, "fourth", tokens=5, finish=True)
    assert await store.read(run_id="running", workflow_id="chat", after=0) is not None
    # "fourth" holds 6: "second" goes, "third" (2) and "fourth" (6) make 8.
    assert store.retained_event_count == 8
    assert await store.read(run_id="second", workflow_id="chat", after=0) is None
    assert await store.read(run_id="third", workflow_id="chat", after=0) is not None
    await store.aclose()
