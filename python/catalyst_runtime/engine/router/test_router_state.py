"""Router state without servers: cooldowns on an injected clock, and a Redis outage that falls
back to memory and says so."""

from __future__ import annotations

import pytest

from catalyst_runtime.engine.router.router_state import (
    CooldownRule,
    MemoryRouterState,
    RedisRouterState,
)

pytestmark = pytest.mark.asyncio


async def test_cooldown_after_consecutive_failures_on_an_injected_clock() -> None:
    clock = [1_000.0]
    state = MemoryRouterState(now=lambda: clock[0])
    rule = CooldownRule(failures=2, seconds=30)

    async def cooling() -> bool:
        return (await state.read(["a/x"])).stats["a/x"].cooling_down

    await state.record_failure("a/x", rule)
    await state.record_success("a/x", None)
    await state.record_failure("a/x", rule)
    assert not await cooling()
    await state.record_failure("a/x", rule)
    assert await cooling()
    clock[0] += 30_000
    assert not await cooling()
    await state.record_success("a/x", 100)
    await state.record_success("a/x", 200)
    assert (await state.read(["a/x"])).stats["a/x"].ttft_ms == pytest.approx(130)
    assert [await state.next_turn("r"), await state.next_turn("r")] == [0, 1]


async def test_redis_outage_falls_back_to_memory_visibly_without_the_url() -> None:
    lines: list[str] = []
    state = RedisRouterState("redis://user:s3cret-password@127.0.0.1:1", log=lines.append)
    try:
        await state.record_failure("groq/m", CooldownRule(failures=1, seconds=60))
        snapshot = await state.read(["groq/m"])
        assert snapshot.stats["groq/m"].cooling_down  # the memory fallback recorded it
        assert snapshot.warning is not None
        assert snapshot.warning.startswith(
            "router state is local to this server: Redis is unavailable ("
        )
        assert await state.next_turn("w") == 0
        assert len(lines) == 1
        assert "s3cret" not in lines[0] and "s3cret" not in snapshot.warning
    finally:
        await state.aclose()
