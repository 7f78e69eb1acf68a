"""OpenTelemetry spans of the Python runtime: run → node → provider attempt with the GenAI
semantic conventions, read back from the SDK's in-memory exporter; the caller's ``traceparent``
joined, and carried to the provider (the simulator's request log). The TypeScript twin is
``packages/runtime/src/telemetry/telemetry.test.ts``; test_telemetry_cross_runtime.py compares the
two runtimes' span trees."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app
from catalyst_runtime.server.request_log import ServerLogger
from catalyst_runtime.telemetry import telemetry as telemetry_module
from catalyst_runtime.telemetry.telemetry import (
    Telemetry,
    create_otlp_telemetry,
    tracing_requested,
)
from catalyst_runtime.telemetry.trace_context import context_from_traceparent, trace_headers

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"
QUESTION = {
    "type": "object",
    "properties": {"question": {"type": "string"}},
    "required": ["question"],
}


def _workflow(workflow_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": workflow_id.title(),
        "input": QUESTION,
        "nodes": [
            {"id": "input", "type": "input"},
            {"id": "answer", **answer},
            {"id": "output", "type": "output", "config": {"value": "{{ nodes.answer.text }}"}},
        ],
        "edges": [{"from": "input", "to": "answer"}, {"from": "answer", "to": "output"}],
    }


CHAT = _workflow(
    "chat",
    {
        "type": "openaiCompletion",
        "config": {"model": "gpt-4.1-mini", "prompt": "{{ input.question }}", "temperature": 0.5},
    },
)
ROUTER = _workflow(
    "router",
    {
        "type": "llmRouter",
        "config": {
            "prompt": "{{ input.question }}",
            "maxRetries": 0,
            "default": [
                {"provider": "openai", "model": "gpt-4.1-mini"},
                {"provider": "anthropic", "model": "claude-haiku-4-5"},
            ],
        },
    },
)


def in_memory(capture_content: bool = False) -> tuple[InMemorySpanExporter, Telemetry]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry = Telemetry(
        tracer=provider.get_tracer("catalyst"),
        capture_content=capture_content,
        shutdown=provider.shutdown,
    )
    return exporter, telemetry


async def run_stream(
    environment: dict[str, str],
    telemetry: Telemetry | None,
    workflow: str,
    question: str,
    headers: dict[str, str] | None = None,
) -> str:
    providers = Providers(environment=environment)
    app = create_app([CHAT, ROUTER], providers=providers, environment={}, telemetry=telemetry)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            response = await client.post(
                f"/workflows/{workflow}/stream",
                json={"question": question},
                headers=headers or {},
            )
            return response.text
    finally:
        await providers.aclose()


def by_name(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


def only(spans: list[ReadableSpan]) -> ReadableSpan:
    assert len(spans) == 1, [span.name for span in spans]
    return spans[0]


@pytest.mark.asyncio
async def test_run_node_and_attempt_spans_join_the_caller_and_reach_the_provider(
    scenario: Callable[[object], None], vector_environment: dict[str, str], simulator: Any
) -> None:
    scenario(
        {
            "rules": [
                {
                    "match": {"provider": "openai", "nth": 1},
                    "fault": {"type": "http", "kind": "rate_limit", "retryAfterMs": 1},
                },
                {"match": {"provider": "openai"}, "reply": {"chunks": ["Hello ", "world."]}},
            ]
        }
    )
    exporter, telemetry = in_memory()
    text = await run_stream(
        vector_environment,
        telemetry,
        "chat",
        "Hi",
        {"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01"},
    )
    assert "event: done" in text
    spans = exporter.get_finished_spans()
    run = only(by_name(spans, "workflow chat"))
    node = only(by_name(spans, "node answer"))
    assert run.kind == SpanKind.SERVER
    assert f"{run.context.trace_id:032x}" == TRACE_ID
    assert run.parent is not None and f"{run.parent.span_id:016x}" == CALLER_SPAN_ID
    assert run.attributes is not None
    assert run.attributes["catalyst.workflow.id"] == "chat"
    assert run.attributes["catalyst.tokens"] == 2
    assert float(run.attributes["catalyst.cost_usd"]) > 0  # type: ignore[arg-type]
    assert node.parent is not None and node.parent.span_id == run.context.span_id
    assert node.attributes is not None
    assert node.attributes["catalyst.node.type"] == "openaiCompletion"
    assert node.attributes["catalyst.provider"] == "openai"
    assert len(by_name(spans, "node input")) == 1
    attempts = sorted(
        by_name(spans, "chat gpt-4.1-mini"),
        key=lambda span: int(span.attributes["catalyst.attempt"]),  # type: ignore[arg-type,index]
    )
    assert len(attempts) == 2
    for attempt in attempts:
        assert attempt.kind == SpanKind.CLIENT
        assert attempt.parent is not None and attempt.parent.span_id == node.context.span_id
    failed, succeeded = attempts
    assert failed.attributes is not None and succeeded.attributes is not None
    assert failed.attributes["error.type"] == "rate_limit"
    assert failed.status.status_code == StatusCode.ERROR
    assert succeeded.attributes["gen_ai.operation.name"] == "chat"
    assert succeeded.attributes["gen_ai.provider.name"] == "openai"
    assert succeeded.attributes["gen_ai.request.model"] == "gpt-4.1-mini"
    assert succeeded.attributes["gen_ai.request.temperature"] == 0.5
    assert "gpt-4.1-mini" in str(succeeded.attributes["gen_ai.response.model"])
    assert tuple(succeeded.attributes["gen_ai.response.finish_reasons"]) == ("stop",)  # type: ignore[arg-type]
    assert isinstance(succeeded.attributes["gen_ai.usage.input_tokens"], int)
    assert succeeded.attributes["catalyst.usage.cache_read_tokens"] == 0
    assert isinstance(succeeded.attributes["catalyst.time_to_first_token_ms"], int)
    # No prompt or completion text unless asked for.
    assert "gen_ai.input.messages" not in succeeded.attributes
    # Both attempts' requests carried the trace, naming the call's first attempt span.
    sent = [request["headers"].get("traceparent") for request in simulator.requests()]  # type: ignore[attr-defined]
    first = f"00-{TRACE_ID}-{failed.context.span_id:016x}-01"
    assert sent == [first, first]


@pytest.mark.asyncio
async def test_the_router_span_has_the_route_each_fallback_and_text_only_when_enabled(
    scenario: Callable[[object], None], vector_environment: dict[str, str]
) -> None:
    scenario(
        {
            "rules": [
                {"match": {"provider": "openai"}, "fault": {"type": "http", "kind": "overloaded"}},
                {"match": {"provider": "anthropic"}, "reply": {"text": "From Claude."}},
            ]
        }
    )
    exporter, telemetry = in_memory(capture_content=True)
    await run_stream(vector_environment, telemetry, "router", "Route me")
    spans = exporter.get_finished_spans()
    node = only(by_name(spans, "node answer"))
    assert node.attributes is not None
    assert node.attributes["catalyst.node.type"] == "llmRouter"
    assert node.attributes["catalyst.route.strategy"] == "ordered"
    assert tuple(node.attributes["catalyst.route.targets"]) == (  # type: ignore[arg-type]
        "openai/gpt-4.1-mini",
        "anthropic/claude-haiku-4-5",
    )
    assert [(event.name, dict(event.attributes or {})) for event in node.events] == [
        (
            "catalyst.fallback",
            {
                "catalyst.fallback.from": "openai/gpt-4.1-mini",
                "catalyst.fallback.to": "anthropic/claude-haiku-4-5",
                "error.type": "overloaded",
                "catalyst.fallback.discard": False,
            },
        )
    ]
    claude = only(by_name(spans, "chat claude-haiku-4-5"))
    assert claude.attributes is not None
    assert claude.attributes["gen_ai.provider.name"] == "anthropic"
    assert json.loads(str(claude.attributes["gen_ai.input.messages"])) == [
        {"role": "user", "parts": [{"type": "text", "content": "Route me"}]}
    ]
    assert json.loads(str(claude.attributes["gen_ai.output.messages"])) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "From Claude."}],
            "finish_reason": "stop",
        }
    ]
    gpt = only(by_name(spans, "chat gpt-4.1-mini"))
    assert gpt.attributes is not None and gpt.attributes["error.type"] == "overloaded"


@pytest.mark.asyncio
async def test_without_telemetry_no_traceparent_is_sent(
    vector_environment: dict[str, str], simulator: Any
) -> None:
    simulator.reset()
    await run_stream(
        vector_environment,
        None,
        "chat",
        "Quiet",
        {"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01"},
    )
    requests = simulator.requests()
    assert requests and "traceparent" not in requests[0]["headers"]


@pytest.mark.parametrize(
    ("provider", "node_type", "model"),
    [
        ("anthropic", "anthropicCompletion", "claude-haiku-4-5"),
        ("gemini", "geminiCompletion", "gemini-2.5-flash"),
    ],
)
@pytest.mark.asyncio
async def test_every_provider_adapter_sends_the_traceparent(
    provider: str, node_type: str, model: str, vector_environment: dict[str, str], simulator: Any
) -> None:
    simulator.reset()
    workflow = _workflow(
        "chat", {"type": node_type, "config": {"model": model, "prompt": "{{ input.question }}"}}
    )
    exporter, telemetry = in_memory()
    providers = Providers(environment=vector_environment)
    app = create_app([workflow], providers=providers, environment={}, telemetry=telemetry)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            response = await client.post("/workflows/chat/run", json={"question": "Hi"})
    finally:
        await providers.aclose()
    assert response.status_code == 200, response.text
    attempt = only(by_name(exporter.get_finished_spans(), f"chat {model}"))
    assert attempt.attributes is not None and attempt.attributes["catalyst.provider"] == provider
    sent = [request["headers"].get("traceparent") for request in simulator.requests()]
    assert sent == [f"00-{attempt.context.trace_id:032x}-{attempt.context.span_id:016x}-01"]


def test_tracing_is_requested_only_by_an_endpoint_and_not_when_disabled() -> None:
    assert not tracing_requested({})
    assert create_otlp_telemetry({}) is None
    assert tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert tracing_requested({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/x"})
    assert not tracing_requested(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}
    )


def test_a_traceparent_is_parsed_and_written_back_and_a_malformed_one_ignored() -> None:
    from opentelemetry import trace

    context = context_from_traceparent(f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01", "vendor=x")
    span_context = trace.get_current_span(context).get_span_context()
    assert span_context.is_remote and span_context.trace_flags.sampled
    assert trace_headers(span_context) == {
        "traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01",
        "tracestate": "vendor=x",
    }
    for malformed in (
        None,
        "garbage",
        f"ff-{TRACE_ID}-{CALLER_SPAN_ID}-01",
        f"00-{'0' * 32}-{CALLER_SPAN_ID}-01",
        f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01-extra",
    ):
        current = trace.get_current_span(context_from_traceparent(malformed))
        assert not current.get_span_context().is_valid


def test_a_service_without_an_endpoint_never_imports_the_sdk() -> None:
    # In a fresh interpreter: this test process has imported the SDK already.
    script = (
        "import sys\n"
        "from catalyst_runtime.server.create_app import create_app\n"
        "from catalyst_runtime.providers.create_provider import Providers\n"
        f"create_app([{CHAT!r}], providers=Providers(environment={{}}), environment={{}})\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('opentelemetry.sdk')\n"
        "    or name.startswith('opentelemetry.exporter'))\n"
        "print(loaded)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.stdout.strip() == "[]"


@pytest.mark.asyncio
async def test_an_endpoint_without_the_sdk_logs_once_and_serves_untraced(
    monkeypatch: pytest.MonkeyPatch, vector_environment: dict[str, str]
) -> None:
    # As in a generated project installed without the `otel` extra.
    real_import = importlib.import_module

    def missing(name: str, package: str | None = None) -> Any:
        if name.startswith("opentelemetry."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, package)

    monkeypatch.setattr(telemetry_module.importlib, "import_module", missing)
    lines: list[str] = []

    class Lines:
        def write(self, text: str) -> None:
            lines.append(text)

    providers = Providers(environment=vector_environment)
    app = create_app(
        [CHAT],
        providers=providers,
        environment={"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"},
        logger=ServerLogger(stream=Lines(), level="info", json_lines=True),
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            response = await client.post("/workflows/chat/run", json={"question": "Hi"})
    finally:
        await providers.aclose()
    assert response.status_code == 200
    records = [json.loads(line) for line in lines]
    errors = [record for record in records if record["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["message"].startswith("tracing is off")
    assert "opentelemetry.sdk.trace" in errors[0]["error"]


@pytest.mark.asyncio
async def test_a_gateway_call_is_an_attempt_span_under_the_caller_and_carries_the_trace(
    vector_environment: dict[str, str], simulator: Any
) -> None:
    # POST /v1/chat/completions with model PROVIDER/MODEL is one provider call, no run: its
    # attempt span joins the caller's trace directly, as in TypeScript's gateway.
    simulator.reset()
    exporter, telemetry = in_memory()
    providers = Providers(environment=vector_environment)
    app = create_app([CHAT], providers=providers, environment={}, telemetry=telemetry)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            response = await client.post(
                "/v1/chat/completions",
                json={
                    "model": "openai/gpt-4.1-mini",
                    "messages": [{"role": "user", "content": "Hi"}],
                },
                headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01"},
            )
    finally:
        await providers.aclose()
    assert response.status_code == 200, response.text
    attempt = only(by_name(exporter.get_finished_spans(), "chat gpt-4.1-mini"))
    assert f"{attempt.context.trace_id:032x}" == TRACE_ID
    assert attempt.parent is not None and f"{attempt.parent.span_id:016x}" == CALLER_SPAN_ID
    sent = [request["headers"].get("traceparent") for request in simulator.requests()]  # type: ignore[attr-defined]
    assert sent == [f"00-{TRACE_ID}-{attempt.context.span_id:016x}-01"]
