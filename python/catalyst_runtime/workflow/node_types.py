"""What the executor needs of the node registry: each type's category, provider and default
config, read from ``node-manifest.json`` (written by ``npm run generate`` from the TypeScript
node registry; nothing about a node type is copied here by hand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..providers.config.node_manifest import load_manifest

__all__ = ["NODE_TYPES", "NodeType"]


@dataclass(frozen=True)
class NodeType:
    """A node type as the runtime sees it."""

    type: str
    category: str
    default_config: dict[str, Any] = field(default_factory=dict)
    provider: str | None = None


def _node_types() -> dict[str, NodeType]:
    return {
        entry["type"]: NodeType(
            type=entry["type"],
            category=entry["category"],
            default_config=dict(entry["defaultConfig"]),
            provider=entry["provider"],
        )
        for entry in load_manifest()["nodeTypes"]
    }


NODE_TYPES: dict[str, NodeType] = _node_types()
"""Node types by name, in the registry's palette order."""
