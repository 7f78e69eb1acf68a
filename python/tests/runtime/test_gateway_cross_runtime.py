"""The OpenAI gateway of ``catalyst serve`` (TypeScript) and of the Python app, on one simulator:
the same requests get the same status, content type, cost header and bytes, the answer's random
``id`` and clock ``created`` aside (docs/gateway.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

CHAT: dict[str, Any] = {
    "id": "chat",
    "name": "Chat",
    "input": {
        "type": "object",
        "properties": {"messages": {"type": "array"}},
        "required": ["messages"],
    },
    "nodes": [
        {"id": "input", "type": "input"},
        {
            "id": "answer",
            "type": "openaiCompletion",
            "config": {
                "model": "gpt-4.1-mini",
                "system": "Be brief.",
                "prompt": "{{ input.messages[size(input.messages) - 1].content }}",
            },
        },
        {"id": "output", "type": "output", "config": {"value": "{{ nodes.answer.text }}"}},
    ],
    "edges": [{"from": "input", "to": "answer"}, {"from": "answer", "to": "output"}],
}

GATEWAY_FILE = """
aliases:
  fast: openai/gpt-4.1-mini
routes:
  smart:
    default:
      - { provider: openai, model: gpt-4.1-mini }
      - { provider: anthropic, model: claude-haiku-4-5 }
    maxRetries: 0
"""

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
TOOL_DIRECTIVE = json.dumps(
    {"reply": {"toolCalls": [{"id": "call_7", "name": "get_weather", "arguments": {"city": "P"}}]}}
)


def _chat(model: str, content: str, **fields: Any) -> bytes:
    body = {"model": model, "messages": [{"role": "user", "content": content}], **fields}
    return json.dumps(body).encode()


STREAM = {"stream": True, "stream_options": {"include_usage": True}}
JSON_SCHEMA = {
    "type": "json_schema",
    "json_schema": {"name": "w", "schema": {"type": "object", "properties": {}}},
}

CASES: list[tuple[str, str, str, bytes | None]] = [
    ("models", "GET", "/v1/models", None),
    ("provider", "POST", "/v1/chat/completions", _chat("openai/gpt-4.1-mini", "Hello there")),
    (
        "provider-stream",
        "POST",
        "/v1/chat/completions",
        _chat("openai/gpt-4.1-mini", "Hi", **STREAM),
    ),
    (
        "anthropic-stream",
        "POST",
        "/v1/chat/completions",
        _chat("anthropic/claude-haiku-4-5", "Hello Claude", stream=True),
    ),
    (
        "tool-deltas",
        "POST",
        "/v1/chat/completions",
        _chat("openai/gpt-4.1-mini", f"w [[sim {TOOL_DIRECTIVE}]]", tools=[TOOL], stream=True),
    ),
    (
        "tool-call",
        "POST",
        "/v1/chat/completions",
        _chat("openai/gpt-4.1-mini", f"w [[sim {TOOL_DIRECTIVE}]]", tools=[TOOL]),
    ),
    (
        "json-schema",
        "POST",
        "/v1/chat/completions",
        _chat(
            "openai/gpt-4.1-mini",
            'j [[sim {"reply":{"json":{"b":1,"a":[1.5]}}}]]',
            response_format=JSON_SCHEMA,
        ),
    ),
    ("workflow", "POST", "/v1/chat/completions", _chat("workflow/chat", "Hello workflow")),
    (
        "workflow-stream",
        "POST",
        "/v1/chat/completions",
        _chat("workflow/chat", "Hello workflow", **STREAM),
    ),
    ("alias", "POST", "/v1/chat/completions", _chat("fast", "Via alias")),
    ("route", "POST", "/v1/chat/completions", _chat("smart", "Routed")),
    (
        "route-fallback",
        "POST",
        "/v1/chat/completions",
        _chat("smart", 'x [[sim {"fault":{"type":"http","kind":"overloaded"}}]]'),
    ),
    (
        "embeddings",
        "POST",
        "/v1/embeddings",
        json.dumps({"model": "openai/text-embedding-3-small", "input": ["one", "ünï 😀"]}).encode(),
    ),
    (
        "embeddings-base64",
        "POST",
        "/v1/embeddings",
        json.dumps(
            {
                "model": "openai/text-embedding-3-small",
                "input": "one",
                "encoding_format": "base64",
                "dimensions": 8,
            }
        ).encode(),
    ),
    ("unknown-model", "POST", "/v1/chat/completions", _chat("nobody/x", "hi")),
    ("unknown-workflow", "POST", "/v1/chat/completions", _chat("workflow/none", "hi")),
    ("workflow-tools", "POST", "/v1/chat/completions", _chat("workflow/chat", "hi", tools=[TOOL])),
    ("n", "POST", "/v1/chat/completions", _chat("openai/gpt-4.1-mini", "hi", n=2)),
    ("bad-role", "POST", "/v1/chat/completions", b'{"model":"a/b","messages":[{"role":"x"}]}'),
    ("not-json", "POST", "/v1/chat/completions", b'{"model":'),
    ("embeddings-input", "POST", "/v1/embeddings", b'{"model":"openai/x","input":[1]}'),
    ("embeddings-model", "POST", "/v1/embeddings", b'{"model":"anthropic/x","input":"a"}'),
    ("wrong-method", "GET", "/v1/chat/completions", None),
    ("unknown-route", "GET", "/v1/nope", None),
    (
        "rate-limited",
        "POST",
        "/v1/chat/completions",
        _chat(
            "openai/gpt-4.1-mini",
            'x [[sim {"fault":{"type":"http","kind":"rate_limit","retryAfterSeconds":0}}]]',
            max_tokens=5,
        ),
    ),
    (
        "stream-error",
        "POST",
        "/v1/chat/completions",
        _chat(
            "openai/gpt-4.1-mini",
            'a b c [[sim {"fault":{"type":"stream-error","afterChunks":1,"kind":"server"}}]]',
            stream=True,
        ),
    ),
]

_IDENTITY = re.compile(rb'"id":"chatcmpl-[0-9a-f]{32}"|"created":\d+')


def _call(url: str, method: str, path: str, content: bytes | None) -> httpx.Response:
    with httpx.Client(timeout=60) as client:
        headers = {"content-type": "application/json"} if content is not None else {}
        return client.request(method, f"{url}{path}", content=content, headers=headers)


def _normalized(content: bytes) -> bytes:
    return _IDENTITY.sub(b"<identity>", content)


@pytest.mark.parametrize(
    ("method", "path", "content"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_the_gateway_answers_byte_identical(
    serve_both: Any, simulator: Any, tmp_path: Path, method: str, path: str, content: bytes | None
) -> None:
    gateway_file = tmp_path / "gateway.yaml"
    gateway_file.write_text(GATEWAY_FILE, encoding="utf-8")
    typescript_url, python_url = serve_both(
        CHAT, environment={"CATALYST_GATEWAY_FILE": str(gateway_file)}
    )
    simulator.reset()
    typescript = _call(typescript_url, method, path, content)
    simulator.reset()
    python = _call(python_url, method, path, content)
    assert python.status_code == typescript.status_code
    for name in ("content-type", "x-catalyst-cost-usd", "allow", "cache-control"):
        assert (name, python.headers.get(name)) == (name, typescript.headers.get(name))
    assert _normalized(python.content) == _normalized(typescript.content)
    # The identity is there, and the same in every chunk of one answer.
    if path == "/v1/chat/completions" and typescript.status_code == 200:
        assert len(set(re.findall(rb"chatcmpl-[0-9a-f]{32}", python.content))) == 1
