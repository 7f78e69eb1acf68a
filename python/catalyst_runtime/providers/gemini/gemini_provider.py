"""Google Gemini over the official ``google-genai`` SDK, mirroring Catalyst's TypeScript Gemini
provider: request, stream mapping (usage with thinking tokens, whole function calls), errors."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from catalyst_runtime.javascript import json_text
from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.shared.convert_messages import (
    convert_to_gemini_contents,
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

__all__ = ["GeminiAdapter", "create_gemini_request", "map_gemini_error"]


def create_gemini_request(request: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``contents`` and ``config`` (camelCase, as on the wire) for ``request``."""
    system, conversation = normalize_messages(request)
    config: dict[str, Any] = {}
    if system is not None:
        config["systemInstruction"] = system
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.top_p is not None:
        config["topP"] = request.top_p
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    if request.stop:
        config["stopSequences"] = request.stop
    if request.seed is not None:
        config["seed"] = request.seed
    if request.tools:
        declarations = []
        for tool in request.tools:
            declaration: dict[str, Any] = {"name": tool["name"]}
            if tool.get("description") is not None:
                declaration["description"] = tool["description"]
            declaration["parametersJsonSchema"] = tool["parameters"]
            declarations.append(declaration)
        config["tools"] = [{"functionDeclarations": declarations}]
        tool_config = _tool_config(request.tool_choice)
        if tool_config:
            config["toolConfig"] = tool_config
    response_format = request.response_format
    if response_format is not None and response_format["type"] != "text":
        config["responseMimeType"] = "application/json"
        if response_format["type"] == "json_schema":
            config["responseJsonSchema"] = response_format["schema"]
    config.update(request.provider_options or {})
    return convert_to_gemini_contents(conversation), config


def _tool_config(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if isinstance(choice, dict):
        return {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [choice["name"]]}}
    mode = {"auto": "AUTO", "none": "NONE", "required": "ANY"}[choice]
    return {"functionCallingConfig": {"mode": mode}}


_CONTENT_FILTER = {
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT",
}


def map_gemini_finish_reason(finish_reason: str | None, called_function: bool) -> str:
    """Gemini's ``finishReason`` normalised; STOP after a function call is ``tool_calls``."""
    if finish_reason == "STOP":
        return "tool_calls" if called_function else "stop"
    if finish_reason == "MAX_TOKENS":
        return "length"
    if finish_reason in _CONTENT_FILTER:
        return "content_filter"
    return "other"


async def map_gemini_stream(
    chunks: AsyncIterator[Mapping[str, Any]], model: str
) -> AsyncIterator[RawPart]:
    """Raw parts of Gemini chunks, as the TypeScript provider maps them; chunks are camelCase
    dicts."""
    tool_calls = 0
    finish_reason: str | None = None
    async for chunk in chunks:
        if "modelVersion" in chunk or "responseId" in chunk:
            yield MetadataPart(model=chunk.get("modelVersion"), request_id=chunk.get("responseId"))
        if chunk.get("usageMetadata"):
            yield UsagePart(_map_usage(chunk["usageMetadata"]))
        feedback = chunk.get("promptFeedback") or {}
        block_reason = feedback.get("blockReason")
        candidates = chunk.get("candidates") or []
        if block_reason is not None and not candidates:
            message = feedback.get("blockReasonMessage")
            raise create_provider_error(
                provider="gemini",
                kind="content_filter",
                model=model,
                detail=f"the prompt was blocked ({block_reason})"
                + (f": {message}" if message else ""),
            )
        candidate = candidates[0] if candidates else {}
        for part in (candidate.get("content") or {}).get("parts") or []:
            if part.get("thought") is True:
                continue
            if part.get("text") is not None and part["text"] != "":
                yield TextPart(part["text"])
            call = part.get("functionCall")
            if call:
                index = tool_calls
                tool_calls += 1
                call_id = call.get("id")
                yield ToolCallDeltaPart(
                    index=index,
                    id=call_id if call_id is not None else f"call_{index}",
                    name=call.get("name") or "",
                    arguments_delta=json_text.dumps_text(
                        call["args"] if call.get("args") is not None else {}
                    ),
                )
        if candidate.get("finishReason") is not None:
            finish_reason = candidate["finishReason"]
    if finish_reason is not None:
        yield FinishPart(map_gemini_finish_reason(finish_reason, tool_calls > 0))


def _map_usage(metadata: Mapping[str, Any]) -> dict[str, int]:
    thoughts = metadata.get("thoughtsTokenCount") or 0
    usage = {
        "inputTokens": (metadata.get("promptTokenCount") or 0)
        + (metadata.get("toolUsePromptTokenCount") or 0),
        "outputTokens": (metadata.get("candidatesTokenCount") or 0) + thoughts,
        "reasoningTokens": thoughts,
    }
    if metadata.get("cachedContentTokenCount") is not None:
        usage["cacheReadTokens"] = metadata["cachedContentTokenCount"]
    return usage


_BAD_KEY = re.compile(r"API key not valid|API_KEY_INVALID", re.I)
_TOO_LONG = re.compile(
    r"exceeds the maximum number of tokens|input token count .*exceeds|too long", re.I
)
# google-genai's words for a cut or garbled stream chunk, across its versions (1.x raises
# UnknownApiResponseError "Failed to parse response as JSON", caused by a JSONDecodeError).
_MALFORMED = re.compile(
    r"exception parsing stream chunk|Incomplete JSON segment|Failed to parse response as JSON",
    re.I,
)
_RETRY_DELAY = re.compile(r"^(\d+(?:\.\d+)?)s\Z")


def map_gemini_error(
    error: BaseException, *, model: str | None, secrets: list[str | None]
) -> ProviderError:
    """A typed error for whatever google-genai raised, as the TypeScript provider maps it."""
    if isinstance(error, ProviderError):
        return error
    common: dict[str, Any] = {"provider": "gemini", "model": model, "secrets": secrets}
    if isinstance(error, genai_errors.APIError):
        details = error.details
        if isinstance(details, dict) and isinstance(details.get("error"), dict):
            body: dict[str, Any] = details["error"]
        else:
            body = {}
        message = body.get("message")
        detail = message if isinstance(message, str) else str(error)
        status = error.code
        reasons = " ".join(
            str(entry.get("reason") or "")
            for entry in body.get("details") or []
            if isinstance(entry, dict)
        )
        kind: ProviderErrorKind = kind_from_status(status)
        if _BAD_KEY.search(f"{reasons} {detail}"):
            kind = "auth"
        elif kind == "invalid_request" and _TOO_LONG.search(detail):
            kind = "context_length"
        retry_after_ms = _retry_delay_from_details(body)
        if retry_after_ms is None:
            response = error.response
            headers = response.headers if isinstance(response, httpx.Response) else None
            retry_after_ms = retry_after_from_headers(headers)
        return create_provider_error(
            **common, kind=kind, detail=detail, status=status, retry_after_ms=retry_after_ms
        )
    message_text = str(error)
    if isinstance(error, ValueError) and (
        _MALFORMED.search(message_text)
        or type(error).__name__ == "JSONDecodeError"
        or type(error.__cause__).__name__ == "JSONDecodeError"
    ):
        return create_provider_error(**common, kind="server", detail=TRANSPORT_FAILURE["malformed"])
    return create_provider_error(**common, kind="network", detail=describe_transport_failure(error))


def _retry_delay_from_details(body: Mapping[str, Any]) -> float | None:
    for entry in body.get("details") or []:
        if not isinstance(entry, dict):
            continue
        match = _RETRY_DELAY.match(str(entry.get("retryDelay") or ""))
        if match:
            return float(int(float(match.group(1)) * 1000 + 0.5))
    return None


class GeminiAdapter:
    """Opens Gemini attempts with one ``genai.Client`` over the provider's shared pool."""

    def __init__(self, settings: ProviderSettings, http_client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.secrets: list[str | None] = [settings.api_key]
        self._client: genai.Client | None = None
        if settings.api_key:
            options: dict[str, Any] = {"httpx_async_client": http_client}
            if settings.base_url is not None:
                options["base_url"] = settings.base_url
            if settings.headers:
                options["headers"] = dict(settings.headers)
            if settings.timeout_ms is not None:
                options["timeout"] = int(settings.timeout_ms)
            # No retry_options: the SDK then makes one attempt, and provider_stream owns retries.
            self._client = genai.Client(
                api_key=settings.api_key, http_options=genai_types.HttpOptions(**options)
            )

    def to_provider_error(self, error: BaseException, model: str | None) -> ProviderError:
        return map_gemini_error(error, model=model, secrets=self.secrets)

    async def open(self, request: Any) -> AsyncGenerator[RawPart, None]:
        if self._client is None:
            raise missing_key_error("gemini", request.model)
        contents, config = create_gemini_request(request)
        if request.headers:
            # Merged by the SDK over the client's own headers, for this request only.
            config["httpOptions"] = {"headers": dict(request.headers)}
        chunks = await self._client.aio.models.generate_content_stream(
            model=request.model,
            contents=contents,
            config=config,  # type: ignore[arg-type]
        )

        async def as_dicts() -> AsyncIterator[Mapping[str, Any]]:
            async for chunk in chunks:
                yield chunk.model_dump(mode="json", by_alias=True, exclude_none=True)

        try:
            async for part in map_gemini_stream(as_dicts(), request.model):
                yield part
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
