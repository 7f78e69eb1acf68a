"""Scheduling, skips, failures and the done payload, with a scripted provider."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from catalyst_runtime.engine.execute_workflow import execute_workflow
from catalyst_runtime.providers.create_provider import ChatRequest
from catalyst_runtime.server.sse import encode_sse_event

pytestmark = pytest.mark.asyncio


class ScriptedProvider:
    name = "openai"

    def __init__(self, fail: bool = False, delay: float = 0.0) -> None:
        self.fail = fail
        self.delay = delay
        self.cancelled = False

    async def stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.fail:
            yield {
                "type": "error",
                "error": {"kind": "auth", "message": "no", "retryable": False},
                "partialText": "",
                "usage": {},
            }
            return
        text = request.messages[-1]["content"]
        yield {"type": "token", "text": text}
        usage = {
            "inputTokens": 1,
            "outputTokens": 1,
            "totalTokens": 2,
            "cacheReadTokens": 0,
            "cacheWriteTokens": 0,
            "reasoningTokens": 0,
        }
        yield {
            "type": "done",
            "provider": "openai",
            "model": request.model,
            "text": text,
            "toolCalls": [],
            "finishReason": "stop",
            "usage": usage,
            "cost": None,
        }


def _flow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "f", "name": "F", "input": {"type": "object"}, "nodes": nodes, "edges": edges}


async def _run(flow: dict[str, Any], providers: Any) -> list[dict[str, Any]]:
    return [
        event
        async for event in execute_workflow(
            workflow=flow, input={"q": "hi"}, providers=providers, environment={}
        )
    ]


async def test_sequential_events_and_done_payload() -> None:
    flow = _flow(
        [
            {"id": "input", "type": "input"},
            {"id": "a", "type": "openaiCompletion", "config": {"prompt": "{{ input.q }}"}},
            {"id": "out", "type": "output"},
        ],
        [{"from": "input", "to": "a"}, {"from": "a", "to": "out"}],
    )
    provider = ScriptedProvider()
    events = await _run(flow, lambda name: provider)
    wire = [
        encode_sse_event(event, f"run:{seq}").split(b"\n")[1] for seq, event in enumerate(events, 1)
    ]
    assert wire == [b"event: node"] * 3 + [b"event: token", b"event: node", b"event: partial"] + [
        b"event: node"
    ] * 2 + [b"event: done"]
    done = events[-1]
    assert done["text"] == "hi" and done["tokenCount"] == 1 and done["cost"] is None
    assert list(done) == ["type", "output", "text", "tokenCount", "usage", "cost"]


async def test_a_failure_cancels_the_other_branch() -> None:
    slow = ScriptedProvider(delay=5)
    failing = ScriptedProvider(fail=True)
    flow = _flow(
        [
            {"id": "input", "type": "input"},
            {"id": "slow", "type": "anthropicCompletion", "config": {"prompt": "x"}},
            {"id": "bad", "type": "openaiCompletion", "config": {"prompt": "y"}},
        ],
        [{"from": "input", "to": "slow"}, {"from": "input", "to": "bad"}],
    )
    events = await _run(flow, lambda name: slow if name == "anthropic" else failing)
    assert events[-1] == {
        "type": "error",
        "node": "bad",
        "kind": "auth",
        "message": "no",
        "retryable": False,
    }
    assert slow.cancelled


async def test_expression_failure_message() -> None:
    flow = _flow(
        [
            {"id": "input", "type": "input"},
            {"id": "out", "type": "output", "config": {"value": {"x": 'say "{{ input.nope }}"'}}},
        ],
        [{"from": "input", "to": "out"}],
    )
    events = await _run(flow, lambda name: ScriptedProvider())
    assert events[-1]["message"] == (
        'node "out" field "value.x": no such key: nope in "say \\"{{ input.nope }}\\""'
    )
