"""Router state (``packages/runtime/src/router/``): time-to-first-token averages, failure counts,
cooldowns and weighted-rotation turns, per target (``provider/model``).

In memory by default; in Redis when ``REDIS_URL`` is set, under the same keys and with the same
Lua scripts as the TypeScript runtime, so TypeScript and Python servers share it. When Redis is
unreachable (or slower than 500 ms) the router decides on this process's memory and says so in
every affected decision (``stateWarning``); one line goes to stderr when Redis goes away and one
when it is back, never with the URL (it may hold a password).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

__all__ = [
    "ROUTER_KEY_PREFIX",
    "TTFT_SMOOTHING",
    "CooldownRule",
    "MemoryRouterState",
    "RedisRouterState",
    "RouterState",
    "RouterStateSnapshot",
    "TargetStats",
    "create_router_state",
    "next_average",
]

ROUTER_KEY_PREFIX = "catalyst:router:"
TTFT_SMOOTHING = 0.3
"""Weight of the newest sample in the time-to-first-token moving average (both runtimes)."""

_OPERATION_TIMEOUT_S = 0.5
_RETRY_INTERVAL_S = 1.0

_T = TypeVar("_T")


@dataclass
class TargetStats:
    """What the router remembers about one target."""

    cooling_down: bool
    ttft_ms: float | None = None


@dataclass
class RouterStateSnapshot:
    """The state one routing decision reads."""

    stats: dict[str, TargetStats]
    warning: str | None = None


@dataclass(frozen=True)
class CooldownRule:
    """After ``failures`` consecutive failures, leave the target out for ``seconds``."""

    failures: int
    seconds: float


class RouterState(Protocol):
    """Shared by every router node of an app (and, in Redis, by every server)."""

    async def read(self, targets: Sequence[str]) -> RouterStateSnapshot: ...

    async def record_success(self, target: str, ttft_ms: float | None) -> None: ...

    async def record_failure(self, target: str, cooldown: CooldownRule | None) -> None: ...

    async def next_turn(self, key: str) -> int: ...

    async def aclose(self) -> None: ...


def next_average(average: float | None, sample: float) -> float:
    """The moving average after ``sample``."""
    return sample if average is None else average + TTFT_SMOOTHING * (sample - average)


@dataclass
class _Entry:
    ttft_ms: float | None = None
    failures: int = 0
    cooldown_until: float = 0.0


@dataclass
class MemoryRouterState:
    """Router state in this process's memory; ``now`` (ms) is injectable for tests."""

    now: Callable[[], float] = field(default=lambda: time.time() * 1000)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _turns: dict[str, int] = field(default_factory=dict)

    async def read(self, targets: Sequence[str]) -> RouterStateSnapshot:
        now = self.now()
        stats: dict[str, TargetStats] = {}
        for target in targets:
            entry = self._entries.get(target)
            stats[target] = TargetStats(
                cooling_down=entry is not None and now < entry.cooldown_until,
                ttft_ms=entry.ttft_ms if entry is not None else None,
            )
        return RouterStateSnapshot(stats)

    async def record_success(self, target: str, ttft_ms: float | None) -> None:
        entry = self._entries.setdefault(target, _Entry())
        entry.failures = 0
        if ttft_ms is not None:
            entry.ttft_ms = next_average(entry.ttft_ms, ttft_ms)

    async def record_failure(self, target: str, cooldown: CooldownRule | None) -> None:
        entry = self._entries.setdefault(target, _Entry())
        entry.failures += 1
        if cooldown is not None and entry.failures >= cooldown.failures:
            entry.cooldown_until = self.now() + cooldown.seconds * 1000
            entry.failures = 0

    async def next_turn(self, key: str) -> int:
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        return turn

    async def aclose(self) -> None:
        return None


# The same scripts as redis-router-state.ts: atomic on the server, so servers never lose updates.
_SUCCESS_SCRIPT = """
redis.call('HSET', KEYS[1], 'failures', 0)
if ARGV[1] ~= '' then
  local sample = tonumber(ARGV[1])
  local average = tonumber(redis.call('HGET', KEYS[1], 'ttft'))
  if average then
    average = average + tonumber(ARGV[2]) * (sample - average)
  else
    average = sample
  end
  redis.call('HSET', KEYS[1], 'ttft', string.format('%.17g', average))
end
return 1"""

_FAILURE_SCRIPT = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if ARGV[1] ~= '' and failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('HSET', KEYS[1], 'failures', 0)
  return 1
end
return 0"""


def _target_key(target: str) -> str:
    return f"{ROUTER_KEY_PREFIX}target:{target}"


def _cooldown_key(target: str) -> str:
    return f"{ROUTER_KEY_PREFIX}cooldown:{target}"


def _js_number_text(value: float) -> str:
    # String(ttftMs) in TypeScript: integral values without ".0".
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return re.sub(r"\b[a-z]+://\S+", "<url>", text, flags=re.IGNORECASE)[:120]


class RedisRouterState:
    """Router state in Redis (``redis.asyncio``), shared with every server on the same Redis."""

    def __init__(
        self,
        url: str,
        *,
        log: Callable[[str], None] | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        import redis.asyncio as redis_asyncio

        self._client: Any = redis_asyncio.Redis.from_url(
            url,
            socket_connect_timeout=_OPERATION_TIMEOUT_S,
            socket_timeout=_OPERATION_TIMEOUT_S,
        )
        self._fallback = MemoryRouterState(now=now) if now else MemoryRouterState()
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._outage: str | None = None
        self._retry_at = 0.0

    async def read(self, targets: Sequence[str]) -> RouterStateSnapshot:
        async def operation() -> RouterStateSnapshot:
            stats: dict[str, TargetStats] = {}
            for target in targets:
                ttft = await self._client.hget(_target_key(target), "ttft")
                cooling = await self._client.exists(_cooldown_key(target))
                stats[target] = TargetStats(
                    cooling_down=cooling == 1, ttft_ms=float(ttft) if ttft is not None else None
                )
            return RouterStateSnapshot(stats)

        async def fallback(warning: str) -> RouterStateSnapshot:
            snapshot = await self._fallback.read(targets)
            snapshot.warning = warning
            return snapshot

        return await self._attempt(operation, fallback)

    async def record_success(self, target: str, ttft_ms: float | None) -> None:
        async def operation() -> None:
            await self._client.eval(
                _SUCCESS_SCRIPT,
                1,
                _target_key(target),
                "" if ttft_ms is None else _js_number_text(ttft_ms),
                _js_number_text(TTFT_SMOOTHING),
            )

        async def fallback(_warning: str) -> None:
            await self._fallback.record_success(target, ttft_ms)

        await self._attempt(operation, fallback)

    async def record_failure(self, target: str, cooldown: CooldownRule | None) -> None:
        arguments = (
            [str(cooldown.failures), str(round(cooldown.seconds * 1000))] if cooldown else ["", "0"]
        )

        async def operation() -> None:
            await self._client.eval(
                _FAILURE_SCRIPT, 2, _target_key(target), _cooldown_key(target), *arguments
            )

        async def fallback(_warning: str) -> None:
            await self._fallback.record_failure(target, cooldown)

        await self._attempt(operation, fallback)

    async def next_turn(self, key: str) -> int:
        async def operation() -> int:
            return int(await self._client.incr(f"{ROUTER_KEY_PREFIX}turn:{key}")) - 1

        async def fallback(_warning: str) -> int:
            return await self._fallback.next_turn(key)

        return await self._attempt(operation, fallback)

    async def aclose(self) -> None:
        # Closing a dead connection must not fail shutdown.
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def _attempt(
        self,
        operation: Callable[[], Awaitable[_T]],
        fallback: Callable[[str], Awaitable[_T]],
    ) -> _T:
        if self._outage is not None and time.monotonic() < self._retry_at:
            return await fallback(self._outage)
        try:
            value = await asyncio.wait_for(operation(), _OPERATION_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any Redis failure means: decide locally
            warning = (
                f"router state is local to this server: Redis is unavailable ({_describe(error)})"
            )
            if self._outage is None:
                self._log(f"catalyst router: {warning}")
            self._outage = warning
            self._retry_at = time.monotonic() + _RETRY_INTERVAL_S
            return await fallback(warning)
        if self._outage is not None:
            self._outage = None
            self._log("catalyst router: Redis is reachable again; router state is shared again")
        return value


def create_router_state(environment: Mapping[str, str | None]) -> RouterState:
    """Redis when ``REDIS_URL`` is set, else this process's memory."""
    url = environment.get("REDIS_URL")
    return RedisRouterState(url) if url else MemoryRouterState()
