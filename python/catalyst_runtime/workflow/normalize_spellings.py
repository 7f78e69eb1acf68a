"""The planning documents' workflow shapes, rewritten into the canonical form on load.

The twin of ``normalizeSpellings`` (TypeScript: ``workflow/load/normalize-spellings``):
the same rewrites in the same order, read from the same node manifest, so a workflow written the
old way runs identically in both runtimes. ``catalyst validate`` shows each rewrite as a warning
with the current spelling and ``catalyst validate --fix`` rewrites the file; a generated service
normally receives canonical workflows, this keeps hand-written dicts working too.

- snake_case config names (``max_tokens``, ``response_format`` …) → camelCase;
- ``response_format: {"type": "json_object"}`` → ``responseFormat: "json_object"``;
- ``functions`` → ``tools``;
- router routes ``{condition, provider, model}`` → ``{condition, target: {provider, model}}``,
  with ``"always"`` → ``"true"``;
- router ``default: "anthropic"`` → ``default: {provider, model}`` (the provider's default model).

Example::

    changes = normalize_spellings(workflow)  # rewrites ``workflow`` in place
    [change.message for change in changes]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.providers.config.node_manifest import load_manifest

__all__ = ["SpellingChange", "normalize_spellings"]


@dataclass(frozen=True)
class SpellingChange:
    """At the object ``path``, member ``from_key`` was removed and ``to_key`` (unless None) set."""

    path: tuple[str | int, ...]
    from_key: str
    to_key: str | None
    message: str


def _camel_case(key: str) -> str:
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), key)


def _compact(value: Any) -> str:
    # JSON.stringify's spelling: no spaces after separators, non-ASCII kept.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _node_types() -> dict[str, dict[str, Any]]:
    return {node_type["type"]: node_type for node_type in load_manifest()["nodeTypes"]}


def normalize_spellings(workflow: Any) -> list[SpellingChange]:
    """Rewrites old spellings in ``workflow`` in place and lists the rewrites."""
    changes: list[SpellingChange] = []
    if not isinstance(workflow, dict) or not isinstance(workflow.get("nodes"), list):
        return changes
    node_types = _node_types()
    for index, node in enumerate(workflow["nodes"]):
        if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
            continue
        node_type = node_types.get(node.get("type", ""))
        properties = (node_type or {}).get("configSchema", {}).get("properties")
        if not isinstance(properties, dict):
            continue
        path: tuple[str | int, ...] = ("nodes", index, "config")
        _normalize_config(node["config"], list(properties), path, changes)
        if node["type"] == "llmRouter":
            _normalize_router(node["config"], path, changes, node_types)
    return changes


def _rename(
    target: dict[str, Any],
    path: tuple[str | int, ...],
    from_key: str,
    to_key: str | None,
    value: Any,
    changes: list[SpellingChange],
    message: str | None = None,
) -> None:
    del target[from_key]
    if to_key is not None:
        target[to_key] = value
    changes.append(
        SpellingChange(
            path=path,
            from_key=from_key,
            to_key=to_key,
            message=message
            or f'"{from_key}" is an old spelling; write "{to_key}": {_compact(value)}',
        )
    )


def _normalize_config(
    config: dict[str, Any],
    known: list[str],
    path: tuple[str | int, ...],
    changes: list[SpellingChange],
) -> None:
    for key in list(config):
        value = config[key]
        if key == "functions" and "tools" in known and "tools" not in config:
            message = '"functions" is OpenAI\'s old name; write "tools" (the same entries)'
            _rename(config, path, key, "tools", _to_tools(value), changes, message)
            continue
        camel = _camel_case(key)
        if camel == key or camel not in known or camel in config:
            continue
        converted = _to_response_format(value) if camel == "responseFormat" else value
        _rename(config, path, key, camel, converted, changes)


def _to_tools(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [
        {**entry, "parameters": {"type": "object", "properties": {}}}
        if isinstance(entry, dict) and "parameters" not in entry
        else entry
        for entry in value
    ]


def _to_response_format(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if value.get("type") in ("json_object", "text"):
        return value["type"]
    schema = value.get("json_schema")
    if value.get("type") == "json_schema" and isinstance(schema, dict):
        return {
            "type": "json_schema",
            "name": schema.get("name", "response"),
            "schema": schema.get("schema", {}),
        }
    return value


def _normalize_router(
    config: dict[str, Any],
    path: tuple[str | int, ...],
    changes: list[SpellingChange],
    node_types: dict[str, dict[str, Any]],
) -> None:
    routes = config.get("routes")
    if isinstance(routes, list):
        for index, route in enumerate(routes):
            if not isinstance(route, dict):
                continue
            route_path = (*path, "routes", index)
            if route.get("condition") == "always":
                message = '"always" is an old spelling; write the condition "true"'
                _rename(route, route_path, "condition", "condition", "true", changes, message)
            if "target" not in route and isinstance(route.get("provider"), str):
                model = route.get("model")
                target = _target_for(route["provider"], model, node_types)
                message = (
                    'a route names its provider and model in "target"; '
                    f'write "target": {_compact(target)}'
                )
                _rename(route, route_path, "provider", "target", target, changes, message)
                if model is not None:
                    message = '"model" moves into "target", beside the provider'
                    _rename(route, route_path, "model", None, None, changes, message)
    if isinstance(config.get("default"), str):
        target = _target_for(config["default"], None, node_types)
        message = f'"default" names a provider and a model; write "default": {_compact(target)}'
        _rename(config, path, "default", "default", target, changes, message)


def _target_for(provider: str, model: Any, node_types: dict[str, dict[str, Any]]) -> dict[str, Any]:
    # Without a model, the default model of that provider's completion node (same manifest as
    # the TypeScript runtime reads).
    completion = next(
        (
            node_type
            for node_type in node_types.values()
            if node_type.get("provider") == provider and node_type.get("category") == "llm"
        ),
        None,
    )
    properties = (completion or {}).get("configSchema", {}).get("properties", {})
    fallback = properties.get("model", {}).get("default") if isinstance(properties, dict) else None
    chosen = model if isinstance(model, str) else fallback
    return (
        {"provider": provider, "model": chosen}
        if isinstance(chosen, str)
        else {"provider": provider}
    )
