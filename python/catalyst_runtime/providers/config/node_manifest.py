"""Reading ``node-manifest.json``: every node type and every provider's environment names.

The manifest is written by ``npm run generate`` from the TypeScript node registry and provider
table; nothing in it is copied into Python by hand. In the repository it is
``conformance/node-manifest.json``; a generated project carries a copy at the top of
``catalyst_runtime/``. It lives in the provider layer because the providers' environment names
come from it; the workflow layer reads node types from it through here.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_FILE_NAME", "find_manifest_file", "load_manifest"]

MANIFEST_FILE_NAME = "node-manifest.json"


def find_manifest_file() -> Path:
    """Where the manifest is: ``CATALYST_NODE_MANIFEST``, else at the top of
    ``catalyst_runtime/`` (generated projects), else the repository's ``conformance/``."""
    configured = os.environ.get("CATALYST_NODE_MANIFEST")
    if configured:
        return Path(configured)
    # This module is catalyst_runtime/providers/config/node_manifest.py.
    runtime = Path(__file__).resolve().parents[2]
    for candidate in (
        runtime / MANIFEST_FILE_NAME,
        runtime.parents[1] / "conformance" / MANIFEST_FILE_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{MANIFEST_FILE_NAME} not found in {runtime} nor in the repository's conformance/"
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
