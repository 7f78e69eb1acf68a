"""Reading ``node-manifest.json``: every node type and every provider's environment names.

The manifest is written by ``npm run generate`` from the TypeScript node registry and provider
table; nothing in it is copied into Python by hand. In the repository it is
``conformance/node-manifest.json``; a generated project carries a copy at the top of
``catalyst_runtime/``. It lives in the provider layer because the providers' environment names
come from it; the workflow layer reads node types from it through here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .runtime_data_file import find_runtime_data_file

__all__ = ["MANIFEST_FILE_NAME", "find_manifest_file", "load_manifest"]

MANIFEST_FILE_NAME = "node-manifest.json"


def find_manifest_file() -> Path:
    """Where the manifest is: ``CATALYST_NODE_MANIFEST``, else at the top of
    ``catalyst_runtime/`` (generated projects), else the repository's ``conformance/``."""
    return find_runtime_data_file(MANIFEST_FILE_NAME, "CATALYST_NODE_MANIFEST")


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
