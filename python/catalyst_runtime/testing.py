"""Stand-ins for tests of a service: providers that answer without a network or a key.

:class:`ScriptedProviders` answers every completion with a fixed reply, streamed word by word
through the same provider loop as the real providers (so events, usage and cost are real), and
records every request it got.

Example::

    providers = ScriptedProviders(reply="Paris is the capital.")
    app = create_app([WORKFLOW.to_dict()], providers=providers, environment={})
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.create_provider import ChatRequest, LanguageModelProvider, Providers
from catalyst_runtime.providers.embeddings.embeddings import EmbedRequest, EmbedResult
from catalyst_runtime.providers.shared.provider_error import ProviderError, create_provider_error
from catalyst_runtime.providers.shared.provider_stream import provider_stream
from catalyst_runtime.providers.shared.stream_state import (
    FinishPart,
    MetadataPart,
    RawPart,
    TextPart,
    UsagePart,
)

__all__ = ["ScriptedProviders"]


@dataclass
class _ScriptedProvider:
    name: str
    owner: ScriptedProviders

    def stream(self, request: ChatRequest) -> Any:
        self.owner.requests.append((self.name, request))

        async def open_attempt() -> AsyncGenerator[RawPart, None]:
            yield MetadataPart(model=request.model, request_id="scripted")
            words = self.owner.reply.split(" ")
            for index, word in enumerate(words):
                yield TextPart(word if index == 0 else f" {word}")
            yield UsagePart({"inputTokens": 10, "outputTokens": len(words)})
            yield FinishPart("stop")

        def to_error(error: BaseException) -> ProviderError:
            return create_provider_error(
                provider=self.name, kind="server", detail=str(error), model=request.model
            )

        return provider_stream(
            provider=self.name,
            request=request,
            catalog=self.owner.catalog,
            open_attempt=open_attempt,
            to_provider_error=to_error,
        )


@dataclass
class _ScriptedEmbedder:
    name: str
    owner: ScriptedProviders

    async def embed(self, request: EmbedRequest) -> EmbedResult:
        self.owner.requests.append((self.name, request))
        dimensions = request.dimensions or 8
        return EmbedResult(
            provider=self.name,
            model=request.model,
            embeddings=[_vector(text, dimensions) for text in request.input],
            input_tokens=sum(len(text) // 4 + 1 for text in request.input),
        )


def _vector(text: str, dimensions: int) -> list[float]:
    # Deterministic, unit length, different for different texts.
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    raw = [digest[index % len(digest)] / 255 - 0.5 for index in range(dimensions)]
    norm = math.sqrt(sum(value * value for value in raw)) or 1.0
    return [value / norm for value in raw]


class ScriptedProviders(Providers):
    """Every provider, answering every completion with ``reply`` and every embeddings call with
    deterministic vectors; ``requests`` lists ``(provider, request)`` in arrival order."""

    def __init__(self, *, reply: str = "This is a scripted answer.") -> None:
        super().__init__(environment={})
        self.reply = reply
        self.catalog = ModelCatalog.default()
        self.requests: list[tuple[str, ChatRequest | EmbedRequest]] = []

    def get(self, name: str) -> LanguageModelProvider:
        return _ScriptedProvider(name, self)

    def embedder(self, name: str) -> Any:
        return _ScriptedEmbedder(name, self)

    async def aclose(self) -> None:
        return None
