"""Streamed runs that outlive their connection (TypeScript ``resumable-streams``): started once,
read by any number of clients, each from any event on (docs/protocol.md, "Resuming a stream").

Example::

    streams = ResumableStreams(retention_ms=300_000, reconnect_ms=15_000)
    run_id = streams.start(workflow_id="chat", events=lambda: run(workflow, value))
    records = await streams.open(run_id=run_id, workflow_id="chat", after=0)
    async for record in records: ...
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.server.run_event_id import create_run_id
from catalyst_runtime.server.run_event_store import (
    MemoryRunEventStore,
    RunEventStore,
    RunRecord,
    is_terminal,
)

__all__ = [
    "ABANDONED_ERROR",
    "DEFAULT_STREAM_RECONNECT_MS",
    "DEFAULT_STREAM_RETAINED_EVENTS",
    "DEFAULT_STREAM_RETENTION_MS",
    "ResumableStreams",
]

DEFAULT_STREAM_RETENTION_MS = 300_000
"""How long events are kept after a run ends, by default: 5 minutes."""

DEFAULT_STREAM_RECONNECT_MS = 15_000

DEFAULT_STREAM_RETAINED_EVENTS = 200_000
"""How many events of finished runs this process keeps in memory at most, by default: the oldest
finished runs are forgotten first, before their retention window is over. Bounds memory under
load (a short chat run is about 25 events; a long answer a few thousand)."""
"""How long a run nobody reads keeps running, waiting for its client to reconnect: 15 s."""

ABANDONED_ERROR: Mapping[str, Any] = {
    "type": "error",
    "kind": "aborted",
    "message": "The run was aborted.",
    "retryable": False,
}
"""The terminal event of a run cancelled because nobody read it within the reconnect grace (the
message of an aborted run in both runtimes)."""


@dataclass
class _OwnedRun:
    """A run of this server still running: its task and the pending abandonment check."""

    task: asyncio.Task[None]
    check: asyncio.TimerHandle | None = None


class ResumableStreams:
    """Resumable streams over this process's memory, and over ``shared`` (Redis) when given so
    that a client can resume on another server. This server's own runs are always read from
    memory (no round trip per token); ``shared`` is written through and read only for runs of
    other servers. ``shared`` belongs to the caller: :meth:`aclose` leaves it open."""

    def __init__(
        self,
        *,
        retention_ms: float,
        reconnect_ms: float,
        retained_events: float = DEFAULT_STREAM_RETAINED_EVENTS,
        shared: RunEventStore | None = None,
        create_run_id: Callable[[], str] | None = None,
    ) -> None:
        self._local = MemoryRunEventStore(
            retention_ms=retention_ms, retained_events=retained_events
        )
        self._shared = shared
        self._reconnect_ms = reconnect_ms
        self._new_run_id = create_run_id or _default_run_id
        self._owned: dict[str, _OwnedRun] = {}
        self._checks: set[asyncio.Task[None]] = set()

    def start(
        self, *, workflow_id: str, events: Callable[[], AsyncIterator[Mapping[str, Any]]]
    ) -> str:
        """Starts a run that is not tied to one connection and returns its id. It stops early
        only when nobody has read it for the reconnect grace period (or ``events`` ends by
        itself). Until the first client attaches, the run counts as read (its client is on its
        way)."""
        run_id = self._new_run_id()
        self._local.begin(run_id, workflow_id)
        if self._shared is not None:
            self._shared.begin(run_id, workflow_id)
        task = asyncio.get_running_loop().create_task(
            self._pump(run_id, events()), name=f"catalyst run {run_id}"
        )
        self._owned[run_id] = _OwnedRun(task=task)
        return run_id

    async def open(
        self, *, run_id: str, workflow_id: str, after: int
    ) -> AsyncIterator[RunRecord] | None:
        """The run's events after ``after`` (0: all), replayed, then live until its terminal
        event or until the iterator is closed; None when no store holds the run (unknown, or its
        retention window is over)."""
        store: RunEventStore | None = self._local
        records = await self._local.read(run_id=run_id, workflow_id=workflow_id, after=after)
        if records is None and self._shared is not None:
            store = self._shared
            records = await self._shared.read(run_id=run_id, workflow_id=workflow_id, after=after)
        if records is None or store is None:
            return None
        return self._attached(run_id, store, records)

    async def aclose(self) -> None:
        """Stops this server's runs and forgets the runs held in memory."""
        for run in list(self._owned.values()):
            if run.check is not None:
                run.check.cancel()
            run.task.cancel()
        for check in list(self._checks):
            check.cancel()
        await asyncio.gather(
            *(run.task for run in self._owned.values()), *self._checks, return_exceptions=True
        )
        await self._local.aclose()

    async def _attached(
        self, run_id: str, store: RunEventStore, records: AsyncIterator[RunRecord]
    ) -> AsyncIterator[RunRecord]:
        await store.attach(run_id)
        try:
            async for record in records:
                yield record
        finally:
            with contextlib.suppress(Exception):
                await records.aclose()  # type: ignore[attr-defined]
            await store.detach(run_id)
            if run_id in self._owned and self._local.reader_count(run_id) == 0:
                self._schedule_check(run_id)

    async def _pump(self, run_id: str, events: AsyncIterator[Mapping[str, Any]]) -> None:
        """Reads the run to its end into the stores; a cancelled run ends with its ``aborted``
        event, so its readers (and its retention window) see an end."""
        seq = 0
        ended = False
        try:
            async for event in events:
                seq += 1
                self._append(run_id, RunRecord(seq, event))
                ended = is_terminal(event)
        except asyncio.CancelledError:
            pass
        finally:
            with contextlib.suppress(BaseException):
                await events.aclose()  # type: ignore[attr-defined]
            if not ended:
                self._append(run_id, RunRecord(seq + 1, dict(ABANDONED_ERROR)))
            run = self._owned.pop(run_id, None)
            if run is not None and run.check is not None:
                run.check.cancel()

    def _append(self, run_id: str, record: RunRecord) -> None:
        self._local.append(run_id, record)
        if self._shared is not None:
            self._shared.append(run_id, record)

    def _schedule_check(self, run_id: str) -> None:
        """After the last local reader left: stop the run unless someone reads it within the
        reconnect grace."""
        run = self._owned.get(run_id)
        if run is None or run.check is not None:
            return

        def due() -> None:
            run.check = None
            task = asyncio.get_running_loop().create_task(self._check(run_id, run))
            self._checks.add(task)
            task.add_done_callback(self._checks.discard)

        run.check = asyncio.get_running_loop().call_later(self._reconnect_ms / 1000, due)

    async def _check(self, run_id: str, run: _OwnedRun) -> None:
        if self._owned.get(run_id) is not run or self._local.reader_count(run_id) > 0:
            return
        elsewhere = await self._shared.readers(run_id) if self._shared is not None else 0
        if self._local.reader_count(run_id) > 0:
            return
        if elsewhere > 0:
            self._schedule_check(run_id)
        else:
            run.task.cancel()


def _default_run_id() -> str:
    return create_run_id()
