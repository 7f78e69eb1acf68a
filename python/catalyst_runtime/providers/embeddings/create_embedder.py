"""The embeddings endpoint of each provider (``embed()`` of the TypeScript adapters): OpenAI,
Azure OpenAI, OpenAI-compatible and local servers through the ``openai`` SDK, Gemini through
``google-genai``, and Voyage AI through plain ``httpx`` (its PyPI SDK would bring numpy, pillow,
tokenizers and aiohttp into every generated service for one JSON POST)."""

from __future__ import annotations

import importlib
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

__all__ = ["VOYAGE_DEFAULT_BASE_URL", "create_embedder", "map_voyage_error"]

VOYAGE_DEFAULT_BASE_URL = "https://api.voyageai.com/v1"

# Adapters imported on first use, by name: each imports its provider's SDK, which a service
# whose workflow never calls that provider does not carry.
GEMINI_MODULE = "catalyst_runtime.providers.gemini.gemini_provider"
OPENAI_COMPATIBLE_MODULE = "catalyst_runtime.providers.openai_compatible.openai_compatible_provider"
_VOYAGE_TOO_LARGE = re.compile(r"max allowed tokens|context length", re.IGNORECASE)


def _js_length(text: str) -> int:
    # String.prototype.length: UTF-16 code units.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _OpenAIFamilyEmbedder:
    """``client.embeddings.create`` of the vendor's SDK client (built like its chat client)."""

    def __init__(self, adapter: Any) -> None:
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
            response = await client.embeddings.create(**body)
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


class _GeminiEmbedder:
    """``client.aio.models.embed_content`` (the SDK sends ``batchEmbedContents``)."""

    name = "gemini"

    def __init__(self, settings: ProviderSettings, http_client: httpx.AsyncClient) -> None:
        self._gemini: Any = importlib.import_module(GEMINI_MODULE)
        self._settings = settings
        self._secrets: list[str | None] = [settings.api_key]
        self._client: Any = None
        if settings.api_key:
            genai = importlib.import_module("google.genai")
            genai_types = importlib.import_module("google.genai.types")
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
            raise self._gemini.map_gemini_error(
                error, model=request.model, secrets=self._secrets
            ) from error
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


class _VoyageEmbedder:
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


def create_embedder(
    name: str, settings: ProviderSettings, http_client: httpx.AsyncClient, catalog: Any
) -> Any:
    """The embeddings endpoint of provider ``name``."""
    if name == "voyage":
        return _VoyageEmbedder(settings, http_client)
    if name == "gemini":
        return _GeminiEmbedder(settings, http_client)
    if name in ("openai", "azure", "openai-compatible", "local"):
        family: Any = importlib.import_module(OPENAI_COMPATIBLE_MODULE)
        return _OpenAIFamilyEmbedder(
            family.OpenAIFamilyAdapter(family.VENDORS[name], settings, http_client, catalog)
        )
    raise ValueError(f"the {name!r} provider has no embeddings endpoint")
