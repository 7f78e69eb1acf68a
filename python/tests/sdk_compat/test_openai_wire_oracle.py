"""The direct Chat Completions path against the official SDKs as oracle.

Every OpenAI-family vendor streams over ``chat_completions_wire`` (no SDK); the SDKs stay here as
the oracle: the same simulator replies (text, tool calls, JSON mode, every HTTP fault, resets,
disconnects, malformed and in-stream errors) and the same recorded byte streams (odd line
endings, comments, split reads, error bodies) through both paths must give identical events.
Against the simulator the direct path runs twice, over httpx and over the lean HTTP/1.1 client
(``lean_http1_client``), which must give the SDK's events too; recorded streams (an injected
httpx transport) always go through httpx.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import httpx
import pytest

from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.config.provider_environment import resolve_provider_settings
from catalyst_runtime.providers.create_provider import ChatRequest
from catalyst_runtime.providers.openai_compatible.chat_completions_wire import SseDecoder
from catalyst_runtime.providers.openai_compatible.openai_compatible_provider import (
    VENDORS,
    OpenAIFamilyAdapter,
)
from catalyst_runtime.providers.shared.provider_stream import provider_stream
from conftest import conformance_environment

pytestmark = pytest.mark.asyncio

MODELS = {
    "openai": "gpt-4o",
    "groq": "llama-3.3-70b-versatile",
    "xai": "grok-3",
    "openai-compatible": "my-model",
    "local": "local-model",
}


def marker(action: dict[str, Any]) -> str:
    return f"[[sim {json.dumps(action)}]]"


CASES: dict[str, dict[str, Any]] = {
    "text": {"prompt": "Hello from the oracle"},
    "tool-calls": {
        "prompt": "Weather? "
        + marker(
            {
                "reply": {
                    "toolCalls": [
                        {"name": "get_weather", "arguments": {"city": "Edinburgh"}},
                        {"name": "get_weather", "arguments": {"city": "Oslo"}},
                    ]
                }
            }
        ),
        "tools": [
            {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
    },
    "json-mode": {"prompt": "JSON please", "response_format": {"type": "json_object"}},
    "reset": {"prompt": "Hi " + marker({"fault": {"type": "reset"}})},
    "disconnect": {"prompt": "Hi " + marker({"fault": {"type": "disconnect", "afterChunks": 2}})},
    "malformed": {"prompt": "Hi " + marker({"fault": {"type": "malformed", "afterChunks": 1}})},
    "stall": {
        "prompt": "Hi " + marker({"fault": {"type": "stall", "afterChunks": 1}}),
        "idle_timeout_ms": 300,
    },
    "stall-first-token": {
        "prompt": "Hi " + marker({"fault": {"type": "stall", "afterChunks": 0}}),
        "first_token_timeout_ms": 300,
    },
    **{
        f"stream-error-{kind}": {
            "prompt": "Hi "
            + marker({"fault": {"type": "stream-error", "afterChunks": 1, "kind": kind}})
        }
        for kind in ("server", "overloaded", "rate_limit")
    },
    **{
        f"http-{kind}": {"prompt": "Hi " + marker({"fault": {"type": "http", "kind": kind}})}
        for kind in (
            "auth",
            "model_not_found",
            "invalid_request",
            "context_length",
            "rate_limit",
            "server",
            "overloaded",
        )
    },
    "http-rate-limit-retry-after": {
        "prompt": "Hi "
        + marker({"fault": {"type": "http", "kind": "rate_limit", "retryAfterSeconds": 2}})
    },
    "http-teapot-message": {
        "prompt": "Hi "
        + marker({"fault": {"type": "http", "kind": "server", "status": 418, "message": "tea"}})
    },
}


async def _events(
    adapter: OpenAIFamilyAdapter, provider: str, request: ChatRequest
) -> list[dict[str, Any]]:
    async def no_sleep(_: float) -> None:
        return None

    return [
        event
        async for event in provider_stream(
            provider=provider,
            request=request,
            catalog=ModelCatalog.default(),
            open_attempt=lambda: adapter.open(request),
            to_provider_error=lambda error: adapter.to_provider_error(error, request.model),
            sleep=no_sleep,
            random=lambda: 0.0,
        )
    ]


_REQUEST_ID = re.compile(r"req[_-][A-Za-z0-9_-]+")
_CALL_ID = re.compile(r"call_[A-Za-z0-9]+")


def _normalised(events: list[dict[str, Any]]) -> str:
    # Each request gets its own request and tool-call ids from the simulator: compare where
    # they are, not their values.
    text = _REQUEST_ID.sub("<request-id>", json.dumps(events, sort_keys=False))
    return _CALL_ID.sub("<call-id>", text)


async def _through(
    transports: tuple[Literal["wire", "httpx", "sdk"], ...],
    provider: str,
    environment: dict[str, str],
    request_of: Callable[[], ChatRequest],
    client_of: Callable[[], httpx.AsyncClient],
    used: list[bool] | None = None,
) -> list[str]:
    """The normalised events through each transport; ``used`` gets, per transport, whether the
    lean HTTP/1.1 client carried the request."""
    settings = resolve_provider_settings(provider, None, environment)
    results: list[str] = []
    used = [] if used is None else used
    for transport in transports:
        client = client_of()
        try:
            adapter = OpenAIFamilyAdapter(
                VENDORS[provider], settings, client, ModelCatalog.default(), transport=transport
            )
            results.append(_normalised(await _events(adapter, provider, request_of())))
            lean = getattr(client, "_catalyst_lean_client", None)
            used.append(lean is not None and lean.usable)
        finally:
            await client.aclose()
    return results


@pytest.mark.parametrize("provider", list(MODELS))
@pytest.mark.parametrize("case", list(CASES))
async def test_simulator_replies_match_the_sdk(
    provider: str, case: str, vector_environment: dict[str, str]
) -> None:
    options = dict(CASES[case])
    prompt = options.pop("prompt")

    def request_of() -> ChatRequest:
        return ChatRequest(
            model=MODELS[provider],
            messages=[{"role": "user", "content": prompt}],
            max_retries=1,
            **options,
        )

    used: list[bool] = []
    sdk, over_httpx, lean = await _through(
        ("sdk", "httpx", "wire"),
        provider,
        vector_environment,
        request_of,
        httpx.AsyncClient,
        used,
    )
    # Only "wire" goes through the lean client, and it does whenever a request is sent (the
    # vector environment leaves openai-compatible without a base URL: no request).
    assert used == [False, False, provider != "openai-compatible"]
    assert over_httpx == sdk
    assert lean == sdk
    assert '"type": "done"' in lean or '"type": "error"' in lean


def _recorded(status: int, headers: dict[str, str], pieces: list[bytes]) -> httpx.MockTransport:
    async def handler(_: httpx.Request) -> httpx.Response:
        async def body() -> AsyncIterator[bytes]:
            for piece in pieces:
                yield piece

        return httpx.Response(status, headers=headers, content=body())

    return httpx.MockTransport(handler)


def _chunk(content: str | None = None, finish: str | None = None, **extra: Any) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


_SSE = {"content-type": "text/event-stream", "x-request-id": "req_recorded"}
_USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
_WHOLE = _chunk("Hé") + _chunk("llo") + _chunk(None, "stop") + _chunk(usage=_USAGE)

RECORDED: dict[str, tuple[int, dict[str, str], list[bytes]]] = {
    "lf-one-read": (200, _SSE, [_WHOLE + b"data: [DONE]\n\n"]),
    "byte-by-byte": (
        200,
        _SSE,
        [bytes([byte]) for byte in _WHOLE + b"data: [DONE]\n\n"],
    ),
    "crlf-split": (
        200,
        _SSE,
        [
            piece
            for part in (_WHOLE.replace(b"\n", b"\r\n") + b"data: [DONE]\r\n\r\n").split(b"\r")
            for piece in (part, b"\r")
        ][:-1],
    ),
    "cr-only": (200, _SSE, [(_WHOLE + b"data: [DONE]\n\n").replace(b"\n", b"\r")]),
    "comments-events-ids": (
        200,
        _SSE,
        [
            b": keep-alive\n\nid: 7\nevent: message\n" + _chunk("a") + b"retry: 10\n\n",
            b"data:" + _chunk("b")[6:] + _chunk(None, "length") + b"data: [DONE]\n\n",
        ],
    ),
    "named-error-event": (
        200,
        _SSE,
        [_chunk("a") + b'event: error\ndata: {"error": {"message": "named"}}\n\n'],
    ),
    "named-error-event-no-member": (
        200,
        _SSE,
        [_chunk("a") + b'event: error\ndata: {"x": 1}\n\n' + _chunk(None, "stop")],
    ),
    "multi-line-data": (
        200,
        _SSE,
        [
            b'data: {"model": "m", "choices":\ndata: [{"index": 0, "delta": {"content": "x"}, ',
            b'"finish_reason": "stop"}]}\n\ndata: [DONE]\n\n',
        ],
    ),
    "no-done": (200, _SSE, [_WHOLE]),
    "ends-without-finish": (200, _SSE, [_chunk("partial") + b"data: [DONE]\n\n"]),
    "after-done-ignored": (200, _SSE, [_WHOLE + b"data: [DONE]\n\n" + _chunk("late")]),
    "in-stream-error-no-message": (
        200,
        _SSE,
        [_chunk("a") + b'data: {"error": {"code": "x"}}\n\n'],
    ),
    "in-stream-error-string": (200, _SSE, [_chunk("a") + b'data: {"error": "boom"}\n\n']),
    "json-array": (200, _SSE, [b"data: [1, 2]\n\n"]),
    "bad-json": (200, _SSE, [_chunk("a") + b"data: {nope\n\n"]),
    "groq-usage-and-error": (
        200,
        _SSE,
        [
            _chunk("a", x_groq={"id": "req_groq"})
            + _chunk(None, "stop", x_groq={"usage": _USAGE, "error": "over capacity"})
        ],
    ),
    "status-json-no-message": (500, {"x-request-id": "req_e"}, [b'{"error": {"code": "x"}}']),
    "status-text": (503, {"retry-after": "1"}, [b"  upstream down  "]),
    "status-empty": (429, {"retry-after-ms": "1500"}, [b""]),
    "status-flat-json": (400, {}, [b'{"message": "flat", "code": 12}']),
    "status-quota": (429, {}, [b'{"error": {"message": "q", "type": "insufficient_quota"}}']),
    "status-context": (400, {}, [b'{"error": {"message": "maximum context length is 8k"}}']),
}


@pytest.mark.parametrize("provider", ["openai", "groq"])
@pytest.mark.parametrize("case", list(RECORDED))
async def test_recorded_streams_match_the_sdk(provider: str, case: str) -> None:
    status, headers, pieces = RECORDED[case]
    environment = conformance_environment("http://recorded.test")

    def request_of() -> ChatRequest:
        return ChatRequest(
            model=MODELS[provider], messages=[{"role": "user", "content": "Hi"}], max_retries=0
        )

    used: list[bool] = []
    sdk, wire = await _through(
        ("sdk", "wire"),
        provider,
        environment,
        request_of,
        lambda: httpx.AsyncClient(transport=_recorded(status, headers, pieces)),
        used,
    )
    # An injected transport keeps the request on httpx.
    assert used == [False, False]
    assert wire == sdk


async def test_decoder_yields_events_as_lines_complete() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\r\n") == [(None, "a")]
    assert decoder.feed(b"event: e\ndata: b\ndata: c\n") == []
    assert decoder.feed(b"\n") == [("e", "b\nc")]
