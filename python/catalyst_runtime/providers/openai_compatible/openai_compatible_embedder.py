"""Embeddings of OpenAI and the vendors that speak its API (Azure OpenAI, OpenAI-compatible and
local servers) through the vendor's SDK client, built as the chat client is."""

from __future__ import annotations

from typing import Any

import httpx

from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.embeddings.embeddings import EmbedRequest, EmbedResult
from catalyst_runtime.providers.openai_compatible.openai_compatible_provider import (
    VENDORS,
    OpenAIFamilyAdapter,
)
from catalyst_runtime.providers.shared.provider_error import ProviderError

__all__ = ["OpenAICompatibleEmbedder", "create_openai_compatible_embedder"]


def create_openai_compatible_embedder(
    name: str, settings: ProviderSettings, http_client: httpx.AsyncClient, catalog: ModelCatalog
) -> OpenAICompatibleEmbedder:
    """The embeddings endpoint of vendor ``name`` (``openai``, ``azure``, ``local``, …)."""
    return OpenAICompatibleEmbedder(
        OpenAIFamilyAdapter(VENDORS[name], settings, http_client, catalog)
    )


class OpenAICompatibleEmbedder:
    """``client.embeddings.create`` of the vendor's SDK client (built like its chat client)."""

    def __init__(self, adapter: OpenAIFamilyAdapter) -> None:
        self.name: str = adapter.vendor.provider
        self._adapter = adapter

    async def embed(self, request: EmbedRequest) -> EmbedResult:
        client = self._adapter._require_client(request.model)
        body: dict[str, Any] = {"model": request.model, "input": request.input}
        if request.dimensions is not None:
            body["dimensions"] = request.dimensions
        if request.encoding_format is not None:
            body["encoding_format"] = request.encoding_format
        try:
            response = await client.embeddings.create(
                **body, extra_headers=self._adapter.request_headers or None
            )
        except ProviderError:
            raise
        except Exception as error:
            raise self._adapter.to_provider_error(error, request.model) from error
        data = sorted(response.data, key=lambda item: item.index)
        usage = getattr(response, "usage", None)
        tokens = getattr(usage, "prompt_tokens", None) if usage is not None else None
        return EmbedResult(
            provider=self.name,
            model=response.model or request.model,
            embeddings=[[float(value) for value in item.embedding] for item in data],
            input_tokens=int(tokens or 0),
        )
