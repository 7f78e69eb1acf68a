"""The order a router tries its targets in (``packages/runtime/src/router/order-targets.ts``):
the ``ordered``, ``cheapest``, ``fastest`` and ``weighted`` strategies, and the cooldown filter."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.engine.router.router_state import TargetStats
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog

__all__ = [
    "ASSUMED_OUTPUT_TOKENS",
    "RouterTarget",
    "order_targets",
    "plain_target",
    "skipped_target",
    "smooth_weighted_pick",
    "target_key",
]

ASSUMED_OUTPUT_TOKENS = 256
"""Output tokens the ``cheapest`` strategy prices when the request sets no ``maxTokens``."""


@dataclass(frozen=True)
class RouterTarget:
    """One configured target."""

    provider: str
    model: str
    weight: int = 1


def target_key(provider: str, model: str) -> str:
    """The ``provider/model`` key router state is kept under."""
    return f"{provider}/{model}"


def _key(target: RouterTarget) -> str:
    return target_key(target.provider, target.model)


def plain_target(target: RouterTarget) -> dict[str, Any]:
    """A target as events and outputs show it: provider and model."""
    return {"provider": target.provider, "model": target.model}


def skipped_target(target: RouterTarget, reason: str) -> dict[str, Any]:
    """A target left out of the chain, and why (``cooldown``, ``context_window``, …)."""
    return {"provider": target.provider, "model": target.model, "reason": reason}


def smooth_weighted_pick(weights: Sequence[int], turn: int) -> int | None:
    """Smooth weighted round robin: the index serving ``turn``; None when every weight is 0."""
    total = sum(weights)
    if total <= 0:
        return None
    current = [0] * len(weights)
    picked = 0
    for _ in range(turn % total + 1):
        picked = 0
        for index, weight in enumerate(weights):
            current[index] += weight
            if current[index] > current[picked]:
                picked = index
        current[picked] -= total
    return picked


def _capable(capabilities: Mapping[str, Any], needs: Mapping[str, Any]) -> bool:
    return (
        (not needs["tools"] or bool(capabilities.get("tools")))
        and (not needs["jsonMode"] or bool(capabilities.get("jsonMode")))
        and (not needs["jsonSchema"] or bool(capabilities.get("jsonSchema")))
    )


def order_targets(
    *,
    targets: Sequence[RouterTarget],
    strategy: str,
    prompt_tokens: int,
    needs: Mapping[str, Any],
    catalog: ModelCatalog,
    stats: Mapping[str, TargetStats],
    honour_cooldown: bool,
    turn: int | None = None,
) -> tuple[list[RouterTarget], list[dict[str, Any]], list[str]]:
    """The chain to try, the targets left out, and the reasons (``orderTargets``)."""
    skipped: list[dict[str, Any]] = []
    reasons: list[str] = []
    candidates = list(targets)

    if honour_cooldown:
        cooling = [t for t in candidates if (s := stats.get(_key(t))) and s.cooling_down]
        if cooling and len(cooling) == len(candidates):
            reasons.append("every target is cooling down, trying them anyway")
        elif cooling:
            candidates = [t for t in candidates if t not in cooling]
            skipped.extend(skipped_target(t, "cooldown") for t in cooling)
            reasons.append(f"cooling down: {', '.join(_key(t) for t in cooling)}")

    max_tokens = needs.get("maxTokens")
    if strategy == "ordered":
        reasons.insert(0, "ordered: as listed")
    elif strategy == "cheapest":
        output_tokens = max_tokens if max_tokens is not None else ASSUMED_OUTPUT_TOKENS
        fitting: list[tuple[RouterTarget, float]] = []
        for target in candidates:
            info = catalog.find(target.provider, target.model)
            if info and prompt_tokens + (max_tokens or 0) > info["contextWindow"]:
                skipped.append(skipped_target(target, "context_window"))
                continue
            if info and not _capable(info["capabilities"], needs):
                skipped.append(skipped_target(target, "capability"))
                continue
            pricing = info.get("pricing") if info else None
            if pricing is None and target.provider == "local":
                pricing = {"inputPerMillion": 0, "outputPerMillion": 0}
            cost = (
                prompt_tokens * pricing["inputPerMillion"]
                + output_tokens * pricing["outputPerMillion"]
                if pricing
                else math.inf
            )
            fitting.append((target, cost))
        fitting.sort(key=lambda entry: entry[1])
        candidates = [target for target, _ in fitting]
        reasons.insert(
            0,
            f"cheapest: by catalog price for {prompt_tokens} prompt and {output_tokens} output "
            "tokens, fitting the context window and the request's needs",
        )
    elif strategy == "fastest":

        def observed(target: RouterTarget) -> float | None:
            entry = stats.get(_key(target))
            return entry.ttft_ms if entry else None

        untried = [t for t in candidates if observed(t) is None]
        tried = sorted(
            (t for t in candidates if observed(t) is not None), key=lambda t: observed(t) or 0.0
        )
        candidates = [*untried, *tried]
        reasons.insert(
            0, "fastest: untried targets first, then the lowest average time to first token"
        )
    elif strategy == "weighted":
        weights = [target.weight for target in candidates]
        pick = smooth_weighted_pick(weights, turn or 0)
        if pick is None:
            reasons.insert(0, "weighted: every weight is 0, so as listed")
        else:
            chosen = candidates[pick]
            candidates = [chosen, *(t for i, t in enumerate(candidates) if i != pick)]
            reasons.insert(
                0,
                f"weighted: turn {turn or 0} of weights {':'.join(str(w) for w in weights)} "
                f"picks {_key(chosen)}",
            )
    else:
        raise ValueError(f"unknown strategy {strategy}")
    return candidates, skipped, reasons
