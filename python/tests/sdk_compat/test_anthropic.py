"""The official `anthropic` Python SDK against the simulator's Anthropic Messages protocol."""

from __future__ import annotations

import json

import anthropic
import pytest

from conftest import Simulator

MODEL = "claude-sonnet-4-6"
HELLO = [{"role": "user", "content": "Hello there"}]
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def client(simulator: Simulator, directive: dict[str, object] | None = None) -> anthropic.Anthropic:
    headers = {"x-sim-directive": json.dumps(directive)} if directive else None
    return anthropic.Anthropic(
        api_key="sk-ant-test",
        base_url=simulator.url,
        max_retries=0,
        default_headers=headers,
    )


def test_streams_text_with_usage(simulator: Simulator) -> None:
    with client(simulator).messages.stream(model=MODEL, max_tokens=256, messages=HELLO) as stream:
        pieces = list(stream.text_stream)
        message = stream.get_final_message()
    assert len(pieces) > 1
    assert "".join(pieces) == f'Simulated reply from {MODEL}: you said "Hello there".'
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0
    assert message.usage.output_tokens == len(pieces)


def test_streams_a_forced_tool_call(simulator: Simulator) -> None:
    with client(simulator).messages.stream(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice={"type": "tool", "name": "get_weather"},
    ) as stream:
        message = stream.get_final_message()
    assert message.stop_reason == "tool_use"
    tool_use = next(block for block in message.content if block.type == "tool_use")
    assert tool_use.name == "get_weather"
    assert tool_use.id.startswith("toolu_")
    assert isinstance(tool_use.input, dict)
    assert isinstance(tool_use.input["city"], str)


def test_non_stream_usage_with_cache_fields(simulator: Simulator) -> None:
    message = client(
        simulator,
        {
            "reply": {
                "text": "Cached.",
                "usage": {
                    "inputTokens": 1200,
                    "cacheReadTokens": 1000,
                    "outputTokens": 3,
                },
            }
        },
    ).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert message.content[0].type == "text"
    assert message.content[0].text == "Cached."
    assert message.usage.input_tokens == 200
    assert message.usage.cache_read_input_tokens == 1000
    assert message.usage.cache_creation_input_tokens == 0
    assert message.usage.output_tokens == 3


def test_counts_tokens_and_retrieves_a_model(simulator: Simulator) -> None:
    counted = client(simulator).messages.count_tokens(model=MODEL, messages=HELLO)
    assert counted.input_tokens > 0
    model = client(simulator).models.retrieve(MODEL)
    assert model.id == MODEL
    assert model.display_name == "Claude Sonnet 4.6"


@pytest.mark.parametrize(
    ("kind", "error_class", "status"),
    [
        ("auth", anthropic.AuthenticationError, 401),
        ("model_not_found", anthropic.NotFoundError, 404),
        ("invalid_request", anthropic.BadRequestError, 400),
        ("context_length", anthropic.BadRequestError, 400),
        ("rate_limit", anthropic.RateLimitError, 429),
        ("server", anthropic.InternalServerError, 500),
        ("overloaded", anthropic.OverloadedError, 529),
    ],
)
def test_http_faults_raise_typed_errors(
    simulator: Simulator,
    kind: str,
    error_class: type[anthropic.APIStatusError],
    status: int,
) -> None:
    directive = {"fault": {"type": "http", "kind": kind, "retryAfterSeconds": 2}}
    with pytest.raises(error_class) as caught:
        client(simulator, directive).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert caught.value.status_code == status
    assert caught.value.request_id is not None
    assert caught.value.response.headers["retry-after"] == "2"
    if kind == "context_length":
        assert "prompt is too long" in caught.value.message


def test_reset_raises_connection_error(simulator: Simulator) -> None:
    with pytest.raises(anthropic.APIConnectionError):
        client(simulator, {"fault": {"type": "reset"}}).messages.create(
            model=MODEL, max_tokens=64, messages=HELLO
        )


def test_in_stream_error_is_raised_mid_stream(simulator: Simulator) -> None:
    directive = {"fault": {"type": "stream-error", "afterChunks": 2, "kind": "overloaded"}}
    pieces: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError) as caught,
        client(simulator, directive).messages.stream(
            model=MODEL, max_tokens=256, messages=HELLO
        ) as stream,
    ):
        pieces.extend(stream.text_stream)
    assert len(pieces) == 2
    assert "overloaded_error" in str(caught.value)
