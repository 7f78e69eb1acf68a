"""The official Python openai and groq SDKs against the simulator's OpenAI-family protocols."""

from __future__ import annotations

import json
import time
from typing import Any

import groq
import httpx
import openai
import pytest

from conftest import Simulator


def directive(action: dict[str, Any]) -> dict[str, str]:
    """Headers that steer one request (the same JSON a scenario rule holds)."""
    return {"x-sim-directive": json.dumps(action)}


@pytest.fixture()
def client(simulator: Simulator) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url=f"{simulator.url}/v1", max_retries=0)


@pytest.fixture()
def groq_client(simulator: Simulator) -> groq.Groq:
    return groq.Groq(api_key="gsk-test", base_url=simulator.url, max_retries=0)


WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def test_streams_text_with_usage(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Hello from Python"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        if chunk.usage is not None:
            usage = chunk.usage
    assert text == 'Simulated reply from gpt-4o: you said "Hello from Python".'
    assert usage is not None
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_streams_split_and_parallel_tool_calls(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER_TOOL],
    ) as stream:
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls or []
    assert completion.choices[0].finish_reason == "tool_calls"
    assert [call.function.name for call in calls] == ["get_weather"]
    assert json.loads(calls[0].function.arguments) == {"city": "example city"}

    scripted = {
        "reply": {
            "toolCalls": [
                {"name": "get_weather", "arguments": {"city": "Edinburgh"}},
                {"name": "get_stock_price", "arguments": {"ticker": "AAPL"}},
            ]
        }
    }
    stream_two = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Weather and stock"}],
        tools=[WEATHER_TOOL],
        stream=True,
        extra_headers=directive(scripted),
    )
    arguments: dict[int, str] = {}
    for chunk in stream_two:
        for call in chunk.choices[0].delta.tool_calls or [] if chunk.choices else []:
            fragment = call.function.arguments if call.function else None
            arguments[call.index] = arguments.get(call.index, "") + (fragment or "")
    assert json.loads(arguments[0]) == {"city": "Edinburgh"}
    assert json.loads(arguments[1]) == {"ticker": "AAPL"}


def test_embeddings_default_base64_and_float(client: openai.OpenAI) -> None:
    default = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert len(default.data) == 2
    vector = default.data[0].embedding
    assert len(vector) == 1536
    assert abs(sum(value * value for value in vector) - 1) < 1e-4
    floats = client.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
    )
    assert floats.data[0].embedding == pytest.approx(vector, abs=1e-6)


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [
        ("auth", openai.AuthenticationError),
        ("model_not_found", openai.NotFoundError),
        ("context_length", openai.BadRequestError),
        ("rate_limit", openai.RateLimitError),
        ("server", openai.InternalServerError),
        ("overloaded", openai.InternalServerError),
    ],
)
def test_http_faults_raise_typed_errors(
    client: openai.OpenAI, kind: str, error_class: type[openai.APIStatusError]
) -> None:
    with pytest.raises(error_class):
        client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "Hi"}],
            extra_headers=directive({"fault": {"type": "http", "kind": kind}}),
        )


def test_rate_limit_carries_retry_after(client: openai.OpenAI) -> None:
    fault = {"fault": {"type": "http", "kind": "rate_limit", "retryAfterSeconds": 3}}
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "Hi"}],
            extra_headers=directive(fault),
        )
    assert raised.value.response.headers["retry-after"] == "3"


def test_inline_marker_reset_raises_connection_error(client: openai.OpenAI) -> None:
    marker = '[[sim {"fault":{"type":"reset"}}]]'
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": f"Hi {marker}"}]
        )


def test_disconnect_mid_stream_raises(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        extra_headers=directive({"fault": {"type": "disconnect", "afterChunks": 2}}),
    )
    received = ""
    # Mid-body, the Python SDK lets httpx's transport error through (it wraps only at request
    # time), exactly as it does against the real API.
    with pytest.raises((openai.APIConnectionError, httpx.TransportError)):
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received += chunk.choices[0].delta.content
    assert received


def test_closing_a_stalled_stream_is_logged_as_client_abort(
    client: openai.OpenAI, simulator: Simulator
) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "abort me"}],
        stream=True,
        extra_headers=directive({"fault": {"type": "stall", "afterChunks": 1}}),
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            break
    stream.close()
    deadline = time.monotonic() + 2
    entry: dict[str, object] = {}
    while time.monotonic() < deadline:
        entries = [
            logged for logged in simulator.requests() if "abort me" in json.dumps(logged["body"])
        ]
        entry = entries[-1] if entries else {}
        if entry.get("finished"):
            break
        time.sleep(0.02)
    assert entry.get("clientClosedEarly") is True


def test_groq_streams_text_and_usage(groq_client: groq.Groq) -> None:
    stream = groq_client.chat.completions.create(
        model="llama-3.3-70b-versatile",
        messages=[{"role": "user", "content": "Hello Groq"}],
        stream=True,
    )
    text = ""
    usage = None
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
        if chunk.x_groq is not None and chunk.x_groq.usage is not None:
            usage = chunk.x_groq.usage
    assert "Hello Groq" in text
    assert usage is not None
    assert usage.completion_tokens > 0


def test_groq_tool_call_arrives_whole(groq_client: groq.Groq) -> None:
    stream = groq_client.chat.completions.create(
        model="llama-3.3-70b-versatile",
        messages=[{"role": "user", "content": "Weather?"}],
        tools=[WEATHER_TOOL],
        stream=True,
    )
    deltas = [call for chunk in stream for call in chunk.choices[0].delta.tool_calls or []]
    assert len(deltas) == 1
    assert deltas[0].function is not None
    assert json.loads(deltas[0].function.arguments or "") == {"city": "example city"}


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [
        ("auth", groq.AuthenticationError),
        ("rate_limit", groq.RateLimitError),
        ("server", groq.InternalServerError),
    ],
)
def test_groq_faults_raise_typed_errors(
    groq_client: groq.Groq, kind: str, error_class: type[groq.APIStatusError]
) -> None:
    with pytest.raises(error_class):
        groq_client.chat.completions.create(
            model="llama-3.3-70b-versatile",
            messages=[{"role": "user", "content": "Hi"}],
            extra_headers=directive({"fault": {"type": "http", "kind": kind}}),
        )
