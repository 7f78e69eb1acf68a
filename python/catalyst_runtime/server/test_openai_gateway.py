"""The official ``openai`` Python SDK, unchanged, against the Python app under uvicorn (the twin of
TypeScript ``openai-gateway.test``): every answer and every error must be what the SDK expects
from OpenAI itself. Providers answer from the simulator (``[[sim …]]`` directives, scenarios)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import uvicorn

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.providers.local.encode_openai_embedding import encode_embedding_base64
from catalyst_runtime.server.create_app import create_app
from catalyst_runtime.server.gateway_config import parse_gateway_config
from catalyst_runtime.server.request_log import ServerLogger

ASSISTANT: dict[str, Any] = {
    "id": "assistant",
    "name": "Assistant",
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

API_KEY = "gateway-key-1"

GATEWAY_FILE = """
aliases:
  fast: openai/gpt-4.1-mini
routes:
  smart:
    routes:
      - name: long
        condition: "prompt_tokens > 2000"
        target: [{ provider: anthropic, model: claude-sonnet-4-5 }]
    default:
      - { provider: openai, model: gpt-4.1-mini }
      - { provider: anthropic, model: claude-haiku-4-5 }
    maxRetries: 0
"""

TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


class _Silent:
    def write(self, text: str) -> None:
        pass


@pytest.fixture
def server_url(vector_environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 (its own thread and event loop), with an API key and a
    gateway file named by CATALYST_GATEWAY_FILE, every provider on the simulator."""
    gateway_file = tmp_path / "gateway.yaml"
    gateway_file.write_text(GATEWAY_FILE, encoding="utf-8")
    environment = {
        **vector_environment,
        "CATALYST_API_KEYS": API_KEY,
        "CATALYST_GATEWAY_FILE": str(gateway_file),
    }
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def serve() -> None:
        async def main() -> None:
            providers = Providers(environment=environment)
            app = create_app(
                [ASSISTANT],
                providers=providers,
                environment=environment,
                logger=ServerLogger(stream=_Silent(), level="silent"),
                handle_signals=False,
            )
            config = uvicorn.Config(
                app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
            )
            server = uvicorn.Server(config)
            holder["server"] = server
            task = asyncio.create_task(server.serve())
            while not server.started:
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            holder["url"] = f"http://127.0.0.1:{port}"
            ready.set()
            await task
            await providers.aclose()

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(timeout=20), "the app did not start"
    yield holder["url"]
    holder["server"].should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(server_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server_url}/v1", api_key=API_KEY, max_retries=0) as sdk:
        yield sdk


def _last_request(simulator: Any) -> dict[str, Any]:
    requests: list[dict[str, Any]] = simulator.requests()
    return requests[-1]


def test_a_provider_model_answers_through_the_provider_layer_with_its_cost(
    client: openai.OpenAI, simulator: Any
) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="openai/gpt-4.1-mini",
        messages=[{"role": "user", "content": 'Say hi [[sim {"reply":{"text":"Hi there."}}]]'}],
    )
    completion = raw.parse()
    assert completion.object == "chat.completion"
    assert completion.model == "openai/gpt-4.1-mini"
    assert completion.choices[0].message.content == "Hi there."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    extension = json.loads(raw.text)["catalyst"]
    assert extension["cost"]["totalUsd"] > 0
    assert float(raw.headers["x-catalyst-cost-usd"]) == extension["cost"]["totalUsd"]
    assert _last_request(simulator)["model"] == "gpt-4.1-mini"


def test_a_stream_sends_chunks_then_usage_with_include_usage(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="openai/gpt-4.1-mini",
        messages=[
            {"role": "user", "content": 'x [[sim {"reply":{"chunks":["One ","two ","three."]}}]]'}
        ],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces: list[str] = []
    finish: str | None = None
    usage: Any = None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if chunk.choices and chunk.choices[0].finish_reason:
            finish = chunk.choices[0].finish_reason
        if chunk.usage is not None:
            usage = chunk.usage
    assert pieces == ["One ", "two ", "three."]
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_tool_call_argument_deltas_stream_and_the_sdk_assembles_the_call(
    client: openai.OpenAI, simulator: Any
) -> None:
    directive = json.dumps(
        {
            "reply": {
                "toolCalls": [
                    {"id": "call_7", "name": "get_weather", "arguments": {"city": "Paris"}}
                ]
            }
        }
    )
    deltas = 0
    with client.chat.completions.stream(
        model="openai/gpt-4.1-mini",
        messages=[{"role": "user", "content": f"Weather in Paris? [[sim {directive}]]"}],
        tools=[TOOL],
    ) as stream:
        for event in stream:
            if event.type == "tool_calls.function.arguments.delta":
                deltas += 1
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    call: Any = calls[0]
    assert call.id == "call_7"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert completion.choices[0].finish_reason == "tool_calls"
    assert deltas > 1
    assert _last_request(simulator)["body"]["tools"] == [TOOL]


def test_response_format_json_schema_passes_through(client: openai.OpenAI, simulator: Any) -> None:
    directive = json.dumps({"reply": {"json": {"city": "Paris", "temperature": 21}}})
    completion = client.chat.completions.create(
        model="openai/gpt-4.1-mini",
        messages=[{"role": "user", "content": f"Weather as JSON [[sim {directive}]]"}],
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "weather",
                "schema": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}},
                    "required": ["city", "temperature"],
                },
            },
        },
    )
    assert json.loads(completion.choices[0].message.content or "") == {
        "city": "Paris",
        "temperature": 21,
    }
    sent = _last_request(simulator)["body"]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "weather"


def test_workflow_model_runs_the_workflow_with_the_chat_messages(
    client: openai.OpenAI, simulator: Any
) -> None:
    simulator.reset()
    stream = client.chat.completions.create(
        model="workflow/assistant",
        messages=[
            {"role": "user", "content": "earlier"},
            {"role": "user", "content": 'Now [[sim {"reply":{"chunks":["Work","flow."]}}]]'},
        ],
        stream=True,
    )
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]
    assert "".join(pieces) == "Workflow."
    # The workflow's own system text and prompt went to the provider, not the caller's messages.
    sent = simulator.requests()[0]["body"]["messages"]
    assert sent[0]["content"] == "Be brief."
    assert len(sent) == 2


def test_embeddings_go_through_the_provider_layer_as_floats_and_base64(
    client: openai.OpenAI, server_url: str
) -> None:
    result = client.embeddings.create(
        model="openai/text-embedding-3-small", input=["one", "two"], encoding_format="float"
    )
    assert len(result.data) == 2
    assert len(result.data[0].embedding) > 10
    assert result.usage.prompt_tokens > 0
    # The SDK asks for base64 by default and decodes it: the same vector as the float answer.
    decoded = client.embeddings.create(model="openai/text-embedding-3-small", input="one")
    assert decoded.data[0].embedding == pytest.approx(result.data[0].embedding, rel=1e-6)
    raw = client.embeddings.with_raw_response.create(
        model="openai/text-embedding-3-small", input="one", encoding_format="base64"
    )
    first = json.loads(raw.text)["data"][0]["embedding"]
    # Float32 bytes, as OpenAI sends them.
    assert first == encode_embedding_base64(result.data[0].embedding)


def test_models_lists_provider_models_chat_workflows_and_gateway_names(
    client: openai.OpenAI,
) -> None:
    ids = [model.id for model in client.models.list()]
    assert "openai/gpt-4.1-mini" in ids
    assert "workflow/assistant" in ids
    assert ids[-2:] == ["fast", "smart"]


def test_errors_surface_as_the_sdk_typed_exceptions(client: openai.OpenAI, server_url: str) -> None:
    def ask(model: str, content: str = "hi") -> Any:
        return client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": content}]
        )

    with pytest.raises(openai.NotFoundError):
        ask("nobody/model")
    with pytest.raises(openai.NotFoundError) as missing:
        ask("workflow/missing")
    assert missing.value.code == "model_not_found"
    anonymous = openai.OpenAI(base_url=f"{server_url}/v1", api_key="wrong", max_retries=0)
    with anonymous, pytest.raises(openai.AuthenticationError):
        anonymous.models.list()
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(
            model="openai/gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}], n=2
        )
    assert bad.value.param == "n"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model="workflow/assistant", messages=[{"role": "user", "content": "hi"}], tools=[TOOL]
        )
    rate_limited = '[[sim {"fault":{"type":"http","kind":"rate_limit","retryAfterSeconds":0}}]]'
    with pytest.raises(openai.RateLimitError):
        ask("openai/gpt-4.1-mini", rate_limited)
    # A failure after the first chunk arrives in the stream, and the SDK raises it there.
    stream = client.chat.completions.create(
        model="openai/gpt-4.1-mini",
        messages=[
            {
                "role": "user",
                "content": 'a b c [[sim {"fault":{"type":"stream-error","afterChunks":1,'
                '"kind":"server"}}]]',
            }
        ],
        stream=True,
    )
    with pytest.raises(openai.APIError):
        for _chunk in stream:
            pass


def test_gateway_names_an_alias_and_a_route_with_its_fallback_in_the_extension(
    client: openai.OpenAI, simulator: Any, scenario: Callable[[object], None]
) -> None:
    aliased = client.chat.completions.create(
        model="fast",
        messages=[{"role": "user", "content": 'x [[sim {"reply":{"text":"via alias"}}]]'}],
    )
    assert aliased.model == "fast"
    assert aliased.choices[0].message.content == "via alias"
    assert _last_request(simulator)["model"] == "gpt-4.1-mini"

    scenario(
        {
            "rules": [
                {"match": {"provider": "openai"}, "fault": {"type": "http", "kind": "overloaded"}},
                {"match": {"provider": "anthropic"}, "reply": {"text": "Claude answers."}},
            ]
        }
    )
    raw = client.chat.completions.with_raw_response.create(
        model="smart",
        messages=[
            {"role": "system", "content": "Be kind."},
            {"role": "user", "content": "Hello"},
        ],
    )
    routed = raw.parse()
    assert routed.model == "smart"
    assert routed.choices[0].message.content == "Claude answers."
    extension = json.loads(raw.text)["catalyst"]
    assert len(extension["routes"][0]["targets"]) == 2
    [fallback] = extension["fallbacks"]
    assert fallback["from"] == {"provider": "openai", "model": "gpt-4.1-mini"}
    assert fallback["to"] == {"provider": "anthropic", "model": "claude-haiku-4-5"}
    assert fallback["error"]["kind"] == "overloaded"
    # The caller's messages reached the provider as they were, system text included.
    assert _last_request(simulator)["body"]["system"] == "Be kind."


def test_a_gateway_file_whose_route_does_not_validate_is_refused_naming_the_entry() -> None:
    with pytest.raises(ValueError, match=r"^gateway\.yaml: routes\.broken: "):
        parse_gateway_config("routes:\n  broken:\n    default: []\n", "gateway.yaml")
    with pytest.raises(ValueError, match="not a model name"):
        parse_gateway_config("aliases:\n  a/b: openai/x\n", "gateway.yaml")
    with pytest.raises(ValueError, match=r"^gateway\.json: unknown key \"models\""):
        parse_gateway_config('{"models": {}}', "gateway.json")
    # JSON is YAML: the same file as JSON reads the same.
    config = parse_gateway_config('{"aliases": {"fast": "openai/gpt-4.1-mini"}}', "gateway.json")
    assert config.aliases == {"fast": "openai/gpt-4.1-mini"}
