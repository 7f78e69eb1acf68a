"""Voyage AI embeddings (``packages/providers/src/voyage``) through plain ``httpx``: its PyPI SDK
would bring numpy, pillow, tokenizers and aiohttp into every generated service for one JSON
POST."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.embeddings.embeddings import EmbedRequest, EmbedResult
from catalyst_runtime.providers.shared.provider_error import (
    TRANSPORT_FAILURE,
    ProviderError,
    create_provider_error,
    describe_transport_failure,
    kind_from_status,
    missing_key_error,
    retry_after_from_headers,
)

__all__ = ["VOYAGE_DEFAULT_BASE_URL", "VoyageEmbedder", "map_voyage_error"]

VOYAGE_DEFAULT_BASE_URL = "https://api.voyageai.com/v1"
_VOYAGE_TOO_LARGE = re.compile(r"max allowed tokens|context length", re.IGNORECASE)


def map_voyage_error(
    *, status: int, headers: Any, body_text: str, model: str, secrets: list[str | None]
) -> ProviderError:
    """A non-2xx Voyage answer (``{"detail": "<message>"}``) as a typed error."""
    detail = body_text.strip()
    try:
        parsed = json.loads(body_text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and "detail" in parsed:
        value = parsed["detail"]
        detail = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if len(detail) > 500:
        detail = f"{detail[:500]}…"
    kind = (
        "context_length"
        if status == 400 and _VOYAGE_TOO_LARGE.search(detail)
        else kind_from_status(status)
    )
    return create_provider_error(
        provider="voyage",
        kind=kind,
        status=status,
        model=model,
        secrets=secrets,
        detail=detail or None,
        retry_after_ms=retry_after_from_headers(headers),
    )


class VoyageEmbedder:
    """``POST {base}/embeddings`` with ``Authorization: Bearer $VOYAGE_API_KEY``."""

    name = "voyage"

    def __init__(self, settings: ProviderSettings, http_client: httpx.AsyncClient) -> None:
        self._settings = settings
        self._secrets: list[str | None] = [settings.api_key]
        self._http = http_client
        self._url = (settings.base_url or VOYAGE_DEFAULT_BASE_URL).rstrip("/") + "/embeddings"

    async def embed(self, request: EmbedRequest) -> EmbedResult:
        settings = self._settings
        if not settings.api_key:
            raise missing_key_error("voyage", request.model)
        body: dict[str, Any] = {"model": request.model, "input": request.input}
        if request.input_type is not None:
            body["input_type"] = request.input_type
        if request.dimensions is not None:
            body["output_dimension"] = request.dimensions
        headers = {
            **dict(settings.headers),
            "authorization": f"Bearer {settings.api_key}",
            "content-type": "application/json",
        }
        extra: dict[str, Any] = {}
        if settings.timeout_ms is not None:
            extra["timeout"] = settings.timeout_ms / 1000
        try:
            response = await self._http.post(
                self._url,
                content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers=headers,
                **extra,
            )
        except httpx.TimeoutException as error:
            raise create_provider_error(
                provider="voyage", kind="timeout", model=request.model
            ) from error
        except httpx.HTTPError as error:
            raise create_provider_error(
                provider="voyage",
                kind="network",
                model=request.model,
                secrets=self._secrets,
                detail=describe_transport_failure(error),
            ) from error
        if response.status_code >= 400:
            raise map_voyage_error(
                status=response.status_code,
                headers=response.headers,
                body_text=response.text,
                model=request.model,
                secrets=self._secrets,
            )
        try:
            parsed = response.json()
        except ValueError as error:
            raise create_provider_error(
                provider="voyage",
                kind="server",
                model=request.model,
                detail=TRANSPORT_FAILURE["malformed"],
            ) from error
        data = sorted(parsed.get("data") or [], key=lambda item: item.get("index") or 0)
        if len(data) != len(request.input):
            raise create_provider_error(
                provider="voyage",
                kind="server",
                model=request.model,
                detail=f"asked for {len(request.input)} embeddings, got {len(data)}",
            )
        usage = parsed.get("usage") or {}
        return EmbedResult(
            provider="voyage",
            model=parsed.get("model") or request.model,
            embeddings=[[float(value) for value in item.get("embedding") or []] for item in data],
            input_tokens=int(usage.get("total_tokens") or 0),
        )
