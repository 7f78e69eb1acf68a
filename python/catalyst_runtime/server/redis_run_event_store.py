"""Runs in Redis (TypeScript ``RedisRunEventStore``), so a client can resume on any server sharing
``REDIS_URL`` — TypeScript and Python servers alike, as both use the same keys and JSON
(docs/protocol.md, "Resuming a stream"). Per run:

- ``catalyst:run:ID:events``: a list of ``{"seq":N,"event":{…,"type":NAME}}`` JSON, seq 1 first;
- ``catalyst:run:ID:workflow``: the workflow id;
- ``catalyst:run:ID:readers``: a counter of clients reading the run on any server;
- the channel ``catalyst:run:ID``, on which each event is also published as it is appended.

A reader subscribes first, then reads the list, then takes published events it has not seen.
Writes of one run are chained so the list keeps the run's order. A failed write is reported once
through ``log`` (never with the URL) and does not stop the run: this server still serves its own
clients from memory.

Example::

    store = RedisRunEventStore(url="redis://127.0.0.1:6379", retention_ms=300_000)
    streams = ResumableStreams(retention_ms=300_000, reconnect_ms=15_000, shared=store)
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from catalyst_runtime.javascript import json_text
from catalyst_runtime.server.run_event_store import RunRecord, is_terminal

__all__ = ["RUNNING_TTL_MS", "RUN_KEY_PREFIX", "RedisRunEventStore"]

RUN_KEY_PREFIX = "catalyst:run:"
"""Key prefix of every resumable-stream key; the TypeScript runtime uses the same keys."""

RUNNING_TTL_MS = 10 * 60_000
"""How long a run's keys live while it is still running, refreshed by every event: a run whose
server died mid-run is forgotten this long after its last event."""

# A Redis call that takes longer than this is a Redis that is down, for writes and counters.
_OPERATION_TIMEOUT_S = 2.0


class RedisRunEventStore:
    """A :class:`~catalyst_runtime.server.run_event_store.RunEventStore` over ``redis.asyncio``."""

    def __init__(
        self, *, url: str, retention_ms: float, log: Callable[[str], None] | None = None
    ) -> None:
        import redis.asyncio as redis_asyncio

        self._client: Any = redis_asyncio.Redis.from_url(
            url, socket_connect_timeout=_OPERATION_TIMEOUT_S, socket_timeout=_OPERATION_TIMEOUT_S
        )
        # Subscriptions wait for events as long as a run lasts: no read timeout on their sockets.
        self._subscriber: Any = redis_asyncio.Redis.from_url(
            url, socket_connect_timeout=_OPERATION_TIMEOUT_S
        )
        self._retention_ms = retention_ms
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._writes: dict[str, asyncio.Task[None]] = {}
        self._failing = False

    def begin(self, run_id: str, workflow_id: str) -> None:
        async def write(client: Any) -> None:
            await client.set(_key(run_id, "workflow"), workflow_id, px=RUNNING_TTL_MS)

        self._chain(run_id, write)

    def append(self, run_id: str, record: RunRecord) -> None:
        ttl = max(1, int(self._retention_ms if is_terminal(record.event) else RUNNING_TTL_MS))
        text = json_text.dumps_text({"seq": record.seq, "event": dict(record.event)})

        async def write(client: Any) -> None:
            pipeline = client.pipeline(transaction=True)
            pipeline.rpush(_key(run_id, "events"), text)
            pipeline.pexpire(_key(run_id, "events"), ttl)
            pipeline.pexpire(_key(run_id, "workflow"), ttl)
            pipeline.publish(f"{RUN_KEY_PREFIX}{run_id}", text)
            await pipeline.execute()

        self._chain(run_id, write)

    async def read(
        self, *, run_id: str, workflow_id: str, after: int
    ) -> AsyncIterator[RunRecord] | None:
        subscription: Any = self._subscriber.pubsub()
        # Subscribe before reading the list, so no event falls between the two.
        await subscription.subscribe(f"{RUN_KEY_PREFIX}{run_id}")
        try:
            stored_workflow = await self._client.get(_key(run_id, "workflow"))
            listed = await self._client.lrange(_key(run_id, "events"), after, -1)
        except BaseException:
            await _close_subscription(subscription)
            raise
        if stored_workflow is None or stored_workflow.decode("utf-8") != workflow_id:
            await _close_subscription(subscription)
            return None
        return _follow(subscription, listed, after)

    async def attach(self, run_id: str) -> None:
        async def operation(client: Any) -> None:
            pipeline = client.pipeline(transaction=True)
            pipeline.incr(_key(run_id, "readers"))
            pipeline.pexpire(_key(run_id, "readers"), RUNNING_TTL_MS)
            await pipeline.execute()

        await self._safely(operation)

    async def detach(self, run_id: str) -> None:
        async def operation(client: Any) -> None:
            await client.decr(_key(run_id, "readers"))

        await self._safely(operation)

    async def readers(self, run_id: str) -> int:
        count = 0

        async def operation(client: Any) -> None:
            nonlocal count
            value = await client.get(_key(run_id, "readers"))
            count = int(value) if value is not None else 0

        await self._safely(operation)
        return count

    async def flush(self) -> None:
        """Waits for the writes scheduled so far (tests, shutdown)."""
        while self._writes:
            await asyncio.gather(*list(self._writes.values()), return_exceptions=True)

    async def aclose(self) -> None:
        await self.flush()
        for client in (self._subscriber, self._client):
            # Closing a dead connection must not fail shutdown.
            with contextlib.suppress(Exception):
                await client.aclose()

    def _chain(self, run_id: str, write: Callable[[Any], Awaitable[None]]) -> None:
        """Runs one write after the run's previous one, so the list keeps the run's order."""
        previous = self._writes.get(run_id)

        async def run() -> None:
            if previous is not None:
                with contextlib.suppress(BaseException):
                    await previous
            await self._safely(write)

        task = asyncio.get_running_loop().create_task(run())
        self._writes[run_id] = task

        def done(finished: asyncio.Task[None]) -> None:
            if self._writes.get(run_id) is finished:
                del self._writes[run_id]

        task.add_done_callback(done)

    async def _safely(self, operation: Callable[[Any], Awaitable[None]]) -> None:
        try:
            await asyncio.wait_for(operation(self._client), _OPERATION_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - Redis down: this server still serves its runs
            if not self._failing:
                self._log(
                    f"catalyst streams: Redis is unavailable ({_describe(error)}); runs are "
                    "resumable only on the server that runs them"
                )
            self._failing = True
            return
        if self._failing:
            self._failing = False
            self._log(
                "catalyst streams: Redis is reachable again; runs are resumable on every server"
            )


async def _follow(subscription: Any, listed: list[bytes], after: int) -> AsyncIterator[RunRecord]:
    try:
        last = after
        for item in listed:
            record = _record(item)
            last = record.seq
            yield record
            if is_terminal(record.event):
                return
        while True:
            message = await subscription.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is None or message.get("type") != "message":
                continue
            record = _record(message["data"])
            if record.seq <= last:
                continue
            last = record.seq
            yield record
            if is_terminal(record.event):
                return
    finally:
        await _close_subscription(subscription)


def _record(text: bytes | str) -> RunRecord:
    parsed = json_text.loads(text)
    return RunRecord(int(parsed["seq"]), parsed["event"])


async def _close_subscription(subscription: Any) -> None:
    with contextlib.suppress(Exception):
        await subscription.aclose()


def _key(run_id: str, part: str) -> str:
    return f"{RUN_KEY_PREFIX}{run_id}:{part}"


def _describe(error: BaseException) -> str:
    """The error without any URL in it (a Redis URL may hold a password)."""
    text = str(error) or type(error).__name__
    return re.sub(r"\b[a-z]+://\S+", "<url>", text, flags=re.IGNORECASE)[:120]
