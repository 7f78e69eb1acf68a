"""The Python runtime reads node types, defaults and environment names from the node manifest
(``conformance/node-manifest.json``, written by ``npm run generate``); none is kept by hand."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from catalyst_runtime.node_configs import NODE_CONFIG_TYPES
from catalyst_runtime.providers.config.node_manifest import find_manifest_file
from catalyst_runtime.providers.config.provider_environment import (
    PROVIDER_ENVIRONMENT,
    PROVIDER_NAMES,
)
from catalyst_runtime.workflow.node_types import NODE_TYPES

REPOSITORY = Path(__file__).resolve().parents[2]
RUNTIME = REPOSITORY / "python" / "catalyst_runtime"
MANIFEST: dict[str, Any] = json.loads(
    (REPOSITORY / "conformance" / "node-manifest.json").read_text(encoding="utf-8")
)


def test_the_runtime_reads_the_repository_manifest() -> None:
    assert find_manifest_file() == REPOSITORY / "conformance" / "node-manifest.json"


def test_node_types_and_defaults_are_the_manifest_s() -> None:
    entries = MANIFEST["nodeTypes"]
    assert list(NODE_TYPES) == [entry["type"] for entry in entries]
    assert list(NODE_CONFIG_TYPES) == [entry["type"] for entry in entries]
    for entry in entries:
        node_type = NODE_TYPES[entry["type"]]
        assert node_type.category == entry["category"]
        assert node_type.provider == entry["provider"]
        assert node_type.default_config == entry["defaultConfig"]


def test_environment_names_are_the_manifest_s() -> None:
    providers = MANIFEST["providers"]
    assert list(PROVIDER_NAMES) == list(providers)
    for name, entry in providers.items():
        names = PROVIDER_ENVIRONMENT[name]
        assert names.label == entry["label"]
        assert list(names.api_key) == entry["apiKey"]
        assert names.base_url == entry.get("baseUrl")
        assert names.api_version == entry.get("apiVersion")
    assert PROVIDER_ENVIRONMENT["gemini"].api_key == ("GEMINI_API_KEY", "GOOGLE_API_KEY")


def _code_strings(path: Path) -> set[str]:
    """String literals in a module's code (docstrings, which show examples, left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def test_no_module_keeps_its_own_copy_of_environment_names_or_default_models() -> None:
    environment_names = {
        name
        for entry in MANIFEST["providers"].values()
        for name in [*entry["apiKey"], entry.get("baseUrl"), entry.get("apiVersion")]
        if name is not None
    }
    default_models = {
        entry["defaultConfig"]["model"]
        for entry in MANIFEST["nodeTypes"]
        if "model" in entry["defaultConfig"]
    }
    assert "ANTHROPIC_API_KEY" in environment_names
    assert "claude-haiku-4-5" in default_models
    copies = {
        f"{path.relative_to(RUNTIME)}: {text}"
        for path in sorted(RUNTIME.rglob("*.py"))
        # Tests name models and variables on purpose; the runtime itself must not.
        if not path.name.startswith("test_")
        for text in _code_strings(path) & (environment_names | default_models)
    }
    assert copies == set(), "read these from the node manifest instead of copying them"


def test_the_drift_check_finds_a_copied_name(tmp_path: Path) -> None:
    copied = tmp_path / "copy.py"
    copied.write_text('"""Docs may name ANTHROPIC_API_KEY."""\nKEY = "ANTHROPIC_API_KEY"\n')
    assert _code_strings(copied) == {"ANTHROPIC_API_KEY"}
