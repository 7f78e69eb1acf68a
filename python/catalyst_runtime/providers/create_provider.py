"""One streaming interface over Anthropic, OpenAI, Azure OpenAI, Groq, Gemini, xAI and any
OpenAI-compatible server, through the official SDKs.

Every provider has one shared ``httpx.AsyncClient`` (its connection pool), is configured from the
same environment variables as the TypeScript runtime, and streams through one loop that retries
before the first token, enforces timeouts and ends with exactly one ``done`` or ``error`` event.
Cancelling the task that iterates a stream closes its HTTP response at once.

Example::

    providers = Providers(environment=read_environment())
    request = ChatRequest(model="gpt-4.1-mini", messages=[{"role": "user", "content": "Hi"}])
    async for event in providers.get("openai").stream(request):
        if event["type"] == "token":
            print(event["text"], end="")
    await providers.aclose()
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.config.provider_environment import (
    PROVIDER_ENVIRONMENT,
    PROVIDER_NAMES,
    ProviderSettings,
    read_environment,
    resolve_provider_settings,
)
from catalyst_runtime.providers.embeddings.create_embedder import (
    GEMINI_EMBEDDER_MODULE,
    GEMINI_MODULE,
    OPENAI_COMPATIBLE_EMBEDDER_MODULE,
    OPENAI_COMPATIBLE_MODULE,
    create_embedder,
)
from catalyst_runtime.providers.shared.connection_pool import use_linear_pool
from catalyst_runtime.providers.shared.provider_error import ProviderError
from catalyst_runtime.providers.shared.provider_stream import provider_stream
from catalyst_runtime.providers.shared.stream_state import RawPart

__all__ = [
    "PROVIDER_ENVIRONMENT",
    "PROVIDER_NAMES",
    "ChatRequest",
    "LanguageModelProvider",
    "ProviderSettings",
    "Providers",
    "read_environment",
    "resolve_provider_settings",
]


@dataclass
class ChatRequest:
    """One completion request, the same for every provider (the spec's ``ChatRequest``).

    ``messages`` are dicts in the spec's ``ChatMessage`` shape; ``tools`` and
    ``response_format`` are dicts in the spec's shapes too.
    """

    model: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    system: str | None = None
    prompt: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    response_format: dict[str, Any] | None = None
    # Prompt caching: Anthropic breakpoints after the tools and the system prompt; other
    # providers cache by themselves, so there it changes nothing.
    cache: bool | None = None
    first_token_timeout_ms: float | None = None
    """Time one attempt may take until its first token (retried); default: the provider's setting
    (``CATALYST_FIRST_TOKEN_TIMEOUT_MS``), else 120 s; 0 turns it off."""
    idle_timeout_ms: float | None = None
    """Silence allowed between chunks once the first token arrived; default: the provider's
    setting (``CATALYST_IDLE_TIMEOUT_MS``), else 30 s; 0 turns it off."""
    attempt_timeout_ms: float | None = None
    """Time one attempt may take from request to last chunk (``timeoutMs``); an attempt that timed
    out before its first token is retried."""
    total_timeout_ms: float | None = None
    """Time allowed for the whole call, retries included; never retried."""
    max_retries: int | None = None
    provider_options: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    """Extra HTTP headers of every attempt (e.g. W3C ``traceparent``, so the provider call joins
    the caller's trace). Never logged."""


class LanguageModelProvider(Protocol):
    """What the executor needs from a provider."""

    name: str

    def stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        """Stream events: ``token``, ``tool-call-delta``, ``tool-call``, ``retry``, then exactly
        one ``done`` (the ``ChatResult`` fields) or ``error`` (``error``, ``partialText``,
        ``usage``), dicts with the TypeScript key order."""
        ...


class _Adapter(Protocol):
    def open(self, request: Any) -> AsyncGenerator[RawPart, None]: ...

    def to_provider_error(self, error: BaseException, model: str | None) -> ProviderError: ...


@dataclass
class _Provider:
    name: str
    adapter: _Adapter
    catalog: ModelCatalog
    settings: ProviderSettings = field(default_factory=ProviderSettings)

    def stream(self, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        events = provider_stream(
            provider=self.name,
            request=request,
            catalog=self.catalog,
            default_first_token_timeout_ms=self.settings.first_token_timeout_ms,
            default_idle_timeout_ms=self.settings.idle_timeout_ms,
            open_attempt=lambda: self.adapter.open(request),
            to_provider_error=lambda error: self.adapter.to_provider_error(error, request.model),
        )
        # A deprecated model (the SDKs' tables, through the catalog) is reported as a warning, in
        # place of the SDK's own notice; adapters that drop settings they cannot send say which.
        warnings_of = getattr(self.adapter, "call_warnings", None)
        warnings = [
            *deprecation_warnings(self.catalog, self.name, request.model),
            *(warnings_of(request) if warnings_of is not None else []),
        ]
        return _with_warnings(events, warnings) if warnings else events


def deprecation_warnings(catalog: ModelCatalog, provider: str, model: str) -> list[dict[str, Any]]:
    """The twin of ``deprecationWarnings``: a ``deprecated-model`` warning with the end-of-life
    date and the replacement when the catalog marks ``model`` deprecated."""
    info = catalog.find(provider, model)
    deprecated = info.get("deprecated") if info else None
    if not deprecated:
        return []
    end_of_life = deprecated.get("endOfLife")
    when = (
        "is deprecated"
        if end_of_life is None
        else f"is deprecated and reaches its end of life on {end_of_life}"
    )
    use = " or ".join(f'"{replacement}"' for replacement in deprecated["replacements"])
    return [
        {
            "type": "deprecated-model",
            "setting": "model",
            "message": f'{provider}: model "{model}" {when}; use {use}',
        }
    ]


async def _with_warnings(
    events: AsyncIterator[dict[str, Any]], warnings: list[dict[str, Any]]
) -> AsyncIterator[dict[str, Any]]:
    # The twin of withWarnings (TypeScript): the terminal ``done`` carries the warnings.
    try:
        async for event in events:
            if event["type"] == "done":
                yield {**event, "warnings": [*event.get("warnings", []), *warnings]}
            else:
                yield event
    finally:
        await events.aclose()  # type: ignore[attr-defined]


# The adapter module of each provider. Imported on first use: a generated service carries only the
# adapters (and SDKs) of the providers its workflow calls.
_ADAPTER_MODULES = {
    "anthropic": "catalyst_runtime.providers.anthropic.anthropic_provider",
    "gemini": GEMINI_MODULE,
}
_OPENAI_FAMILY_MODULE = OPENAI_COMPATIBLE_MODULE


def _import_adapter_module(name: str) -> Any:
    module = _ADAPTER_MODULES.get(name, _OPENAI_FAMILY_MODULE)
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ValueError(
            f"the {name!r} provider is not part of this service ({module} or "
            f"its SDK is missing: {error}); add the node to the workflow and rebuild it"
        ) from error


def preload_adapters() -> None:
    """Imports every provider adapter and SDK this copy of the runtime carries, so that the first
    request does not pay for them: importing an SDK takes up to a second, which a tight
    first-token timeout would count against the provider."""
    adapters = (*_ADAPTER_MODULES.values(), _OPENAI_FAMILY_MODULE)
    for module in (*adapters, GEMINI_EMBEDDER_MODULE, OPENAI_COMPATIBLE_EMBEDDER_MODULE):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    # The SDKs load their resource modules on first attribute access (half a second for openai's
    # chat completions): import those too.
    for sdk in (
        "openai",
        "openai.resources.chat.completions",
        "openai.resources.embeddings",
        "groq",
        "groq.resources.chat.completions",
        "anthropic.resources.messages",
        "google.genai",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(sdk)


def _default_http_client(provider: str) -> Any:
    # Long reads: a provider may think for minutes between tokens; timeouts are provider_stream's.
    # The anthropic SDK is built on httpx2 (same API), the others on httpx.
    module: Any = importlib.import_module("httpx2" if provider == "anthropic" else "httpx")
    client = module.AsyncClient(
        timeout=module.Timeout(600.0, connect=10.0),
        limits=module.Limits(max_connections=200, max_keepalive_connections=50),
    )
    if module.__name__ == "httpx":
        # httpcore's pool does quadratic bookkeeping per request (connection_pool.py).
        use_linear_pool(client)
    return client


class Providers:
    """Providers by name, created on first use, each with its own connection pool
    (``http_client_factory(provider)`` builds it: an ``httpx.AsyncClient``, or ``httpx2`` for
    the anthropic SDK).

    ``settings`` gives explicit settings per provider (they win over ``environment``).
    """

    def __init__(
        self,
        *,
        environment: Mapping[str, str | None] | None = None,
        settings: Mapping[str, ProviderSettings] | None = None,
        catalog: ModelCatalog | None = None,
        http_client_factory: Callable[[str], Any] = _default_http_client,
    ) -> None:
        self._environment = read_environment() if environment is None else environment
        self._settings = dict(settings or {})
        self._catalog = catalog or ModelCatalog.default()
        self._factory = http_client_factory
        self._providers: dict[str, _Provider] = {}
        self._embedders: dict[str, Any] = {}
        self._clients: list[Any] = []

    def get(self, name: str) -> LanguageModelProvider:
        """The provider ``name`` (``anthropic``, ``openai``, ``azure``, ``groq``, ``gemini``,
        ``xai``, ``openai-compatible``)."""
        provider = self._providers.get(name)
        if provider is None:
            settings = resolve_provider_settings(name, self._settings.get(name), self._environment)
            provider = _Provider(name, self._create_adapter(name), self._catalog, settings)
            self._providers[name] = provider
        return provider

    def _create_adapter(self, name: str) -> _Adapter:
        settings = resolve_provider_settings(name, self._settings.get(name), self._environment)
        if name not in PROVIDER_NAMES or name == "voyage":
            raise ValueError(f"no provider {name!r} in the Python runtime")
        module = _import_adapter_module(name)
        client = self._factory(name)
        self._clients.append(client)
        adapter: _Adapter
        if name == "anthropic":
            adapter = module.AnthropicAdapter(settings, client, self._catalog)
        elif name == "gemini":
            adapter = module.GeminiAdapter(settings, client)
        else:
            adapter = module.OpenAIFamilyAdapter(
                module.VENDORS[name], settings, client, self._catalog
            )
        return adapter

    def embedder(self, name: str) -> Any:
        """The embeddings endpoint of ``name`` (``openai``, ``azure``, ``voyage``, ``gemini``,
        ``local``, ``openai-compatible``): an
        :class:`~catalyst_runtime.providers.embeddings.embeddings.Embedder`."""
        embedder = self._embedders.get(name)
        if embedder is None:
            settings = resolve_provider_settings(name, self._settings.get(name), self._environment)
            client = self._factory(name)
            self._clients.append(client)
            embedder = create_embedder(name, settings, client, self._catalog)
            self._embedders[name] = embedder
        return embedder

    async def aclose(self) -> None:
        """Close every connection pool."""
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()
