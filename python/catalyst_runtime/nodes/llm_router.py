"""The ``llmRouter`` node (TypeScript: ``runtime/executors/llm-router-executor``): the same
decisions, events and messages.

Routes are tried in order and the first whose CEL condition holds gives the targets (else
``default``); the strategy orders them (:mod:`catalyst_runtime.engine.router.order_targets`); a
``route`` event announces the decision; targets are tried in turn, a failure whose kind is in
``fallbackOn`` moving to the next one with a ``fallback`` event. See docs/router.md.

The executor reads as its three steps: :func:`decide` (route, order, announce), :func:`attempt`
(one target, through the completion node's stream consumer) and :func:`on_failure` (fall back,
or end the run with the reason).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.engine.node_failure import NodeFailure, expression_failure
from catalyst_runtime.engine.router.order_targets import (
    RouterTarget,
    order_targets,
    plain_target,
    skipped_target,
    target_key,
)
from catalyst_runtime.engine.router.router_state import CooldownRule, MemoryRouterState, RouterState
from catalyst_runtime.javascript import json_text
from catalyst_runtime.nodes.completion import (
    StreamOutcome,
    build_chat_request,
    completion_output,
    completion_result,
    consume_provider_stream,
)
from catalyst_runtime.providers.catalog.model_catalog import (
    ModelCatalog,
    Usage,
    add_costs,
    empty_usage,
    estimate_prompt_tokens,
)
from catalyst_runtime.providers.create_provider import ChatRequest
from catalyst_runtime.providers.shared.provider_error import RETRYABLE_KINDS
from catalyst_runtime.workflow.expressions import ExpressionError, evaluate_expression

__all__ = [
    "DEFAULT_FALLBACK_KINDS",
    "RouterDecision",
    "attempt",
    "decide",
    "execute_llm_router",
    "on_failure",
]

DEFAULT_FALLBACK_KINDS = (
    "rate_limit",
    "overloaded",
    "server",
    "timeout",
    "network",
    "context_length",
)

_CATALOG = ModelCatalog.default()


@dataclass
class RouterDecision:
    """What :func:`decide` chose: the chain to try and the ``route`` event's payload."""

    chain: list[RouterTarget]
    announced: dict[str, Any]


@dataclass
class _Attempts:
    """The tries so far and what later fallbacks must know of them."""

    chain: list[RouterTarget]
    cooldown: CooldownRule | None
    fallback_on: frozenset[str]
    restart_after_tokens: bool
    made: list[dict[str, Any]] = field(default_factory=list)
    # The largest context window a target has already overflowed: smaller ones are skipped.
    window_floor: int | None = None


async def execute_llm_router(context: NodeContext) -> NodeResult:
    """``llmRouter``: decide, announce, then try the chain (see the module docstring)."""
    config, node_id = context.config, context.node["id"]
    state: RouterState = context.router_state or MemoryRouterState()
    now: Callable[[], float] = context.now or (lambda: time.monotonic() * 1000)
    request = build_chat_request(context)
    cooldown_config = config.get("cooldown")
    cooldown = (
        CooldownRule(cooldown_config["failures"], cooldown_config["seconds"])
        if isinstance(cooldown_config, dict)
        else None
    )
    decision = await decide(context, request, state, cooldown)
    attempts = _Attempts(
        chain=decision.chain,
        cooldown=cooldown,
        fallback_on=frozenset(
            config["fallbackOn"]
            if isinstance(config.get("fallbackOn"), list)
            else DEFAULT_FALLBACK_KINDS
        ),
        restart_after_tokens=config.get("afterTokens") == "restart",
    )
    stream_tokens = config.get("stream") is not False
    index = 0
    while index < len(decision.chain):
        target = decision.chain[index]
        outcome, ttft_ms = await attempt(context, request, target, now, stream_tokens)
        if outcome.result is not None:
            await state.record_success(_key(target), ttft_ms)
            attempts.made.append(
                {
                    **plain_target(target),
                    "outcome": "ok",
                    "tokens": outcome.tokens,
                    "usage": outcome.result["usage"],
                    "cost": outcome.result["cost"],
                }
            )
            return _finish(context, request, outcome.result, decision.announced, attempts.made)
        if outcome.failure is None:
            raise RuntimeError(f"provider stream for node {node_id} ended without a result")
        index = await on_failure(context, state, attempts, index, outcome)
    raise RuntimeError(f"node {node_id}: no target left")


async def decide(
    context: NodeContext, request: ChatRequest, state: RouterState, cooldown: CooldownRule | None
) -> RouterDecision:
    """Matches a route, orders its targets by the strategy, and announces the decision with a
    ``route`` event; fails when no target fits the request."""
    config, node_id = context.config, context.node["id"]
    prompt_tokens = estimate_prompt_tokens(request.messages, request.system)
    routes: list[dict[str, Any]] = config.get("routes") or []
    matched = _match_route(context, routes, prompt_tokens)
    listed = _to_targets(matched[1]["target"] if matched else config.get("default"))
    strategy = str(config.get("strategy") or "ordered")
    keys = list(dict.fromkeys(_key(target) for target in listed))
    snapshot = await state.read(keys)
    turn = (
        await state.next_turn(",".join(f"{_key(t)}*{t.weight}" for t in listed))
        if strategy == "weighted"
        else None
    )
    response_type = (request.response_format or {}).get("type")
    chain, skipped, reasons = order_targets(
        targets=listed,
        strategy=strategy,
        prompt_tokens=prompt_tokens,
        needs={
            "tools": len(request.tools or []) > 0,
            "jsonMode": response_type == "json_object",
            "jsonSchema": response_type == "json_schema",
            "maxTokens": request.max_tokens,
        },
        catalog=_CATALOG,
        stats=snapshot.stats,
        honour_cooldown=cooldown is not None,
        turn=turn,
    )
    announced: dict[str, Any] = {
        "route": matched[0] if matched else None,
        "name": matched[1].get("name") if matched else None,
        "promptTokens": prompt_tokens,
        "strategy": strategy,
        "targets": [plain_target(target) for target in chain],
        "skipped": skipped,
        "reason": "; ".join([_route_reason(matched, routes), *reasons]),
    }
    if snapshot.warning is not None:
        announced["stateWarning"] = snapshot.warning
    context.emit({"type": "route", "node": node_id, **announced})
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
    return RouterDecision(chain=chain, announced=announced)


async def attempt(
    context: NodeContext,
    request: ChatRequest,
    target: RouterTarget,
    now: Callable[[], float],
    stream_tokens: bool,
) -> tuple[StreamOutcome, float | None]:
    """One target's call: how it ended and its time to first token (ms; None without one)."""
    started_at = now()
    request.model = target.model
    outcome = await consume_provider_stream(
        context=context,
        events=context.providers(target.provider).stream(request),
        forward_tokens=stream_tokens,
        clock=now,
    )
    first = outcome.first_output_at
    return outcome, None if first is None else first - started_at


async def on_failure(
    context: NodeContext,
    state: RouterState,
    attempts: _Attempts,
    index: int,
    outcome: StreamOutcome,
) -> int:
    """Records a failed attempt and returns the index of the target to fall back to, after a
    ``fallback`` event; raises the run's failure when the router must stop here."""
    node_id = context.node["id"]
    chain, target = attempts.chain, attempts.chain[index]
    assert outcome.failure is not None
    failure = outcome.failure
    failed, tokens = failure["error"], outcome.tokens
    # Tool-call fragments the client already has are as binding as tokens.
    sent = tokens + outcome.tool_call_deltas
    usage = _with_streamed_output(failure["usage"], outcome.received)
    attempts.made.append(
        {
            **plain_target(target),
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
        await state.record_failure(_key(target), attempts.cooldown)
    if failed["kind"] == "context_length":
        info = _CATALOG.find(target.provider, target.model)
        if info is not None:
            attempts.window_floor = max(attempts.window_floor or 0, int(info["contextWindow"]))
    following = _next_index(chain, index, attempts.window_floor)
    next_target = chain[following] if following < len(chain) else None
    can_fall_back = failed["kind"] in attempts.fallback_on and next_target is not None
    if sent > 0 and not (can_fall_back and attempts.restart_after_tokens):
        raise _cut_answer_failure(node_id, target, failed, tokens, can_fall_back, next_target)
    if not can_fall_back or next_target is None:
        raise _run_failure(node_id, failed, _last_error_message(node_id, failed, attempts.made))
    fallback: dict[str, Any] = {
        "type": "fallback",
        "node": node_id,
        "from": plain_target(target),
        "to": plain_target(next_target),
        "error": {"kind": failed["kind"], "message": failed["message"]},
        "discard": sent > 0,
    }
    jumped = [skipped_target(t, "context_window") for t in chain[index + 1 : following]]
    if jumped:
        fallback["skipped"] = jumped
    context.emit(fallback)
    return following


def _match_route(
    context: NodeContext, routes: Sequence[dict[str, Any]], prompt_tokens: int
) -> tuple[int, dict[str, Any]] | None:
    # The first route whose condition holds; a condition must be a boolean.
    node_id = context.node["id"]
    scope = {**context.scope, "prompt_tokens": prompt_tokens}
    for index, route in enumerate(routes):
        field_name = f"routes[{index}].condition"
        try:
            value = evaluate_expression(route["condition"], scope)
        except ExpressionError as error:
            raise expression_failure(node_id, field_name, error) from error
        if not isinstance(value, bool):
            raise NodeFailure(
                node=node_id,
                kind="expression",
                message=f'node "{node_id}" field "{field_name}": a condition must be true or '
                f"false, got {json_text.dumps_text(value)} from "
                f"{json_text.js_string(route['condition'])}",
            )
        if value:
            return index, route
    return None


def _route_reason(matched: tuple[int, dict[str, Any]] | None, routes: Sequence[Any]) -> str:
    if matched:
        name = matched[1].get("name")
        label = f' "{name}"' if name else ""
        return f"route {matched[0]}{label} matched ({matched[1]['condition']})"
    if routes:
        return "no route matched, default targets"
    return "default targets"


def _cut_answer_failure(
    node_id: str,
    target: RouterTarget,
    failed: Mapping[str, Any],
    tokens: int,
    can_fall_back: bool,
    next_target: RouterTarget | None,
) -> NodeFailure:
    # Tokens already reached the client: another target's answer would not continue them.
    if can_fall_back:
        why = '; afterTokens is "error", so no other target was tried'
    elif next_target is None:
        why = ""
    else:
        why = f"; {failed['kind']} is not in fallbackOn"
    return _run_failure(
        node_id,
        failed,
        f'node "{node_id}": the answer was cut: {_key(target)} failed after {tokens} '
        f"tokens had been sent ({failed['message']}); the partial output is not a "
        f"complete answer{why}",
    )


def _last_error_message(
    node_id: str, failed: Mapping[str, Any], attempts: Sequence[Mapping[str, Any]]
) -> str:
    if len(attempts) == 1:
        return str(failed["message"])
    listing = ", ".join(
        f"{target_key(a['provider'], a['model'])}: {a['error']['kind']}" for a in attempts
    )
    return (
        f'node "{node_id}": {len(attempts)} targets failed ({listing}); '
        f"last error: {failed['message']}"
    )


def _key(target: RouterTarget) -> str:
    return target_key(target.provider, target.model)


def _to_targets(value: Any) -> list[RouterTarget]:
    items = value if isinstance(value, list) else [value] if value else []
    return [
        RouterTarget(item["provider"], item["model"], int(item.get("weight", 1))) for item in items
    ]


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


def _with_streamed_output(usage: Usage, received: int) -> Usage:
    # A cut stream usually ends before the provider reports usage, yet every token it streamed
    # was generated and billed: its output counts at least the token events that arrived.
    if received <= usage["outputTokens"]:
        return usage
    return {**usage, "outputTokens": received, "totalTokens": usage["inputTokens"] + received}


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


def _run_failure(node_id: str, error: Mapping[str, Any], message: str) -> NodeFailure:
    return NodeFailure(
        node=node_id, kind=error["kind"], message=message, retryable=bool(error["retryable"])
    )


def _finish(
    context: NodeContext,
    request: ChatRequest,
    result: Mapping[str, Any],
    announced: dict[str, Any],
    attempts: list[dict[str, Any]],
) -> NodeResult:
    response_type = (request.response_format or {}).get("type")
    output = completion_output(result, response_type)
    output["route"] = announced
    output["attempts"] = attempts
    usage = {
        "provider": result["provider"],
        "model": result["model"],
        "usage": _sum_usage([attempt["usage"] for attempt in attempts]),
        "cost": _sum_cost([attempt["cost"] for attempt in attempts]),
        "route": announced,
        "attempts": attempts,
    }
    return completion_result(context, result, output, usage)
