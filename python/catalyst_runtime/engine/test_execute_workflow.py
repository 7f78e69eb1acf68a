"""Scheduling, skips, failures and the done payload, with a scripted provider."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Coroutine
from typing import Any, cast

import pytest

from catalyst_runtime.engine import execute_workflow as engine_module
from catalyst_runtime.engine.execute_workflow import execute_workflow
from catalyst_runtime.engine.executors import EXECUTORS, SYNCHRONOUS_EXECUTORS
from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.providers.create_provider import ChatRequest, LanguageModelProvider
from catalyst_runtime.server.sse import encode_sse_event
from catalyst_runtime.workflow.node_types import NODE_TYPES

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


def _no_provider(name: str) -> LanguageModelProvider:
    raise AssertionError(f"a template chain calls no provider (asked for {name})")


def _template_chain(size: int) -> dict[str, Any]:
    """input → p0 → … → p(size-1) → out, templates without expressions (no provider calls)."""
    nodes: list[dict[str, Any]] = [{"id": "input", "type": "input"}]
    for index in range(size):
        message = {"role": "user", "content": f"step {index}"}
        nodes.append(
            {"id": f"p{index}", "type": "promptTemplate", "config": {"messages": [message]}}
        )
    nodes.append({"id": "out", "type": "output"})
    edges = [
        {"from": before["id"], "to": after["id"]} for before, after in itertools.pairwise(nodes)
    ]
    return _flow(nodes, edges)


async def test_scheduling_work_grows_linearly_on_a_long_chain() -> None:
    size = 2_000
    visits: list[str] = []
    events = [
        event
        async for event in execute_workflow(
            workflow=_template_chain(size),
            input={"q": "hi"},
            providers=_no_provider,
            environment={},
            on_visit=visits.append,
        )
    ]
    assert events[-1]["type"] == "done"
    assert len([event for event in events if event["type"] == "node"]) == 2 * (size + 2)
    # Each node is taken from the ready heap once; rescanning every node after each completion
    # steps on about size²/2 = 2 million.
    assert sorted(visits) == sorted(["input", "out", *(f"p{index}" for index in range(size))])


async def test_the_event_loop_gets_turns_during_a_run_without_io() -> None:
    # A server's signal handling and timers run on the loop: a long run of nodes that never wait
    # must not hold it. A callback scheduled when the run starts fires before the run ends.
    fired_at_events: list[int] = []
    events: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    async for event in execute_workflow(
        workflow=_template_chain(500),
        input={"q": "hi"},
        providers=_no_provider,
        environment={},
    ):
        if not events:
            loop.call_soon(lambda: fired_at_events.append(len(events)))
        events.append(event)
    assert events[-1]["type"] == "done"
    assert fired_at_events and fired_at_events[0] < len(events) // 10


_USAGE = {
    "inputTokens": 1,
    "outputTokens": 1,
    "totalTokens": 2,
    "cacheReadTokens": 0,
    "cacheWriteTokens": 0,
    "reasoningTokens": 0,
}


class ToolCallingProvider:
    """Streams one tool call in two fragments, then fails (``fail``) or finishes with it."""

    def __init__(self, name: str, *, fail: bool) -> None:
        self.name = name
        self.fail = fail

    async def stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        yield {
            "type": "tool-call-delta",
            "index": 0,
            "argumentsDelta": "",
            "id": "call_1",
            "name": "lookup",
        }
        yield {"type": "tool-call-delta", "index": 0, "argumentsDelta": '{"q":1}'}
        if self.fail:
            error = {"kind": "overloaded", "message": "busy", "retryable": True}
            yield {"type": "error", "error": error, "partialText": "", "usage": _USAGE}
            return
        call = {"id": "call_1", "name": "lookup", "arguments": {"q": 1}}
        yield {
            "type": "done",
            "provider": self.name,
            "model": request.model,
            "text": "",
            "toolCalls": [call],
            "finishReason": "tool_calls",
            "usage": _USAGE,
            "cost": None,
        }


async def test_tool_call_fragments_stream_as_tool_call_delta_events_unless_stream_is_off() -> None:
    for stream, expected in ((True, 2), (False, 0)):
        flow = _flow(
            [
                {"id": "input", "type": "input"},
                {
                    "id": "a",
                    "type": "openaiCompletion",
                    "config": {"prompt": "{{ input.q }}", "stream": stream},
                },
                {"id": "out", "type": "output"},
            ],
            [{"from": "input", "to": "a"}, {"from": "a", "to": "out"}],
        )
        provider = ToolCallingProvider("openai", fail=False)
        events = await _run(flow, lambda name, provider=provider: provider)
        deltas = [event for event in events if event["type"] == "tool-call-delta"]
        assert len(deltas) == expected
        if deltas:
            # Keys in the TypeScript order; id and name only on the fragment that had them.
            assert list(deltas[0]) == ["type", "node", "index", "id", "name", "argumentsDelta"]
            assert deltas[1] == {
                "type": "tool-call-delta",
                "node": "a",
                "index": 0,
                "argumentsDelta": '{"q":1}',
            }
        assert events[-1]["type"] == "done"


async def test_a_router_discards_streamed_tool_call_fragments_like_tokens() -> None:
    targets = [
        {"provider": "groq", "model": "llama-3.1-8b-instant"},
        {"provider": "openai", "model": "gpt-4.1-mini"},
    ]

    def flow(after_tokens: str) -> dict[str, Any]:
        config = {"prompt": "{{ input.q }}", "default": targets, "afterTokens": after_tokens}
        return _flow(
            [
                {"id": "input", "type": "input"},
                {"id": "r", "type": "llmRouter", "config": config},
                {"id": "out", "type": "output"},
            ],
            [{"from": "input", "to": "r"}, {"from": "r", "to": "out"}],
        )

    providers = {
        "groq": ToolCallingProvider("groq", fail=True),
        "openai": ToolCallingProvider("openai", fail=False),
    }
    restarted = await _run(flow("restart"), providers.__getitem__)
    fallback = next(event for event in restarted if event["type"] == "fallback")
    assert fallback["discard"] is True
    assert restarted[-1]["type"] == "done"
    # With afterTokens "error" the fragments already sent bind the run to the first target.
    failed = await _run(flow("error"), providers.__getitem__)
    assert failed[-1]["type"] == "error" and failed[-1]["kind"] == "overloaded"
    assert "the answer was cut" in failed[-1]["message"]


def _branches() -> dict[str, Any]:
    """Two branches from the input: a completion (a task) beside two templates (run as loop
    callbacks), meeting at the output; and a template that is skipped."""
    message = {"role": "user", "content": "{{ input.q }}"}
    template = {"messages": [message]}
    return _flow(
        [
            {"id": "input", "type": "input"},
            {"id": "a", "type": "openaiCompletion", "config": {"prompt": "{{ input.q }}"}},
            {"id": "p", "type": "promptTemplate", "config": template},
            {"id": "q", "type": "promptTemplate", "config": template},
            {"id": "never", "type": "promptTemplate", "config": template},
            {"id": "out", "type": "output"},
        ],
        [
            {"from": "input", "to": "a"},
            {"from": "input", "to": "p"},
            {"from": "p", "to": "q"},
            {"from": "p", "to": "never", "fromHandle": "other"},
            {"from": "a", "to": "out"},
            {"from": "q", "to": "out"},
        ],
    )


# The order the engine gave for `_branches` when every node was a task of its own (recorded
# from it): the template branch interleaves with the completion's stream.
EXPECTED_BRANCH_STEPS = [
    ("node", "input", "started"),
    ("node", "input", "finished"),
    ("node", "a", "started"),
    ("node", "p", "started"),
    ("node", "p", "finished"),
    ("node", "q", "started"),
    ("node", "never", "skipped"),
    ("token", "a", None),
    ("node", "a", "finished"),
    ("partial", "a", None),
    ("node", "q", "finished"),
    ("node", "out", "started"),
    ("node", "out", "finished"),
]


async def test_synchronous_nodes_keep_the_order_nodes_as_tasks_gave() -> None:
    events = await _run(_branches(), lambda name: ScriptedProvider())
    steps = [
        (event["type"], event.get("node"), event.get("status"))
        for event in events
        if event["type"] in ("node", "token", "partial")
    ]
    assert steps == EXPECTED_BRANCH_STEPS
    assert events[-1]["type"] == "done" and set(events[-1]["output"]) == {"a", "q"}


async def test_a_synchronous_executor_that_awaits_fails_its_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def awaiting_input(context: NodeContext) -> NodeResult:
        await asyncio.sleep(0)
        return NodeResult(context.scope.get("input"), ["output"])

    monkeypatch.setattr(engine_module, "SYNCHRONOUS_EXECUTORS", (awaiting_input,))
    events = [
        event
        async for event in execute_workflow(
            workflow=_template_chain(1),
            input={"q": "hi"},
            providers=_no_provider,
            environment={},
            executors={**EXECUTORS, "input": awaiting_input},
        )
    ]
    assert events[-1] == {
        "type": "error",
        "node": "input",
        "kind": "internal",
        "message": 'node "input" failed: the input executor awaited',
        "retryable": False,
    }


async def test_a_run_closed_early_runs_no_waiting_synchronous_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []

    async def recording_input(context: NodeContext) -> NodeResult:
        ran.append(context.node["id"])
        return NodeResult(context.scope.get("input"), ["output"])

    monkeypatch.setattr(engine_module, "SYNCHRONOUS_EXECUTORS", (recording_input,))
    events = execute_workflow(
        workflow=_template_chain(1),
        input={"q": "hi"},
        providers=_no_provider,
        environment={},
        executors={**EXECUTORS, "input": recording_input},
    )
    first = await events.__anext__()
    assert first["status"] == "started" and first["node"] == "input"
    await events.aclose()  # type: ignore[attr-defined]
    for _ in range(3):
        await asyncio.sleep(0)
    assert ran == []


@pytest.mark.parametrize("node_type", ["input", "output", "promptTemplate"])
async def test_the_synchronous_executors_finish_without_awaiting(node_type: str) -> None:
    executor = EXECUTORS[node_type]
    assert executor in SYNCHRONOUS_EXECUTORS
    message = {"role": "user", "content": "{{ input.q }}", "cache": True}
    configs: dict[str, dict[str, Any]] = {
        "input": {},
        "output": {"value": {"x": "{{ input.q }}", "y": ["{{ nodes.p.text }}", 2.5]}},
        "promptTemplate": {"variables": {"v": "{{ input.q }}"}, "messages": [message]},
    }
    context = NodeContext(
        node={"id": "n", "type": node_type},
        definition=NODE_TYPES[node_type],
        config=configs[node_type],
        scope={"input": {"q": "hi"}, "nodes": {"p": {"text": "t"}}, "env": {}},
        upstream=[],
        emit=lambda event: None,
        providers=_no_provider,
        outgoing_handles=frozenset(),
    )
    coroutine = cast(Coroutine[Any, Any, NodeResult], executor(context))
    with pytest.raises(StopIteration):
        coroutine.send(None)
