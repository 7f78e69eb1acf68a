"""One span per provider attempt and per embeddings call, under a node's span: the twin of the
TypeScript ``traced-providers`` module, with the same span names and attributes (OpenTelemetry
GenAI semantic conventions plus ``catalyst.*``)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from catalyst_runtime.engine.node_context import ProviderResolver
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog, empty_usage
from catalyst_runtime.providers.create_provider import ChatRequest, LanguageModelProvider
from catalyst_runtime.providers.embeddings.embeddings import Embedder, EmbedRequest, EmbedResult
from catalyst_runtime.telemetry.telemetry import Telemetry
from catalyst_runtime.telemetry.trace_context import trace_headers

__all__ = ["GEN_AI_PROVIDER_NAMES", "TracedEmbedder", "TracedProvider", "traced_resolvers"]

GEN_AI_PROVIDER_NAMES: Mapping[str, str] = {
    "openai": "openai",
    "azure": "azure.ai.openai",
    "anthropic": "anthropic",
    "gemini": "gcp.gemini",
    "groq": "groq",
    "xai": "x_ai",
    "openai-compatible": "openai",
    "local": "catalyst.local",
    "voyage": "voyage_ai",
}
"""``gen_ai.provider.name`` of each Catalyst provider (OpenTelemetry GenAI semantic conventions)."""


def _milliseconds() -> float:
    return time.time() * 1000


def _input_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """The request's messages in the GenAI conventions' ``gen_ai.input.messages`` form."""
    messages: list[dict[str, Any]] = []
    if request.system is not None:
        messages.append({"role": "system", "parts": [{"type": "text", "content": request.system}]})
    for message in request.messages:
        content = message.get("content")
        text = content if isinstance(content, str) else _json(content)
        messages.append({"role": message["role"], "parts": [{"type": "text", "content": text}]})
    return messages


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class TracedProvider:
    """A provider whose every call is traced: one ``chat MODEL`` span (kind CLIENT) per attempt
    (a retry ends the attempt's span with its error and opens the next), children of ``parent``.
    Every attempt's request carries ``traceparent`` naming the call's first attempt span."""

    def __init__(
        self,
        provider: LanguageModelProvider,
        *,
        telemetry: Telemetry,
        parent: Context,
        now: Callable[[], float] = _milliseconds,
    ) -> None:
        self.name = provider.name
        self._provider = provider
        self._telemetry = telemetry
        self._parent = parent
        self._now = now
        self._provider_name = GEN_AI_PROVIDER_NAMES.get(provider.name, provider.name)

    def _start_attempt(self, request: ChatRequest, attempt: int) -> Span:
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": self._provider_name,
            "gen_ai.request.model": request.model,
            "catalyst.provider": self.name,
            "catalyst.attempt": attempt,
        }
        for key, value in (
            ("gen_ai.request.temperature", request.temperature),
            ("gen_ai.request.max_tokens", request.max_tokens),
            ("gen_ai.request.top_p", request.top_p),
            ("gen_ai.request.seed", request.seed),
        ):
            if value is not None:
                attributes[key] = value
        span = self._telemetry.tracer.start_span(
            f"chat {request.model}",
            context=self._parent,
            kind=SpanKind.CLIENT,
            attributes=attributes,
        )
        if self._telemetry.capture_content:
            span.set_attribute("gen_ai.input.messages", _json(_input_messages(request)))
        return span

    def stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        """The provider's stream of ``request``, each attempt a span."""
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        capture = self._telemetry.capture_content
        attempt = 1
        first_span = self._start_attempt(request, attempt)
        span: Span | None = first_span
        started_at = self._now()
        first_token_at: float | None = None
        text = ""
        # Every attempt of this call names the first attempt's span as the parent.
        headers = {**(request.headers or {}), **trace_headers(first_span.get_span_context())}
        events = self._provider.stream(dataclasses.replace(request, headers=headers))
        try:
            async for event in events:
                kind = event["type"]
                if kind in ("token", "tool-call-delta"):
                    if first_token_at is None:
                        first_token_at = self._now()
                    if kind == "token" and capture:
                        text += event["text"]
                elif kind == "retry" and span is not None:
                    span.set_attribute("error.type", event["error"]["kind"])
                    span.set_status(Status(StatusCode.ERROR, event["error"]["message"]))
                    span.end()
                    attempt += 1
                    span = self._start_attempt(request, attempt)
                    started_at = self._now()
                    first_token_at = None
                    text = ""
                elif kind == "done" and span is not None:
                    self._end_done(span, event, text, first_token_at, started_at)
                    span = None
                elif kind == "error" and span is not None:
                    span.set_attributes(
                        {
                            "error.type": event["error"]["kind"],
                            "gen_ai.usage.input_tokens": event["usage"]["inputTokens"],
                            "gen_ai.usage.output_tokens": event["usage"]["outputTokens"],
                        }
                    )
                    span.set_status(Status(StatusCode.ERROR, event["error"]["message"]))
                    span.end()
                    span = None
                yield event
        finally:
            await events.aclose()  # type: ignore[attr-defined]
            # The consumer stopped early (the run was cancelled).
            if span is not None:
                span.set_attribute("error.type", "aborted")
                span.set_status(Status(StatusCode.ERROR, "the call was cancelled"))
                span.end()

    def _end_done(
        self,
        span: Span,
        event: Mapping[str, Any],
        text: str,
        first_token_at: float | None,
        started_at: float,
    ) -> None:
        usage = event["usage"]
        attributes: dict[str, Any] = {
            "gen_ai.response.model": event["model"],
            "gen_ai.response.finish_reasons": [event["finishReason"]],
            "gen_ai.usage.input_tokens": usage["inputTokens"],
            "gen_ai.usage.output_tokens": usage["outputTokens"],
            "catalyst.usage.cache_read_tokens": usage["cacheReadTokens"],
            "catalyst.usage.cache_write_tokens": usage["cacheWriteTokens"],
            "catalyst.usage.reasoning_tokens": usage["reasoningTokens"],
        }
        if event.get("cost") is not None:
            attributes["catalyst.cost_usd"] = event["cost"]["totalUsd"]
        if event.get("requestId") is not None:
            attributes["gen_ai.response.id"] = event["requestId"]
        if first_token_at is not None:
            attributes["catalyst.time_to_first_token_ms"] = round(first_token_at - started_at)
        span.set_attributes(attributes)
        if self._telemetry.capture_content:
            parts: list[dict[str, Any]] = [{"type": "text", "content": text or event["text"]}]
            for call in event.get("toolCalls") or []:
                arguments = call.get("input", call.get("arguments"))
                parts.append(
                    {
                        "type": "tool_call",
                        "id": call.get("id"),
                        "name": call.get("name"),
                        "arguments": arguments,
                    }
                )
            output = [{"role": "assistant", "parts": parts, "finish_reason": event["finishReason"]}]
            span.set_attribute("gen_ai.output.messages", _json(output))
        span.set_status(Status(StatusCode.OK))
        span.end()


class TracedEmbedder:
    """An embeddings endpoint whose every call is an ``embeddings MODEL`` span (kind CLIENT)."""

    def __init__(self, embedder: Embedder, *, telemetry: Telemetry, parent: Context) -> None:
        self.name = embedder.name
        self._embedder = embedder
        self._telemetry = telemetry
        self._parent = parent

    async def embed(self, request: EmbedRequest) -> EmbedResult:
        """The embedder's answer to ``request``, traced."""
        span = self._telemetry.tracer.start_span(
            f"embeddings {request.model}",
            context=self._parent,
            kind=SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": "embeddings",
                "gen_ai.provider.name": GEN_AI_PROVIDER_NAMES.get(self.name, self.name),
                "gen_ai.request.model": request.model,
                "catalyst.provider": self.name,
                "catalyst.embedding.items": len(request.input),
            },
        )
        try:
            result = await self._embedder.embed(request)
        except BaseException as error:
            span.set_attribute("error.type", str(getattr(error, "kind", "internal")))
            span.set_status(Status(StatusCode.ERROR, str(error)))
            span.end()
            raise
        usage = empty_usage()
        usage["inputTokens"] = result.input_tokens
        usage["totalTokens"] = result.input_tokens
        cost = ModelCatalog.default().cost(result.provider, result.model, usage)
        span.set_attributes(
            {
                "gen_ai.response.model": result.model,
                "gen_ai.usage.input_tokens": result.input_tokens,
                **({"catalyst.cost_usd": cost["totalUsd"]} if cost is not None else {}),
            }
        )
        span.set_status(Status(StatusCode.OK))
        span.end()
        return result


def traced_resolvers(
    *,
    providers: ProviderResolver,
    embedders: Callable[[str], Embedder] | None,
    telemetry: Telemetry,
    parent: Context,
) -> tuple[ProviderResolver, Callable[[str], Embedder] | None]:
    """The providers and embedders one node calls, each call traced under ``parent``."""
    chat_cache: dict[str, LanguageModelProvider] = {}
    embed_cache: dict[str, Embedder] = {}

    def provider(name: str) -> LanguageModelProvider:
        if name not in chat_cache:
            chat_cache[name] = TracedProvider(providers(name), telemetry=telemetry, parent=parent)
        return chat_cache[name]

    def embedder(name: str) -> Embedder:
        assert embedders is not None
        if name not in embed_cache:
            embed_cache[name] = TracedEmbedder(embedders(name), telemetry=telemetry, parent=parent)
        return embed_cache[name]

    return provider, (embedder if embedders is not None else None)
