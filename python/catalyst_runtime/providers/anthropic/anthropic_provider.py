"""Anthropic Messages over the official ``anthropic`` SDK, mirroring Catalyst's TypeScript
Anthropic provider: request body, stream mapping (usage with cache tokens, JSON mode through a
forced tool), errors."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import anthropic
import httpx2

from catalyst_runtime.providers.anthropic.cache_breakpoints import plan_cache_breakpoints
from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.shared.convert_messages import (
    convert_to_anthropic_messages,
    normalize_messages,
)
from catalyst_runtime.providers.shared.provider_error import (
    TRANSPORT_FAILURE,
    ProviderError,
    ProviderErrorKind,
    create_provider_error,
    describe_transport_failure,
    kind_from_status,
    missing_key_error,
    retry_after_from_headers,
)
from catalyst_runtime.providers.shared.stream_state import (
    FinishPart,
    MetadataPart,
    RawPart,
    TextPart,
    ToolCallDeltaPart,
    UsagePart,
)

__all__ = ["AnthropicAdapter", "create_anthropic_body", "map_anthropic_error"]

JSON_TOOL_NAME = "json"
# The one kind of ``cache_control`` Anthropic has: five minutes from the last use.
_EPHEMERAL = {"type": "ephemeral"}
_DEFAULT_MAX_TOKENS_CAP = 4096
_DEFAULT_BASE_URL = "https://api.anthropic.com"

# The SDK announces deprecated models with a DeprecationWarning on every call; the runtime reports
# the same fact (with the replacement) in ``done.warnings``, so the SDK's raw notice is silenced.
warnings.filterwarnings(
    "ignore", message=r"The model '.*' is deprecated", category=DeprecationWarning
)


def _json_tool(response_format: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if response_format is None or response_format["type"] == "text":
        return None
    if response_format["type"] == "json_object":
        return {
            "name": JSON_TOOL_NAME,
            "description": "Respond with a JSON object.",
            "input_schema": {"type": "object"},
        }
    description = response_format.get("description")
    if description is None:
        description = f"Respond with JSON matching the {response_format['name']} schema."
    return {
        "name": JSON_TOOL_NAME,
        "description": description,
        "input_schema": response_format["schema"],
    }


def anthropic_warnings(request: Any) -> list[dict[str, Any]]:
    """``temperature``/``top_p`` (the API version the SDK speaks accepts no sampling parameters)
    and ``seed`` (no Anthropic equivalent) are not sent, nor cache breakpoints below the model's
    minimum or beyond four; each is reported, in the TypeScript order and wording."""
    warnings: list[dict[str, Any]] = []
    for setting, value in (("temperature", request.temperature), ("topP", request.top_p)):
        if value is not None:
            warnings.append(
                {
                    "type": "unsupported-setting",
                    "setting": setting,
                    "message": f'anthropic: "{setting}" is not sent: the Messages API version '
                    "the SDK speaks accepts no sampling parameters",
                }
            )
    if request.seed is not None:
        warnings.append(
            {
                "type": "unsupported-setting",
                "setting": "seed",
                "message": 'anthropic: "seed" is not sent: the Messages API has no seed',
            }
        )
    system, conversation = normalize_messages(request)
    tools = _anthropic_tools(request)
    warnings.extend(plan_cache_breakpoints(request, system, conversation, tools).warnings)
    return warnings


def _anthropic_tools(request: Any) -> list[dict[str, Any]]:
    """The tool definitions as sent: the request's tools, then the JSON-mode tool if any."""
    tools: list[dict[str, Any]] = []
    for tool in request.tools or []:
        entry: dict[str, Any] = {"name": tool["name"]}
        if tool.get("description") is not None:
            entry["description"] = tool["description"]
        entry["input_schema"] = {"type": "object", **tool["parameters"]}
        if tool.get("strict") is not None:
            entry["strict"] = tool["strict"]
        tools.append(entry)
    json_tool = _json_tool(request.response_format)
    if json_tool:
        tools.append({**json_tool, "input_schema": {"type": "object", **json_tool["input_schema"]}})
    return tools


def create_anthropic_body(request: Any, catalog: Any) -> dict[str, Any]:
    """The streaming Messages body, as the TypeScript provider builds it; no sampling parameters;
    ``cache_control`` breakpoints where :func:`plan_cache_breakpoints` puts them (the system prompt
    then goes as one text block)."""
    system, conversation = normalize_messages(request)
    known = catalog.find("anthropic", request.model)
    max_output = known.get("maxOutputTokens") if known else None
    max_tokens = request.max_tokens
    if max_tokens is None:
        limit = max_output if max_output and max_output > 0 else _DEFAULT_MAX_TOKENS_CAP
        max_tokens = min(limit, _DEFAULT_MAX_TOKENS_CAP)
    tools = _anthropic_tools(request)
    cache = plan_cache_breakpoints(request, system, conversation, tools)
    body: dict[str, Any] = {
        "model": request.model,
        "max_tokens": max_tokens,
        "messages": convert_to_anthropic_messages(conversation, cache.messages),
        "stream": True,
    }
    if system is not None:
        body["system"] = (
            [{"type": "text", "text": system, "cache_control": _EPHEMERAL}]
            if cache.system
            else system
        )
    if request.stop:
        body["stop_sequences"] = request.stop
    if cache.tools and tools:
        tools[-1] = {**tools[-1], "cache_control": _EPHEMERAL}
    if tools:
        body["tools"] = tools
    if _json_tool(request.response_format):
        body["tool_choice"] = {
            "type": "tool",
            "name": JSON_TOOL_NAME,
            "disable_parallel_tool_use": True,
        }
    elif tools:
        choice = _tool_choice(request.tool_choice, request.parallel_tool_calls)
        if choice:
            body["tool_choice"] = choice
    return {**body, **(request.provider_options or {})}


def _tool_choice(choice: Any, parallel: bool | None) -> dict[str, Any] | None:
    disable = {"disable_parallel_tool_use": True} if parallel is False else {}
    if choice is None:
        return {"type": "auto", **disable} if parallel is False else None
    if isinstance(choice, dict):
        return {"type": "tool", "name": choice["name"], **disable}
    if choice == "auto":
        return {"type": "auto", **disable}
    if choice == "required":
        return {"type": "any", **disable}
    return {"type": "none"}


def map_stop_reason(stop_reason: str | None, json_mode: bool) -> str:
    """Anthropic's ``stop_reason`` normalised; the forced JSON tool is an ordinary stop."""
    if stop_reason in ("end_turn", "stop_sequence"):
        return "stop"
    if stop_reason in ("max_tokens", "model_context_window_exceeded"):
        return "length"
    if stop_reason == "tool_use":
        return "stop" if json_mode else "tool_calls"
    if stop_reason == "refusal":
        return "refusal"
    return "other"


async def map_anthropic_stream(
    events: AsyncIterator[Mapping[str, Any]], json_mode: bool
) -> AsyncIterator[RawPart]:
    """Raw parts of Anthropic stream events, as the TypeScript provider maps them."""
    tool_index_by_block: dict[int, int] = {}
    json_blocks: set[int] = set()
    totals = {"uncached": 0, "cacheRead": 0, "cacheWrite": 0}
    async for event in events:
        kind = event.get("type")
        if kind == "message_start":
            message = event["message"]
            yield MetadataPart(model=message.get("model"))
            yield UsagePart(_map_usage(message.get("usage") or {}, totals))
        elif kind == "content_block_start":
            block = event["content_block"]
            if block.get("type") != "tool_use":
                continue
            if json_mode and block.get("name") == JSON_TOOL_NAME:
                json_blocks.add(event["index"])
                continue
            tool_index = len(tool_index_by_block)
            tool_index_by_block[event["index"]] = tool_index
            yield ToolCallDeltaPart(
                index=tool_index, arguments_delta="", id=block.get("id"), name=block.get("name")
            )
        elif kind == "content_block_delta":
            delta = event["delta"]
            if delta.get("type") == "text_delta":
                yield TextPart(delta["text"])
            elif delta.get("type") == "input_json_delta":
                if event["index"] in json_blocks:
                    yield TextPart(delta["partial_json"])
                    continue
                known_index = tool_index_by_block.get(event["index"])
                if known_index is not None and delta["partial_json"] != "":
                    yield ToolCallDeltaPart(
                        index=known_index, arguments_delta=delta["partial_json"]
                    )
        elif kind == "message_delta":
            yield UsagePart(_map_usage(event.get("usage") or {}, totals))
            stop_reason = (event.get("delta") or {}).get("stop_reason")
            if stop_reason:
                yield FinishPart(map_stop_reason(stop_reason, json_mode))


def _map_usage(usage: Mapping[str, Any], totals: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"outputTokens": usage.get("output_tokens")}
    names = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    has_input = any(_is_number(usage.get(name)) for name in names)
    if _is_number(usage.get("input_tokens")):
        totals["uncached"] = usage["input_tokens"]
    if _is_number(usage.get("cache_read_input_tokens")):
        totals["cacheRead"] = usage["cache_read_input_tokens"]
    if _is_number(usage.get("cache_creation_input_tokens")):
        totals["cacheWrite"] = usage["cache_creation_input_tokens"]
    if has_input:
        result["inputTokens"] = totals["uncached"] + totals["cacheRead"] + totals["cacheWrite"]
        result["cacheReadTokens"] = totals["cacheRead"]
        result["cacheWriteTokens"] = totals["cacheWrite"]
    thinking = (usage.get("output_tokens_details") or {}).get("thinking_tokens")
    if _is_number(thinking):
        result["reasoningTokens"] = thinking
    return result


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_PROMPT_TOO_LONG = re.compile(r"prompt is too long|too many (input )?tokens|context window", re.I)
_KIND_BY_TYPE: dict[str, ProviderErrorKind] = {
    "authentication_error": "auth",
    "permission_error": "auth",
    "billing_error": "invalid_request",
    "not_found_error": "model_not_found",
    "request_too_large": "context_length",
    "rate_limit_error": "rate_limit",
    "overloaded_error": "overloaded",
    "api_error": "server",
    "timeout_error": "timeout",
}


def map_anthropic_error(
    error: BaseException, *, model: str | None, secrets: list[str | None]
) -> ProviderError:
    """A typed error for whatever the Anthropic SDK raised, as the TypeScript provider maps it."""
    if isinstance(error, ProviderError):
        return error
    common: dict[str, Any] = {"provider": "anthropic", "model": model, "secrets": secrets}
    if isinstance(error, anthropic.APIConnectionError):
        return create_provider_error(
            **common, kind="network", detail=describe_transport_failure(error)
        )
    if isinstance(error, anthropic.APIError):
        body = error.body
        inner = body.get("error") if isinstance(body, dict) else None
        inner = inner if isinstance(inner, dict) else {}
        message = inner.get("message")
        detail = message if isinstance(message, str) else error.message
        status_code: int | None = getattr(error, "status_code", None)
        status = status_code
        if status is not None and status < 400:
            # An `event: error` frame inside a 200 stream: the TypeScript SDK reports no status.
            status = None
        error_type = inner.get("type")
        kind: ProviderErrorKind
        if error_type == "invalid_request_error":
            kind = "context_length" if _PROMPT_TOO_LONG.search(detail) else "invalid_request"
        elif isinstance(error_type, str) and error_type in _KIND_BY_TYPE:
            kind = _KIND_BY_TYPE[error_type]
        else:
            kind = kind_from_status(status if status is not None else 500)
        if kind == "invalid_request" and _PROMPT_TOO_LONG.search(detail):
            kind = "context_length"
        response = getattr(error, "response", None)
        headers = getattr(response, "headers", None)
        request_id = headers.get("request-id") if headers is not None else None
        return create_provider_error(
            **common,
            kind=kind,
            detail=detail,
            status=status,
            retry_after_ms=retry_after_from_headers(headers),
            request_id=request_id or None,
        )
    if isinstance(error, json.JSONDecodeError):
        return create_provider_error(**common, kind="server", detail=TRANSPORT_FAILURE["malformed"])
    return create_provider_error(**common, kind="network", detail=describe_transport_failure(error))


class AnthropicAdapter:
    """Opens Anthropic attempts with one SDK client over the provider's shared pool."""

    def __init__(
        self, settings: ProviderSettings, http_client: httpx2.AsyncClient, catalog: Any
    ) -> None:
        self.settings = settings
        self.secrets: list[str | None] = [settings.api_key]
        self._catalog = catalog
        self._client: anthropic.AsyncAnthropic | None = None
        if settings.api_key:
            options: dict[str, Any] = {}
            if settings.timeout_ms is not None:
                options["timeout"] = settings.timeout_ms / 1000
            self._client = anthropic.AsyncAnthropic(
                api_key=settings.api_key,
                base_url=settings.base_url or _DEFAULT_BASE_URL,
                max_retries=0,
                http_client=http_client,
                default_headers=dict(settings.headers) or None,
                **options,
            )

    def to_provider_error(self, error: BaseException, model: str | None) -> ProviderError:
        return map_anthropic_error(error, model=model, secrets=self.secrets)

    def call_warnings(self, request: Any) -> list[dict[str, Any]]:
        """Settings :func:`create_anthropic_body` does not send (``anthropicWarnings``)."""
        return anthropic_warnings(request)

    async def open(self, request: Any) -> AsyncGenerator[RawPart, None]:
        if self._client is None:
            raise missing_key_error("anthropic", request.model)
        response_format = request.response_format
        json_mode = response_format is not None and response_format.get("type") != "text"
        body = create_anthropic_body(request, self._catalog)
        known = ("model", "max_tokens", "messages", "stream")
        extra = {key: value for key, value in body.items() if key not in known}
        stream = await self._client.messages.create(
            model=body["model"],
            max_tokens=body["max_tokens"],
            messages=body["messages"],
            stream=True,
            extra_body=extra,
            extra_headers=request.headers or None,
        )
        try:
            request_id = stream.response.headers.get("request-id")
            if request_id:
                yield MetadataPart(request_id=request_id)

            async def events() -> AsyncIterator[Mapping[str, Any]]:
                async for event in stream:
                    yield event.to_dict()

            async for part in map_anthropic_stream(events(), json_mode):
                yield part
        finally:
            await stream.close()
