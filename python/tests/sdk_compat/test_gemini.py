"""The official `google-genai` Python SDK against the simulator's Gemini protocol."""

from __future__ import annotations

import json

import pytest
from google import genai
from google.genai import errors, types

from conftest import Simulator

MODEL = "gemini-2.5-flash"


def client(simulator: Simulator, directive: dict[str, object] | None = None) -> genai.Client:
    """A client pointed at the simulator. Keep a reference while using it: the SDK closes its
    HTTP connection pool when the client is garbage collected."""
    headers = {"x-sim-directive": json.dumps(directive)} if directive else None
    return genai.Client(
        api_key="gemini-test-key",
        http_options=types.HttpOptions(base_url=simulator.url, headers=headers),
    )


def test_streams_text_with_usage(simulator: Simulator) -> None:
    ai = client(simulator)
    chunks = list(ai.models.generate_content_stream(model=MODEL, contents="Hello there"))
    assert len(chunks) > 1
    text = "".join(chunk.text or "" for chunk in chunks)
    assert text == f'Simulated reply from {MODEL}: you said "Hello there".'
    last = chunks[-1]
    assert last.candidates is not None
    assert last.candidates[0].finish_reason == types.FinishReason.STOP
    assert last.usage_metadata is not None
    assert last.usage_metadata.prompt_token_count
    assert last.usage_metadata.candidates_token_count


def test_forced_function_call(simulator: Simulator) -> None:
    weather = types.FunctionDeclaration(
        name="get_weather",
        description="Current weather in a city",
        parameters_json_schema={
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    )
    ai = client(simulator)
    response = ai.models.generate_content(
        model=MODEL,
        contents="Weather in Paris?",
        config=types.GenerateContentConfig(
            tools=[types.Tool(function_declarations=[weather])],
            tool_config=types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(
                    mode=types.FunctionCallingConfigMode.ANY
                )
            ),
        ),
    )
    calls = response.function_calls or []
    assert len(calls) == 1
    assert calls[0].name == "get_weather"
    assert isinstance((calls[0].args or {})["city"], str)


def test_json_mode(simulator: Simulator) -> None:
    ai = client(simulator)
    response = ai.models.generate_content(
        model=MODEL,
        contents="A city, please",
        config=types.GenerateContentConfig(
            response_mime_type="application/json",
            response_json_schema={
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        ),
    )
    assert isinstance(json.loads(response.text or "")["city"], str)


def test_embeddings_single_and_batch(simulator: Simulator) -> None:
    ai = client(simulator)
    single = ai.models.embed_content(model="gemini-embedding-001", contents="hello")
    assert single.embeddings is not None
    assert len(single.embeddings[0].values or []) == 3072
    batch = ai.models.embed_content(
        model="gemini-embedding-001",
        contents=["hello", "world"],
        config=types.EmbedContentConfig(output_dimensionality=768),
    )
    assert batch.embeddings is not None
    assert len(batch.embeddings) == 2
    assert batch.embeddings[0].values == (single.embeddings[0].values or [])[:768]


def test_counts_tokens_and_lists_models(simulator: Simulator) -> None:
    ai = client(simulator)
    counted = ai.models.count_tokens(model=MODEL, contents="How many?")
    assert counted.total_tokens
    names = [model.name for model in ai.models.list()]
    assert "models/gemini-2.5-flash" in names


@pytest.mark.parametrize(
    ("kind", "error_class", "code"),
    [
        ("auth", errors.ClientError, 400),
        ("model_not_found", errors.ClientError, 404),
        ("context_length", errors.ClientError, 400),
        ("rate_limit", errors.ClientError, 429),
        ("server", errors.ServerError, 500),
        ("overloaded", errors.ServerError, 503),
    ],
)
def test_http_faults_raise_typed_errors(
    simulator: Simulator, kind: str, error_class: type[errors.APIError], code: int
) -> None:
    ai = client(simulator, {"fault": {"type": "http", "kind": kind}})
    with pytest.raises(error_class) as caught:
        ai.models.generate_content(model=MODEL, contents="Hello there")
    assert caught.value.code == code


def test_in_stream_error_is_raised_mid_stream(simulator: Simulator) -> None:
    directive = {"fault": {"type": "stream-error", "afterChunks": 2, "kind": "overloaded"}}
    texts: list[str] = []
    ai = client(simulator, directive)
    with pytest.raises(errors.APIError) as caught:
        for chunk in ai.models.generate_content_stream(model=MODEL, contents="Hello there"):
            texts.append(chunk.text or "")
    assert len(texts) == 2
    assert caught.value.code == 503
