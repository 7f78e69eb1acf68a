"""The ``llmRouter`` node (``packages/runtime/src/executors/llm-router-executor.ts`` and
``packages/runtime/src/router/order-targets.ts``): the same decisions, events and messages.

Routes are tried in order and the first whose CEL condition holds gives the targets (else
``default``); the strategy orders them; a ``route`` event announces the decision; targets are
tried in turn, a failure whose kind is in ``fallbackOn`` moving to the next one with a
``fallback`` event. See docs/router.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _json
from ._render import NodeFailure, expression_failure
from ._router_state import CooldownRule, MemoryRouterState, RouterState, TargetStats
from .catalog import ModelCatalog, Usage, add_costs, empty_usage, estimate_prompt_tokens
from .errors import RETRYABLE_KINDS
from .expressions import ExpressionError, evaluate_expression

if TYPE_CHECKING:
    from ._executors import NodeContext, NodeResult

__all__ = [
    "ASSUMED_OUTPUT_TOKENS",
    "DEFAULT_FALLBACK_KINDS",
    "RouterTarget",
    "execute_llm_router",
    "order_targets",
    "smooth_weighted_pick",
    "target_key",
]

ASSUMED_OUTPUT_TOKENS = 256
"""Output tokens the ``cheapest`` strategy prices when the request sets no ``maxTokens``."""

DEFAULT_FALLBACK_KINDS = (
    "rate_limit",
    "overloaded",
    "server",
    "timeout",
    "network",
    "context_length",
)

_CATALOG = ModelCatalog.default()


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


def _plain(target: RouterTarget) -> dict[str, Any]:
    return {"provider": target.provider, "model": target.model}


def _skip(target: RouterTarget, reason: str) -> dict[str, Any]:
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
            skipped.extend(_skip(t, "cooldown") for t in cooling)
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
                skipped.append(_skip(target, "context_window"))
                continue
            if info and not _capable(info["capabilities"], needs):
                skipped.append(_skip(target, "capability"))
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


def _to_targets(value: Any) -> list[RouterTarget]:
    items = value if isinstance(value, list) else [value] if value else []
    return [
        RouterTarget(item["provider"], item["model"], int(item.get("weight", 1))) for item in items
    ]


def _with_streamed_output(usage: Usage, received: int) -> Usage:
    # A cut stream usually ends before the provider reports usage, yet every token it streamed
    # was generated and billed: its output counts at least the token events that arrived.
    if received <= usage["outputTokens"]:
        return usage
    return {**usage, "outputTokens": received, "totalTokens": usage["inputTokens"] + received}


def _sum_usage(usages: Sequence[Mapping[str, Any]]) -> Usage:
    total = empty_usage()
    for usage in usages:
        for key in total:
            total[key] += usage[key]  # type: ignore[literal-required]
    return total


def _sum_cost(costs: Sequence[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    total: dict[str, Any] = {
        "inputUsd": 0,
        "outputUsd": 0,
        "cacheReadUsd": 0,
        "cacheWriteUsd": 0,
        "totalUsd": 0,
    }
    for cost in costs:
        if not cost:
            return None
        total = add_costs(total, cost)
    return total


def _next_index(chain: Sequence[RouterTarget], index: int, floor: int | None) -> int:
    """The next target after ``index`` whose window is larger than ``floor`` (unknown: tried)."""
    following = index + 1
    while following < len(chain) and floor is not None:
        target = chain[following]
        info = _CATALOG.find(target.provider, target.model)
        if info is None or info["contextWindow"] > floor:
            break
        following += 1
    return following


async def execute_llm_router(context: NodeContext) -> NodeResult:
    """``llmRouter``: decide, announce, then try the chain (see the module docstring)."""
    from ._executors import NodeResult, build_chat_request

    config, node_id = context.config, context.node["id"]
    state: RouterState = context.router_state or MemoryRouterState()
    now: Callable[[], float] = context.now or (lambda: time.monotonic() * 1000)
    request = build_chat_request(context)
    if isinstance(config.get("firstTokenTimeoutMs"), (int, float)) and not isinstance(
        config.get("firstTokenTimeoutMs"), bool
    ):
        request.first_token_timeout_ms = config["firstTokenTimeoutMs"]
    prompt_tokens = estimate_prompt_tokens(request.messages, request.system)

    scope = {**context.scope, "prompt_tokens": prompt_tokens}
    routes: list[dict[str, Any]] = config.get("routes") or []
    matched: tuple[int, dict[str, Any]] | None = None
    for index, route in enumerate(routes):
        field = f"routes[{index}].condition"
        try:
            value = evaluate_expression(route["condition"], scope)
        except ExpressionError as error:
            raise expression_failure(node_id, field, error) from error
        if not isinstance(value, bool):
            raise NodeFailure(
                node=node_id,
                kind="expression",
                message=f'node "{node_id}" field "{field}": a condition must be true or false, '
                f"got {_json.dumps_text(value)} from {_json.js_string(route['condition'])}",
            )
        if value:
            matched = (index, route)
            break

    listed = _to_targets(matched[1]["target"] if matched else config.get("default"))
    strategy = str(config.get("strategy") or "ordered")
    cooldown_config = config.get("cooldown")
    cooldown = (
        CooldownRule(cooldown_config["failures"], cooldown_config["seconds"])
        if isinstance(cooldown_config, dict)
        else None
    )
    keys = list(dict.fromkeys(_key(target) for target in listed))
    snapshot = await state.read(keys)
    turn = (
        await state.next_turn(",".join(f"{_key(t)}*{t.weight}" for t in listed))
        if strategy == "weighted"
        else None
    )
    response_type = (request.response_format or {}).get("type")
    needs: dict[str, Any] = {
        "tools": len(request.tools or []) > 0,
        "jsonMode": response_type == "json_object",
        "jsonSchema": response_type == "json_schema",
        "maxTokens": request.max_tokens,
    }
    chain, skipped, reasons = order_targets(
        targets=listed,
        strategy=strategy,
        prompt_tokens=prompt_tokens,
        needs=needs,
        catalog=_CATALOG,
        stats=snapshot.stats,
        honour_cooldown=cooldown is not None,
        turn=turn,
    )
    if matched:
        name = matched[1].get("name")
        label = f' "{name}"' if name else ""
        route_reason = f"route {matched[0]}{label} matched ({matched[1]['condition']})"
    elif routes:
        route_reason = "no route matched, default targets"
    else:
        route_reason = "default targets"
    decision: dict[str, Any] = {
        "route": matched[0] if matched else None,
        "name": matched[1].get("name") if matched else None,
        "promptTokens": prompt_tokens,
        "strategy": strategy,
        "targets": [_plain(target) for target in chain],
        "skipped": skipped,
        "reason": "; ".join([route_reason, *reasons]),
    }
    if snapshot.warning is not None:
        decision["stateWarning"] = snapshot.warning
    context.emit({"type": "route", "node": node_id, **decision})
    if not chain:
        every_window = all(entry["reason"] == "context_window" for entry in skipped)
        listing = ", ".join(
            f"{target_key(e['provider'], e['model'])}: {e['reason']}" for e in skipped
        )
        raise NodeFailure(
            node=node_id,
            kind="context_length" if every_window else "invalid_request",
            message=f'node "{node_id}": no target fits the request ({listing})',
        )

    fallback_on = set(
        config["fallbackOn"]
        if isinstance(config.get("fallbackOn"), list)
        else DEFAULT_FALLBACK_KINDS
    )
    restart_after_tokens = config.get("afterTokens") == "restart"
    stream_tokens = config.get("stream") is not False
    attempts: list[dict[str, Any]] = []
    window_floor: int | None = None

    index = 0
    while index < len(chain):
        target = chain[index]
        started_at = now()
        ttft_ms: float | None = None
        tokens = 0
        received = 0
        result: dict[str, Any] | None = None
        failure: dict[str, Any] | None = None
        request.model = target.model
        events = context.providers(target.provider).stream(request)
        try:
            async for event in events:
                kind = event["type"]
                if kind == "token":
                    if ttft_ms is None:
                        ttft_ms = now() - started_at
                    received += 1
                    if stream_tokens:
                        tokens += 1
                        context.emit({"type": "token", "node": node_id, "text": event["text"]})
                elif kind == "tool-call-delta":
                    if ttft_ms is None:
                        ttft_ms = now() - started_at
                elif kind == "done":
                    result = {key: value for key, value in event.items() if key != "type"}
                elif kind == "error":
                    failure = event
        finally:
            await events.aclose()  # type: ignore[attr-defined]

        if result is not None:
            await state.record_success(_key(target), ttft_ms)
            attempts.append(
                {
                    **_plain(target),
                    "outcome": "ok",
                    "tokens": tokens,
                    "usage": result["usage"],
                    "cost": result["cost"],
                }
            )
            return _finish(context, response_type, result, decision, attempts, NodeResult)
        if failure is None:
            raise RuntimeError(f"provider stream for node {node_id} ended without a result")

        failed = failure["error"]
        usage = _with_streamed_output(failure["usage"], received)
        attempts.append(
            {
                **_plain(target),
                "outcome": "error",
                "tokens": tokens,
                "usage": usage,
                "cost": _CATALOG.cost(target.provider, target.model, usage),
                "error": {"kind": failed["kind"], "message": failed["message"]},
            }
        )
        if failed["kind"] == "aborted":
            raise _run_failure(node_id, failed, failed["message"])
        if failed["kind"] in RETRYABLE_KINDS:
            await state.record_failure(_key(target), cooldown)
        if failed["kind"] == "context_length":
            info = _CATALOG.find(target.provider, target.model)
            if info is not None:
                window_floor = max(window_floor or 0, int(info["contextWindow"]))
        following = _next_index(chain, index, window_floor)
        next_target = chain[following] if following < len(chain) else None
        can_fall_back = failed["kind"] in fallback_on and next_target is not None
        if tokens > 0 and not (can_fall_back and restart_after_tokens):
            if can_fall_back:
                why = '; afterTokens is "error", so no other target was tried'
            elif next_target is None:
                why = ""
            else:
                why = f"; {failed['kind']} is not in fallbackOn"
            raise _run_failure(
                node_id,
                failed,
                f'node "{node_id}": the answer was cut: {_key(target)} failed after {tokens} '
                f"tokens had been sent ({failed['message']}); the partial output is not a "
                f"complete answer{why}",
            )
        if not can_fall_back or next_target is None:
            if len(attempts) == 1:
                message = failed["message"]
            else:
                listing = ", ".join(
                    f"{target_key(a['provider'], a['model'])}: {a['error']['kind']}"
                    for a in attempts
                )
                message = (
                    f'node "{node_id}": {len(attempts)} targets failed ({listing}); '
                    f"last error: {failed['message']}"
                )
            raise _run_failure(node_id, failed, message)
        event_out: dict[str, Any] = {
            "type": "fallback",
            "node": node_id,
            "from": _plain(target),
            "to": _plain(next_target),
            "error": {"kind": failed["kind"], "message": failed["message"]},
            "discard": tokens > 0,
        }
        jumped = [_skip(t, "context_window") for t in chain[index + 1 : following]]
        if jumped:
            event_out["skipped"] = jumped
        context.emit(event_out)
        index = following
    raise RuntimeError(f"node {node_id}: no target left")


def _run_failure(node_id: str, error: Mapping[str, Any], message: str) -> NodeFailure:
    return NodeFailure(
        node=node_id, kind=error["kind"], message=message, retryable=bool(error["retryable"])
    )


def _finish(
    context: NodeContext,
    response_type: str | None,
    result: Mapping[str, Any],
    decision: dict[str, Any],
    attempts: list[dict[str, Any]],
    result_type: type[NodeResult],
) -> NodeResult:
    from ._executors import completion_output

    output = completion_output(result, response_type)
    output["route"] = decision
    output["attempts"] = attempts
    called_tool = len(result["toolCalls"]) > 0 and context.has_outgoing("function_call")
    return result_type(
        output,
        ["function_call"] if called_tool else ["output", "stream"],
        usage={
            "provider": result["provider"],
            "model": result["model"],
            "usage": _sum_usage([attempt["usage"] for attempt in attempts]),
            "cost": _sum_cost([attempt["cost"] for attempt in attempts]),
            "route": decision,
            "attempts": attempts,
        },
        text=result["text"],
        warnings=result.get("warnings"),
    )
