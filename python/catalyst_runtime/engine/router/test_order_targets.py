"""Router pieces without servers: the weighted rotation, cooldowns on an injected clock, the
cheapest ordering and the prompt estimate (the same numbers as the TypeScript tests)."""

from __future__ import annotations

import pytest

from catalyst_runtime.engine.router.order_targets import (
    RouterTarget,
    order_targets,
    smooth_weighted_pick,
)
from catalyst_runtime.engine.router.router_state import CooldownRule, MemoryRouterState, TargetStats
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog, estimate_prompt_tokens

pytestmark = pytest.mark.asyncio

NO_NEEDS = {"tools": False, "jsonMode": False, "jsonSchema": False, "maxTokens": None}


async def test_smooth_weighted_pick_is_exact_and_interleaved() -> None:
    assert [smooth_weighted_pick([3, 1], turn) for turn in range(4)] == [0, 0, 1, 0]
    counts = [0, 0, 0]
    for turn in range(600):
        counts[smooth_weighted_pick([5, 1, 0], turn) or 0] += 1
    assert counts == [500, 100, 0]
    assert smooth_weighted_pick([0, 0], 3) is None


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


async def test_cheapest_skips_small_windows_and_missing_capabilities() -> None:
    targets = [
        RouterTarget("anthropic", "claude-haiku-4-5"),
        RouterTarget("openai", "gpt-4o"),
        RouterTarget("openai", "gpt-4.1-mini"),
        RouterTarget("local", "smollm2-135m-instruct"),
    ]
    chain, skipped, _ = order_targets(
        targets=targets,
        strategy="cheapest",
        prompt_tokens=100,
        needs={**NO_NEEDS, "tools": True, "maxTokens": 130_000},
        catalog=ModelCatalog.default(),
        stats={},
        honour_cooldown=False,
    )
    assert [target.model for target in chain] == ["gpt-4.1-mini", "claude-haiku-4-5"]
    assert [entry["reason"] for entry in skipped] == ["context_window", "context_window"]
    chain, _, _ = order_targets(
        targets=targets[2:],
        strategy="fastest",
        prompt_tokens=100,
        needs=NO_NEEDS,
        catalog=ModelCatalog.default(),
        stats={"openai/gpt-4.1-mini": TargetStats(cooling_down=False, ttft_ms=5.0)},
        honour_cooldown=False,
    )
    assert [target.model for target in chain] == ["smollm2-135m-instruct", "gpt-4.1-mini"]


async def test_prompt_estimate_counts_code_points() -> None:
    assert estimate_prompt_tokens([{"role": "user", "content": "Hello there!"}], None) == 10
    image = {"type": "image", "url": "https://x"}
    parts = [{"type": "text", "text": "😀😀😀😀😀"}, image]
    assert estimate_prompt_tokens([{"role": "user", "content": parts}], "sys") == 3 + 5 + 6


async def test_redis_outage_falls_back_to_memory_visibly_without_the_url() -> None:
    from catalyst_runtime.engine.router.router_state import RedisRouterState

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
