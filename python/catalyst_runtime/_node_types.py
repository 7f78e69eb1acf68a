"""What the executor needs of the node registry: each type's category, provider and default
config, read from ``node-manifest.json``.

The manifest is written by ``npm run generate`` from the TypeScript node registry and provider
table; nothing about a node type is copied here by hand. In the repository it is
``conformance/node-manifest.json``; a generated project carries a copy beside this module.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_FILE_NAME",
    "NODE_TYPES",
    "NodeType",
    "find_manifest_file",
    "load_manifest",
]

MANIFEST_FILE_NAME = "node-manifest.json"


@dataclass(frozen=True)
class NodeType:
    """A node type as the runtime sees it."""

    type: str
    category: str
    default_config: dict[str, Any] = field(default_factory=dict)
    provider: str | None = None


def find_manifest_file() -> Path:
    """Where the manifest is: ``CATALYST_NODE_MANIFEST``, else beside this module (generated
    projects), else the repository's ``conformance/`` directory."""
    configured = os.environ.get("CATALYST_NODE_MANIFEST")
    if configured:
        return Path(configured)
    here = Path(__file__).resolve().parent
    for candidate in (
        here / MANIFEST_FILE_NAME,
        here.parents[1] / "conformance" / MANIFEST_FILE_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{MANIFEST_FILE_NAME} not found beside {here} nor in the repository's conformance/"
    )


@cache
def load_manifest() -> dict[str, Any]:
    """The parsed manifest: ``nodeTypes`` (a list) and ``providers`` (by name)."""
    data = json.loads(find_manifest_file().read_text(encoding="utf-8"))
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("nodeTypes"), list)
        or not isinstance(data.get("providers"), dict)
    ):
        raise ValueError(f"{MANIFEST_FILE_NAME} must hold an object with nodeTypes and providers")
    return data


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
