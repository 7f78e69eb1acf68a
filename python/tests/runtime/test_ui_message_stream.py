"""The UI message stream translation against its TypeScript twin (``toUIMessageChunks``, run by
node on the same events): routes, fallbacks that discard streamed text, tool calls sent whole or
in fragments, errors with and without a node — the cases the ``ui-*`` vectors do not reach — must
give the same chunks, key order included. And the request mapping of ``DefaultChatTransport``
bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from catalyst_runtime.javascript import json_text
from catalyst_runtime.server.ui_message_stream import (
    to_ui_message_chunks,
    ui_message_frames,
    ui_request_input,
)

NodeEval = Callable[[str], Any]
TARGET_A = {"provider": "openai", "model": "gpt-4.1-mini"}
TARGET_B = {"provider": "anthropic", "model": "claude-haiku-4-5"}
USAGE = {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5}
COST = {"inputUsd": 0.1, "outputUsd": 0.2, "totalUsd": 0.30000000000000004}

RUNS: dict[str, list[dict[str, Any]]] = {
    "route, fallback discarding text, second text part, usage": [
        {"type": "node", "node": "r", "nodeType": "llmRouter", "status": "started"},
        {
            "type": "route",
            "node": "r",
            "route": None,
            "name": None,
            "strategy": "ordered",
            "targets": [TARGET_A, TARGET_B],
            "reason": "default targets",
            "promptTokens": 4,
        },
        {"type": "token", "node": "r", "text": "Hal"},
        {
            "type": "fallback",
            "node": "r",
            "from": TARGET_A,
            "to": TARGET_B,
            "error": {"kind": "server", "message": "boom"},
            "discard": True,
        },
        {"type": "token", "node": "r", "text": "Hello"},
        {"type": "token", "node": "r", "text": " there"},
        {"type": "node", "node": "r", "nodeType": "llmRouter", "status": "finished"},
        {"type": "partial", "node": "r", "output": {"text": "Hello there", "toolCalls": []}},
        {
            "type": "done",
            "output": "Hello there",
            "text": "Hello there",
            "tokenCount": 2,
            "usage": {
                "r": {"provider": "anthropic", "model": "claude", "usage": USAGE, "cost": COST}
            },
            "cost": COST,
        },
    ],
    "tool calls whole and in fragments, then an error with a node": [
        {
            "type": "tool-call-delta",
            "node": "t",
            "index": 0,
            "id": "call_a",
            "name": "lookup",
            "argumentsDelta": "",
        },
        {"type": "tool-call-delta", "node": "t", "index": 0, "argumentsDelta": '{"q":'},
        {"type": "tool-call-delta", "node": "t", "index": 1, "argumentsDelta": "{}"},
        {
            "type": "partial",
            "node": "t",
            "output": {
                "toolCalls": [
                    {"id": "call_a", "name": "lookup", "arguments": {"q": 1}},
                    {"name": "other", "arguments": {}},
                    {"id": "call_c", "name": "whole"},
                ]
            },
        },
        {"type": "token", "node": "u", "text": "partial text"},
        {"type": "error", "node": "u", "kind": "timeout", "message": "too slow", "retryable": True},
        {"type": "token", "node": "u", "text": "after the end: ignored"},
    ],
    "an error before any node, cost null": [
        {"type": "error", "kind": "validation", "message": "bad", "retryable": False},
    ],
    "done without cost": [
        {"type": "done", "output": None, "text": "", "tokenCount": 0, "usage": {}, "cost": None},
    ],
}


async def _events(events: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for event in events:
        yield event


async def _python_chunks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [chunk async for chunk in to_ui_message_chunks(_events(events))]


@pytest.mark.asyncio
async def test_chunks_match_to_ui_message_chunks(node_eval: NodeEval) -> None:
    expected = node_eval(
        "const { toUIMessageChunks } = await import(\n"
        "  `${PACKAGES}runtime/dist/server/ui-message-stream.js`);\n"
        f"const runs = {json.dumps(RUNS)};\n"
        "const out = {};\n"
        "for (const [name, events] of Object.entries(runs)) {\n"
        "  out[name] = [];\n"
        "  async function* source() { yield* events; }\n"
        "  for await (const chunk of toUIMessageChunks(source())) out[name].push(chunk);\n"
        "}\n"
        "console.log(JSON.stringify(out));\n"
    )
    for name, events in RUNS.items():
        chunks = await _python_chunks(events)
        # As bytes: the same keys in the same order, the same numbers.
        assert (name, json_text.dumps(chunks)) == (name, json_text.dumps(expected[name]))


@pytest.mark.asyncio
async def test_frames_end_with_done_and_a_failure_is_an_error_chunk() -> None:
    async def failing() -> AsyncIterator[dict[str, Any]]:
        yield {"type": "start"}
        raise RuntimeError("the run broke")

    frames = [frame async for frame in ui_message_frames(failing())]
    assert frames == [
        b'data: {"type":"start"}\n\n',
        b'data: {"type":"error","errorText":"the run broke"}\n\n',
        b"data: [DONE]\n\n",
    ]


def test_request_input_from_body_input_or_chat_messages() -> None:
    chat = {
        "id": "chat",
        "input": {"type": "object", "properties": {"messages": {"type": "array"}}},
    }
    other = {"id": "other", "input": {"type": "object", "required": ["question"]}}
    messages = [
        {"id": "1", "role": "user", "parts": [{"type": "text", "text": "Hi "}, {"type": "x"}]},
        {"id": "2", "parts": [{"type": "text", "text": "there"}, {"type": "text", "text": "!"}]},
        "not a message",
    ]
    assert ui_request_input(chat, {"messages": messages}) == {
        "messages": [
            {"role": "user", "content": "Hi "},
            {"role": "user", "content": "there!"},
            {"role": "user", "content": ""},
        ]
    }
    assert ui_request_input(other, {"messages": messages, "input": {"question": "q"}}) == {
        "question": "q"
    }
    assert ui_request_input(other, {"messages": messages}) is None
    assert ui_request_input(chat, {"messages": "nope"}) is None
    assert ui_request_input(chat, ["not", "an", "object"]) is None
