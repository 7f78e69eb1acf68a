"""What an executor gets and gives back (TypeScript: ``runtime/executors/node-executor``).

Every executor in :mod:`catalyst_runtime.nodes` is a :data:`NodeExecutor`: it takes one
:class:`NodeContext` and returns one :class:`NodeResult`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from catalyst_runtime.engine.router.router_state import RouterState
from catalyst_runtime.providers.create_provider import LanguageModelProvider
from catalyst_runtime.providers.embeddings.embeddings import Embedder, EmbeddingCache
from catalyst_runtime.workflow.node_types import NodeType

__all__ = [
    "NodeContext",
    "NodeExecutor",
    "NodeProviders",
    "NodeResult",
    "ProviderResolver",
    "UpstreamValue",
]


@dataclass(frozen=True)
class UpstreamValue:
    """An active incoming connection and the value it carries."""

    node: str
    node_type: str
    handle: str
    output: Any


@dataclass
class NodeResult:
    """A node's outcome: output, active handles, usage (provider nodes), streamed text."""

    output: Any
    active_handles: list[str]
    usage: dict[str, Any] | None = None
    text: str | None = None
    warnings: list[dict[str, Any]] | None = None
    """Settings the provider could not honour (``CallWarning`` dicts), for ``done.warnings``."""


class ProviderResolver(Protocol):
    """The chat provider serving a provider name (``openai``, ``anthropic``, …)."""

    def __call__(self, name: str) -> LanguageModelProvider: ...


@dataclass
class NodeProviders:
    """The chat providers and embeddings endpoints one node calls (tracing wraps a run's
    per node, so each call gets a span under the node's)."""

    providers: ProviderResolver
    embedders: Callable[[str], Embedder] | None


@dataclass
class NodeContext:
    """What an executor gets to run one node."""

    node: dict[str, Any]
    definition: NodeType
    config: dict[str, Any]
    scope: dict[str, Any]
    upstream: list[UpstreamValue]
    emit: Callable[[dict[str, Any]], None]
    providers: ProviderResolver
    outgoing_handles: frozenset[str]
    # ``embeddingGenerate``: the embeddings endpoint of a provider, and the app's per-text cache.
    embedders: Callable[[str], Embedder] | None = None
    embedding_cache: EmbeddingCache | None = None
    # ``llmRouter``: latency, cooldown and rotation state (one per run when None), and the clock
    # (ms) time to first token is measured with.
    router_state: RouterState | None = None
    now: Callable[[], float] | None = None

    def has_outgoing(self, handle: str) -> bool:
        """Whether an edge leaves this node from ``handle``."""
        return handle in self.outgoing_handles


NodeExecutor = Callable[[NodeContext], Awaitable[NodeResult]]
"""Runs one node."""
