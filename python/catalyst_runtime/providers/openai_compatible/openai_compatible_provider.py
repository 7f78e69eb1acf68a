"""The OpenAI-compatible family (OpenAI, Azure OpenAI, Groq, xAI, any Chat Completions server):
request body, chunk mapping, error mapping.

Mirrors Catalyst's TypeScript OpenAI-compatible provider. Vendors are configuration over one
implementation. Chat Completions is spoken directly over the provider's shared, pooled
``httpx.AsyncClient`` (``chat_completions_wire``: the connection is reused, no pydantic model per
chunk); Azure OpenAI, whose deployments and API versions the ``openai`` SDK knows, and the model
list go through the official SDKs, built with ``max_retries=0`` (``provider_stream`` owns retries).
``transport="sdk"`` sends every vendor through its SDK: the test suite's oracle for the direct path.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import httpx

from catalyst_runtime.javascript.json_text import dumps_text
from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.openai_compatible.chat_completions_wire import (
    ChatCompletionsWire,
    WireStatusError,
    WireStreamError,
    WireTimeoutError,
    WireTransportError,
    read_chunks,
)
from catalyst_runtime.providers.shared.convert_messages import convert_to_openai_messages
from catalyst_runtime.providers.shared.lean_http1_client import ResponseHeaders
from catalyst_runtime.providers.shared.provider_error import (
    TRANSPORT_FAILURE,
    ProviderError,
    ProviderErrorKind,
    create_provider_error,
    describe_transport_failure,
    kind_from_status,
    missing_key_error,
    retry_after_from_headers,
    with_more_detail,
)
from catalyst_runtime.providers.shared.stream_state import (
    FinishPart,
    MetadataPart,
    RawPart,
    TextPart,
    ToolCallDeltaPart,
    UsagePart,
)

__all__ = ["VENDORS", "OpenAIFamilyAdapter", "OpenAIVendor", "build_openai_chat_body"]


@dataclass(frozen=True)
class OpenAIVendor:
    """What makes one OpenAI-compatible vendor different from another."""

    provider: str
    max_tokens_field: str
    include_usage_option: bool
    reasoning_outside_completion: bool
    unsupported_fields: tuple[str, ...]
    api_key_required: bool
    model_list: str
    default_base_url: str | None


VENDORS: dict[str, OpenAIVendor] = {
    "openai": OpenAIVendor(
        "openai", "max_completion_tokens", True, False, (), True, "api", "https://api.openai.com/v1"
    ),
    "azure": OpenAIVendor("azure", "max_completion_tokens", True, False, (), True, "catalog", None),
    "groq": OpenAIVendor(
        "groq",
        "max_completion_tokens",
        False,
        False,
        ("logprobs", "top_logprobs", "logit_bias"),
        True,
        "api",
        "https://api.groq.com",
    ),
    "xai": OpenAIVendor("xai", "max_tokens", True, True, (), True, "api", "https://api.x.ai/v1"),
    "openai-compatible": OpenAIVendor(
        "openai-compatible", "max_tokens", True, False, (), False, "api", None
    ),
    # ``local`` in Python: the local model served over Chat Completions (CATALYST_LOCAL_BASE_URL).
    "local": OpenAIVendor("local", "max_tokens", True, False, (), False, "api", None),
}


class _IncompleteStreamError(Exception):
    def __init__(self) -> None:
        super().__init__("the stream ended before the reply was complete")


def build_openai_chat_body(request: Any, vendor: OpenAIVendor) -> dict[str, Any]:
    """The streaming Chat Completions body for ``request``, as the TypeScript provider builds it."""
    provider = vendor.provider
    body: dict[str, Any] = {
        "model": request.model,
        "messages": convert_to_openai_messages(provider, request),
        "stream": True,
    }
    if vendor.include_usage_option:
        body["stream_options"] = {"include_usage": True}
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.max_tokens is not None:
        body[vendor.max_tokens_field] = request.max_tokens
    if request.stop:
        body["stop"] = request.stop
    if request.seed is not None:
        body["seed"] = request.seed
    tools = request.tools or []
    if tools:
        body["tools"] = [_tool(tool) for tool in tools]
        if request.tool_choice is not None:
            choice = request.tool_choice
            body["tool_choice"] = (
                choice
                if isinstance(choice, str)
                else {"type": "function", "function": {"name": choice["name"]}}
            )
        if request.parallel_tool_calls is not None:
            body["parallel_tool_calls"] = request.parallel_tool_calls
    response_format = _response_format(request.response_format)
    if response_format is not None:
        body["response_format"] = response_format
    passthrough: Mapping[str, Any] = request.provider_options or {}
    refused = [name for name in vendor.unsupported_fields if name in passthrough]
    if refused:
        names = ", ".join(f'"{name}"' for name in refused)
        raise create_provider_error(
            provider=provider,
            kind="invalid_request",
            model=request.model,
            detail=f"{names} is not supported by this provider; remove it from providerOptions",
        )
    choices = passthrough.get("n")
    if "n" in passthrough and choices != 1:
        raise create_provider_error(
            provider=provider,
            kind="invalid_request",
            model=request.model,
            detail=f'"n": {dumps_text(choices)} asks for several choices, but a Catalyst call '
            "returns one; make several calls instead",
        )
    return {**body, **passthrough, "stream": True}


def _tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool["name"], "parameters": tool["parameters"]}
    if tool.get("description") is not None:
        function["description"] = tool["description"]
    if tool.get("strict") is not None:
        function["strict"] = tool["strict"]
    return {"type": "function", "function": function}


def _response_format(format_: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if format_ is None or format_["type"] == "text":
        return None
    if format_["type"] == "json_object":
        return {"type": "json_object"}
    schema: dict[str, Any] = {"name": format_["name"], "schema": format_["schema"]}
    if format_.get("description") is not None:
        schema["description"] = format_["description"]
    if format_.get("strict") is not None:
        schema["strict"] = format_["strict"]
    return {"type": "json_schema", "json_schema": schema}


_FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


def map_openai_finish_reason(reason: str | None) -> str | None:
    """Catalyst's finish reason; None while the reply goes on; unknown values become ``other``."""
    if reason is None or reason == "":
        return None
    return _FINISH_REASONS.get(reason, "other")


def map_openai_usage(
    usage: Mapping[str, Any], reasoning_outside_completion: bool
) -> dict[str, int]:
    """Only the fields the provider sent, as the TypeScript provider maps usage."""
    result: dict[str, Any] = {}
    reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens")
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens")
    if _is_number(usage.get("prompt_tokens")):
        result["inputTokens"] = usage["prompt_tokens"]
    if _is_number(usage.get("completion_tokens")):
        extra = (reasoning or 0) if reasoning_outside_completion else 0
        result["outputTokens"] = usage["completion_tokens"] + extra
    if _is_number(usage.get("total_tokens")):
        result["totalTokens"] = usage["total_tokens"]
    if _is_number(cached):
        result["cacheReadTokens"] = cached
    if _is_number(reasoning):
        result["reasoningTokens"] = reasoning
    return result


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def map_openai_chunk(chunk: Mapping[str, Any], vendor: OpenAIVendor) -> list[RawPart]:
    """Raw parts of one ``chat.completion.chunk``, as the TypeScript provider maps it."""
    parts: list[RawPart] = []
    for choice in chunk.get("choices") or []:
        if (choice.get("index") or 0) != 0:
            continue
        delta = choice.get("delta") or {}
        if delta.get("content"):
            parts.append(TextPart(delta["content"]))
        for call in delta.get("tool_calls") or []:
            function = call.get("function") or {}
            parts.append(
                ToolCallDeltaPart(
                    index=call["index"],
                    arguments_delta=function.get("arguments") or "",
                    id=call.get("id") or None,
                    name=function.get("name") or None,
                )
            )
        legacy = delta.get("function_call")
        if legacy:
            parts.append(
                ToolCallDeltaPart(
                    index=0,
                    arguments_delta=legacy.get("arguments") or "",
                    name=legacy.get("name") or None,
                )
            )
        finish = map_openai_finish_reason(choice.get("finish_reason"))
        if finish:
            parts.append(FinishPart(finish))
    usage = chunk.get("usage") or (chunk.get("x_groq") or {}).get("usage")
    if usage:
        parts.append(UsagePart(map_openai_usage(usage, vendor.reasoning_outside_completion)))
    return parts


# --- errors ---------------------------------------------------------------------------------

_CONTEXT_LENGTH = re.compile(
    r"maximum context length|context length|context window|too many tokens|prompt is too long",
    re.IGNORECASE,
)
_BAD_KEY = re.compile(
    r"(incorrect|invalid|missing|wrong)[^.]*api key|api key[^.]*(invalid|incorrect)", re.IGNORECASE
)


def _sdk(provider: str) -> ModuleType:
    """The official SDK a vendor is spoken to with: ``groq`` for Groq, ``openai`` for the rest.

    Imported on first use, so a generated service needs only the SDKs of the providers it calls.
    """
    return importlib.import_module("groq" if provider == "groq" else "openai")


def map_openai_error(
    error: BaseException, *, provider: str, secrets: list[str | None], model: str | None
) -> ProviderError:
    """A typed error for whatever an OpenAI-family SDK call raised, as TypeScript maps it."""
    if isinstance(error, ProviderError):
        return error
    base: dict[str, Any] = {"provider": provider, "secrets": secrets, "model": model}
    # The direct path's errors carry the facts of the SDK exceptions they stand for.
    if isinstance(error, WireTimeoutError):
        return create_provider_error(**base, kind="timeout", detail="the HTTP request timed out")
    if isinstance(error, WireTransportError):
        return create_provider_error(
            **base, kind="network", detail=describe_transport_failure(error)
        )
    if isinstance(error, (WireStatusError, WireStreamError)):
        return _map_api_error(error, base)
    if isinstance(error, json.JSONDecodeError):
        return create_provider_error(**base, kind="server", detail=TRANSPORT_FAILURE["malformed"])
    if isinstance(error, _IncompleteStreamError):
        return create_provider_error(**base, kind="network", detail=str(error))
    try:
        sdk = _sdk(provider)
    except ImportError:
        return create_provider_error(
            **base, kind="network", detail=describe_transport_failure(error)
        )
    if isinstance(error, sdk.APITimeoutError):
        return create_provider_error(**base, kind="timeout", detail="the HTTP request timed out")
    if isinstance(error, sdk.APIConnectionError):
        return create_provider_error(
            **base, kind="network", detail=describe_transport_failure(error)
        )
    if isinstance(error, sdk.APIError):
        return _map_api_error(error, base)
    if isinstance(error, json.JSONDecodeError):
        return create_provider_error(**base, kind="server", detail=TRANSPORT_FAILURE["malformed"])
    if isinstance(error, _IncompleteStreamError):
        return create_provider_error(**base, kind="network", detail=str(error))
    return create_provider_error(**base, kind="network", detail=describe_transport_failure(error))


def _map_api_error(error: Any, base: dict[str, Any]) -> ProviderError:
    body = _error_body(error.body)
    status: int | None = getattr(error, "status_code", None)
    response: httpx.Response | None = getattr(error, "response", None)
    headers = response.headers if isinstance(response, httpx.Response) else None
    detail = body.get("message") or error.message
    code = body.get("code") or ""
    type_ = body.get("type") or ""
    request_id = headers.get("x-request-id") if headers is not None else None
    retry_after_ms = retry_after_from_headers(headers)
    facts: dict[str, Any] = {
        **base,
        "detail": detail,
        "status": status,
        "request_id": request_id or None,
        "retry_after_ms": retry_after_ms,
    }
    if code == "insufficient_quota" or type_ == "insufficient_quota":
        return create_provider_error(**facts, kind="rate_limit", retryable=False)
    kind = _kind_of(status, code, type_, detail, body)
    return create_provider_error(**facts, kind=kind)


def _error_body(payload: object) -> dict[str, str]:
    inner = payload["error"] if isinstance(payload, dict) and "error" in payload else payload
    if isinstance(inner, str):
        code = _string_of(payload.get("code")) if isinstance(payload, dict) else None
        return {"message": inner, **({"code": code} if code is not None else {})}
    if not isinstance(inner, dict):
        return {}
    result: dict[str, str] = {}
    for name in ("message", "code", "type"):
        value = _string_of(inner.get(name))
        if value is not None:
            result[name] = value
    innererror = inner.get("innererror")
    if isinstance(innererror, dict):
        inner_code = _string_of(innererror.get("code"))
        if inner_code is not None:
            result["innerCode"] = inner_code
    return result


def _string_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if isinstance(value, int) else format_double(value)
    return None


def _kind_of(
    status: int | None, code: str, type_: str, detail: str, body: Mapping[str, str]
) -> ProviderErrorKind:
    if code == "context_length_exceeded" or (status == 400 and _CONTEXT_LENGTH.search(detail)):
        return "context_length"
    if code in ("model_not_found", "DeploymentNotFound", "model_decommissioned"):
        return "model_not_found"
    if code == "invalid_api_key" or status in (401, 403):
        return "auth"
    if status == 400 and _BAD_KEY.search(detail):
        return "auth"
    if code == "content_filter" or body.get("innerCode") == "ResponsibleAIPolicyViolation":
        return "content_filter"
    if status == 498 or code == "capacity_exceeded":
        return "overloaded"
    if status is not None:
        return kind_from_status(status)
    if code == "rate_limit_exceeded" or type_ in ("tokens", "requests"):
        return "rate_limit"
    if code == "overloaded" or type_ == "overloaded_error":
        return "overloaded"
    if type_ == "invalid_request_error":
        return "invalid_request"
    return "server"


# --- the adapter ----------------------------------------------------------------------------


class OpenAIFamilyAdapter:
    """Opens attempts for one vendor; the wire client (or SDK client) is built on first use.

    ``transport`` ``"sdk"`` streams through the official SDK instead of the direct wire path
    (Azure OpenAI always does); ``"httpx"`` speaks the wire protocol but always through httpx,
    never the lean HTTP/1.1 client (``lean_http1_client``) that ``"wire"`` uses when httpx would
    send straight to the origin. The tests compare all three.
    """

    def __init__(
        self,
        vendor: OpenAIVendor,
        settings: ProviderSettings,
        http_client: httpx.AsyncClient,
        catalog: Any,
        transport: Literal["wire", "httpx", "sdk"] = "wire",
    ) -> None:
        self.vendor = vendor
        self.settings = settings
        self.secrets: list[str | None] = [settings.api_key]
        self._http_client = http_client
        self._catalog = catalog
        self._use_sdk = transport == "sdk" or vendor.provider == "azure"
        self._wire: ChatCompletionsWire | None = None
        self._lean = transport == "wire"
        # An openai.AsyncOpenAI / AsyncAzureOpenAI or a groq.AsyncGroq.
        self._client: Any = None
        # Headers of every call: `Authorization` omitted when the server needs no key.
        self.request_headers: dict[str, Any] = {}

    def _require_client(self, model: str | None) -> Any:
        if self._client is not None:
            return self._client
        vendor, settings = self.vendor, self.settings
        provider = vendor.provider
        if vendor.api_key_required and not settings.api_key:
            raise missing_key_error(provider, model)
        common: dict[str, Any] = {"max_retries": 0, "http_client": self._http_client}
        headers: dict[str, Any] = dict(settings.headers)
        if settings.timeout_ms is not None:
            common["timeout"] = settings.timeout_ms / 1000
        sdk = _sdk(provider)
        if provider == "groq":
            self._client = sdk.AsyncGroq(
                api_key=settings.api_key,
                base_url=settings.base_url or vendor.default_base_url,
                default_headers=headers or None,
                **common,
            )
            return self._client
        base_url = settings.base_url or vendor.default_base_url
        if provider == "azure":
            if not settings.base_url:
                raise self._config_error(
                    model,
                    "no endpoint is configured (set AZURE_OPENAI_ENDPOINT to "
                    "https://NAME.openai.azure.com, or pass baseUrl)",
                )
            endpoint = settings.base_url.rstrip("/")
            if settings.api_version:
                self._client = sdk.AsyncAzureOpenAI(
                    api_key=settings.api_key,
                    api_version=settings.api_version,
                    base_url=f"{endpoint}/openai",
                    default_headers=headers or None,
                    **common,
                )
                return self._client
            base_url = f"{endpoint}/openai/v1"
        self._check_base_url(model)
        api_key = settings.api_key
        if not api_key:
            # The SDK insists on a key; the omitted header keeps the placeholder off the wire.
            # openai-python only accepts the omission per request (extra_headers), not in
            # default_headers: without it every call raised "Could not resolve authentication
            # method", reported as a network error.
            api_key = "no-key"
            headers["Authorization"] = sdk.Omit()
            self.request_headers = {"Authorization": sdk.Omit()}
        self._client = sdk.AsyncOpenAI(
            api_key=api_key, base_url=base_url, default_headers=headers or None, **common
        )
        return self._client

    def _require_wire(self, model: str | None) -> ChatCompletionsWire:
        # The same checks, base URLs and headers as the SDK clients of _require_client.
        if self._wire is not None:
            return self._wire
        vendor, settings = self.vendor, self.settings
        provider = vendor.provider
        if vendor.api_key_required and not settings.api_key:
            raise missing_key_error(provider, model)
        self._check_base_url(model)
        base_url = settings.base_url or vendor.default_base_url or ""
        if provider == "groq":
            # The groq SDK's base URL is the host; its Chat Completions path is /openai/v1/…
            base_url = f"{base_url.rstrip('/')}/openai/v1"
        self._wire = ChatCompletionsWire(
            client=self._http_client,
            base_url=base_url,
            api_key=settings.api_key or None,
            headers=dict(settings.headers),
            timeout_seconds=None if settings.timeout_ms is None else settings.timeout_ms / 1000,
            user_agent="catalyst-runtime/python",
            lean=self._lean,
        )
        return self._wire

    def _check_base_url(self, model: str | None) -> None:
        provider, settings = self.vendor.provider, self.settings
        if provider == "openai-compatible" and not settings.base_url:
            raise self._config_error(
                model,
                "no base URL is configured (set OPENAI_COMPATIBLE_BASE_URL, e.g. "
                "http://localhost:11434/v1, or pass baseUrl)",
            )
        if provider == "local" and not settings.base_url:
            raise self._config_error(
                model,
                "generated Python services do not embed a model: serve one over Chat Completions "
                "(`catalyst local serve`, llama.cpp or Ollama) and set CATALYST_LOCAL_BASE_URL, "
                "e.g. http://127.0.0.1:8080/v1",
            )

    def _config_error(self, model: str | None, detail: str) -> ProviderError:
        return create_provider_error(
            provider=self.vendor.provider, kind="invalid_request", detail=detail, model=model
        )

    def to_provider_error(self, error: BaseException, model: str | None) -> ProviderError:
        return map_openai_error(
            error, provider=self.vendor.provider, secrets=self.secrets, model=model
        )

    def open(self, request: Any) -> AsyncGenerator[RawPart, None]:
        """One attempt: raw parts; closing the generator closes the HTTP response."""
        if self._use_sdk:
            return self._open_with_sdk(request)
        return self._open_wire(request)

    async def _open_wire(self, request: Any) -> AsyncGenerator[RawPart, None]:
        wire = self._require_wire(request.model)
        body = build_openai_chat_body(request, self.vendor)
        try:
            response = await wire.open(body, request.headers)
        except Exception as error:
            replacement = await self._with_server_models(error, request.model)
            if replacement is error:
                raise
            raise replacement from error
        chunks = read_chunks(response, groq_events=self.vendor.provider == "groq")
        try:
            async for part in self._parts(request, response.headers, chunks):
                yield part
        finally:
            await chunks.aclose()

    async def _open_with_sdk(self, request: Any) -> AsyncGenerator[RawPart, None]:
        client = self._require_client(request.model)
        body = build_openai_chat_body(request, self.vendor)
        known = ("model", "messages", "stream")
        extra = {key: value for key, value in body.items() if key not in known}
        try:
            stream = await client.chat.completions.create(
                model=body["model"],
                messages=body["messages"],
                stream=True,
                extra_body=extra,
                extra_headers={**self.request_headers, **(request.headers or {})} or None,
            )
        except Exception as error:
            replacement = await self._with_server_models(error, request.model)
            if replacement is error:
                raise
            raise replacement from error

        async def chunks() -> AsyncGenerator[dict[str, Any], None]:
            async for chunk_model in stream:
                yield chunk_model.to_dict()

        try:
            async for part in self._parts(request, stream.response.headers, chunks()):
                yield part
        finally:
            await stream.close()

    async def _parts(
        self,
        request: Any,
        headers: httpx.Headers | ResponseHeaders,
        chunks: AsyncGenerator[dict[str, Any], None],
    ) -> AsyncGenerator[RawPart, None]:
        request_id = headers.get("x-request-id")
        if request_id:
            yield MetadataPart(request_id=request_id)
        model: str | None = None
        finished = False
        async for chunk in chunks:
            chunk_id = chunk.get("model")
            if chunk_id and chunk_id != model:
                model = chunk_id
                yield MetadataPart(model=model)
            x_groq = chunk.get("x_groq") or {}
            if not request_id and x_groq.get("id"):
                request_id = x_groq["id"]
                yield MetadataPart(request_id=request_id)
            for part in map_openai_chunk(chunk, self.vendor):
                if isinstance(part, FinishPart):
                    finished = True
                yield part
            if x_groq.get("error"):
                raise create_provider_error(
                    provider=self.vendor.provider,
                    kind="server",
                    model=request.model,
                    detail=f"the stream stopped early: {x_groq['error']}",
                    secrets=self.secrets,
                )
        if not finished:
            raise _IncompleteStreamError()

    async def _with_server_models(self, error: BaseException, model: str) -> BaseException:
        mapped = self.to_provider_error(error, model)
        if mapped.kind != "model_not_found":
            return error
        if self.vendor.model_list == "catalog":
            return with_more_detail(
                mapped, "The model must be the name of a deployment in your resource.", self.secrets
            )
        if self._catalog.list(self.vendor.provider):
            return error
        try:
            if self._use_sdk:
                page = await self._require_client(model).models.list(
                    extra_headers=self.request_headers or None
                )
                ids = [item.id for item in page.data]
            else:
                ids = await self._require_wire(model).list_models()
        except Exception:  # noqa: BLE001 - the list is a courtesy; the original error matters
            return error
        if not ids:
            return error
        return with_more_detail(mapped, f"Available models: {', '.join(ids)}.", self.secrets)
