"""The embeddings endpoint of each provider (``embed()`` of the TypeScript adapters): OpenAI,
Azure OpenAI, OpenAI-compatible and local servers through the ``openai`` SDK, Gemini through
``google-genai``, and Voyage AI (:mod:`catalyst_runtime.providers.voyage`)."""

from __future__ import annotations

import importlib
from typing import Any

import httpx

from catalyst_runtime.providers.config.provider_environment import ProviderSettings
from catalyst_runtime.providers.voyage.voyage_embedder import VoyageEmbedder

__all__ = [
    "GEMINI_EMBEDDER_MODULE",
    "GEMINI_MODULE",
    "OPENAI_COMPATIBLE_EMBEDDER_MODULE",
    "OPENAI_COMPATIBLE_MODULE",
    "create_embedder",
]

# Adapters imported on first use, by name: each imports its provider's SDK, which a service
# whose workflow never calls that provider does not carry.
GEMINI_MODULE = "catalyst_runtime.providers.gemini.gemini_provider"
GEMINI_EMBEDDER_MODULE = "catalyst_runtime.providers.gemini.embed_with_gemini"
OPENAI_COMPATIBLE_MODULE = "catalyst_runtime.providers.openai_compatible.openai_compatible_provider"
OPENAI_COMPATIBLE_EMBEDDER_MODULE = (
    "catalyst_runtime.providers.openai_compatible.openai_compatible_embedder"
)


def create_embedder(
    name: str, settings: ProviderSettings, http_client: httpx.AsyncClient, catalog: Any
) -> Any:
    """The embeddings endpoint of provider ``name``."""
    if name == "voyage":
        return VoyageEmbedder(settings, http_client)
    if name == "gemini":
        gemini: Any = importlib.import_module(GEMINI_EMBEDDER_MODULE)
        return gemini.GeminiEmbedder(settings, http_client)
    if name in ("openai", "azure", "openai-compatible", "local"):
        family: Any = importlib.import_module(OPENAI_COMPATIBLE_EMBEDDER_MODULE)
        return family.create_openai_compatible_embedder(name, settings, http_client, catalog)
    raise ValueError(f"the {name!r} provider has no embeddings endpoint")
