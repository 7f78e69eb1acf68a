"""The order a router tries its targets in: the weighted rotation and the cheapest ordering (the
same numbers as the TypeScript tests)."""

from __future__ import annotations

import pytest

from catalyst_runtime.engine.router.order_targets import (
    RouterTarget,
    order_targets,
    smooth_weighted_pick,
)
from catalyst_runtime.engine.router.router_state import TargetStats
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog

pytestmark = pytest.mark.asyncio

NO_NEEDS = {"tools": False, "jsonMode": False, "jsonSchema": False, "maxTokens": None}


async def test_smooth_weighted_pick_is_exact_and_interleaved() -> None:
    assert [smooth_weighted_pick([3, 1], turn) for turn in range(4)] == [0, 0, 1, 0]
    counts = [0, 0, 0]
    for turn in range(600):
        counts[smooth_weighted_pick([5, 1, 0], turn) or 0] += 1
    assert counts == [500, 100, 0]
    assert smooth_weighted_pick([0, 0], 3) is None


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
