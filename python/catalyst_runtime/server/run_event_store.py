"""Where the events of a streamed run are kept so a client can resume it (TypeScript
``run-event-store``): this process's memory, or Redis (:mod:`.redis_run_event_store`, shared by
every server on it, TypeScript ones included). A run is kept while it runs and for the retention
window after its terminal event.

Example::

    store = MemoryRunEventStore(retention_ms=300_000)
    store.begin("run-1", "chat")
    store.append("run-1", RunRecord(1, {"type": "token", "node": "answer", "text": "Hi"}))
    records = await store.read(run_id="run-1", workflow_id="chat", after=0)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["MemoryRunEventStore", "RunEventStore", "RunRecord", "is_terminal"]


@dataclass(frozen=True)
class RunRecord:
    """One event of a run with its place in the run (the first event is 1)."""

    seq: int
    event: Mapping[str, Any]


def is_terminal(event: Mapping[str, Any]) -> bool:
    """Whether an event ends its run."""
    return event.get("type") in ("done", "error")


class RunEventStore(Protocol):
    """A store of runs' events. ``begin`` and ``append`` only schedule their work (a store keeps
    each run's writes in order), so a run never waits for its store."""

    def begin(self, run_id: str, workflow_id: str) -> None:
        """Registers a run before its first event, so it can be read (and waited on) at once."""

    def append(self, run_id: str, record: RunRecord) -> None:
        """Records the next event (seq in order); a terminal event starts the retention window."""

    async def read(
        self, *, run_id: str, workflow_id: str, after: int
    ) -> AsyncIterator[RunRecord] | None:
        """The run's events after ``after``, then live ones until its terminal event (closing
        the iterator stops following); None when this store does not hold the run for
        ``workflow_id`` (never did, or expired)."""

    async def attach(self, run_id: str) -> None:
        """A client started reading the run (anywhere); :meth:`readers` counts them."""

    async def detach(self, run_id: str) -> None:
        """A client stopped reading the run."""

    async def readers(self, run_id: str) -> int:
        """Clients reading the run right now."""

    async def aclose(self) -> None:
        """Releases what the store holds (connections, timers)."""


@dataclass
class _MemoryRun:
    """A run held in memory; every append (and the end) wakes the ``waiters``: futures of the
    readers waiting for the next record, made only when a reader has to wait (an
    ``asyncio.Event`` made and set per appended event cost more)."""

    workflow_id: str
    records: list[RunRecord] = field(default_factory=list)
    ended: bool = False
    readers: int = 0
    waiters: list[asyncio.Future[None]] = field(default_factory=list)
    expiry: asyncio.TimerHandle | None = None

    def wake(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


class MemoryRunEventStore:
    """Runs in this process's memory; a run is forgotten ``retention_ms`` after its terminal
    event, or earlier when the finished runs hold more than ``retained_events`` events (oldest
    first). Running runs are never forgotten. Readers get each event the moment it is appended
    (no polling)."""

    def __init__(self, *, retention_ms: float, retained_events: float = float("inf")) -> None:
        self._retention_ms = retention_ms
        self._retained_events = retained_events
        self._runs: dict[str, _MemoryRun] = {}
        # Finished runs still kept, oldest first (dicts keep insertion order), and their events.
        self._finished: dict[str, int] = {}
        self._finished_events = 0

    @property
    def retained_event_count(self) -> int:
        """Finished runs' events now held in memory (for tests and metrics)."""
        return self._finished_events

    def begin(self, run_id: str, workflow_id: str) -> None:
        self._runs[run_id] = _MemoryRun(workflow_id=workflow_id)

    def append(self, run_id: str, record: RunRecord) -> None:
        run = self._runs.get(run_id)
        if run is None or run.ended:
            return
        run.records.append(record)
        if is_terminal(record.event):
            run.ended = True
            run.expiry = asyncio.get_running_loop().call_later(
                self._retention_ms / 1000, self._forget, run_id, run
            )
            self._finished[run_id] = len(run.records)
            self._finished_events += len(run.records)
            while self._finished_events > self._retained_events and self._finished:
                oldest = next(iter(self._finished))
                self._forget(oldest, self._runs[oldest])
        run.wake()

    async def read(
        self, *, run_id: str, workflow_id: str, after: int
    ) -> AsyncIterator[RunRecord] | None:
        run = self._runs.get(run_id)
        if run is None or run.workflow_id != workflow_id:
            return None
        return _follow(run, after)

    async def attach(self, run_id: str) -> None:
        run = self._runs.get(run_id)
        if run is not None:
            run.readers += 1

    async def detach(self, run_id: str) -> None:
        run = self._runs.get(run_id)
        if run is not None:
            run.readers = max(0, run.readers - 1)

    async def readers(self, run_id: str) -> int:
        return self.reader_count(run_id)

    def reader_count(self, run_id: str) -> int:
        """:meth:`readers` without a suspension point, for decisions that must not interleave."""
        run = self._runs.get(run_id)
        return run.readers if run is not None else 0

    async def aclose(self) -> None:
        for run in self._runs.values():
            if run.expiry is not None:
                run.expiry.cancel()
            # Wake the readers: with the run gone they end.
            run.ended = True
            run.wake()
        self._runs.clear()
        self._finished.clear()
        self._finished_events = 0

    def _forget(self, run_id: str, run: _MemoryRun) -> None:
        # A new run cannot reuse the id (ids are random), but never drop another run's entry.
        if self._runs.get(run_id) is run:
            del self._runs[run_id]
            if run.expiry is not None:
                run.expiry.cancel()
            self._finished_events -= self._finished.pop(run_id, 0)


async def _follow(run: _MemoryRun, after: int) -> AsyncIterator[RunRecord]:
    """A run's records after ``after``, waiting for new ones until the terminal event."""
    # Records are numbered from 1 in order, so record `seq` sits at index seq - 1.
    index = after
    while True:
        while index < len(run.records):
            record = run.records[index]
            index += 1
            yield record
            if is_terminal(record.event):
                return
        if run.ended:
            return
        waiter = asyncio.get_running_loop().create_future()
        run.waiters.append(waiter)
        await waiter
