"""Gemini embeddings (``packages/providers/src/gemini/embed-with-gemini.ts``) through the
``google-genai`` SDK."""

from __future__ import annotations

from typing import Any

import httpx
from google import genai
from google.genai import types as genai_types

from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.embeddings.embeddings import EmbedRequest, EmbedResult
from catalyst_runtime.providers.gemini.gemini_provider import map_gemini_error
from catalyst_runtime.providers.shared.provider_error import (
    create_provider_error,
    missing_key_error,
)

__all__ = ["GeminiEmbedder"]


def _js_length(text: str) -> int:
    # String.prototype.length: UTF-16 code units.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class GeminiEmbedder:
    """``client.aio.models.embed_content`` (the SDK sends ``batchEmbedContents``)."""

    name = "gemini"

    def __init__(self, settings: ProviderSettings, http_client: httpx.AsyncClient) -> None:
        self._settings = settings
        self._secrets: list[str | None] = [settings.api_key]
        self._client: Any = None
        if settings.api_key:
            options: dict[str, Any] = {"httpx_async_client": http_client}
            if settings.base_url is not None:
                options["base_url"] = settings.base_url
            if settings.headers:
                options["headers"] = dict(settings.headers)
            if settings.timeout_ms is not None:
                options["timeout"] = int(settings.timeout_ms)
            self._types = genai_types
            self._client = genai.Client(
                api_key=settings.api_key, http_options=genai_types.HttpOptions(**options)
            )

    async def embed(self, request: EmbedRequest) -> EmbedResult:
        if self._client is None:
            raise missing_key_error("gemini", request.model)
        config: dict[str, Any] = {}
        if request.dimensions is not None:
            config["output_dimensionality"] = request.dimensions
        if request.input_type is not None:
            config["task_type"] = (
                "RETRIEVAL_QUERY" if request.input_type == "query" else "RETRIEVAL_DOCUMENT"
            )
        try:
            response = await self._client.aio.models.embed_content(
                model=request.model,
                contents=list(request.input),
                config=self._types.EmbedContentConfig(**config),
            )
        except Exception as error:
            raise map_gemini_error(error, model=request.model, secrets=self._secrets) from error
        vectors = response.embeddings or []
        if len(vectors) != len(request.input):
            raise create_provider_error(
                provider="gemini",
                kind="server",
                model=request.model,
                detail=f"asked for {len(request.input)} embeddings, got {len(vectors)}",
            )
        # Gemini reports no token count for embeddings: about four characters a token, as in TS.
        tokens = sum(-(-_js_length(text) // 4) for text in request.input)
        return EmbedResult(
            provider="gemini",
            model=request.model,
            embeddings=[[float(value) for value in (vector.values or [])] for vector in vectors],
            input_tokens=tokens,
        )
