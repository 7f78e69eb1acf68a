"""Named models of the OpenAI gateway (the twin of TypeScript ``gateway-config``): aliases for
``PROVIDER/MODEL`` and routes run by an ``llmRouter`` (its rules, strategies and fallback
chains), read from a YAML or JSON file. ``catalyst serve --gateway FILE`` reads it; a generated
service reads the file named by ``CATALYST_GATEWAY_FILE`` (which ``catalyst serve`` honours too).

Example::

    config = parse_gateway_config("aliases:\\n  fast: groq/llama-3.1-8b-instant\\n", "gw.yaml")
    config.aliases  # {'fast': 'groq/llama-3.1-8b-instant'}
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalyst_runtime.engine.validate_input import validate_input
from catalyst_runtime.providers.config.node_manifest import load_manifest
from catalyst_runtime.workflow.expressions import check_expression

__all__ = [
    "GATEWAY_FILE_ENVIRONMENT",
    "GatewayConfig",
    "gateway_route_workflow",
    "parse_gateway_config",
    "read_gateway_config",
]

GATEWAY_FILE_ENVIRONMENT = "CATALYST_GATEWAY_FILE"
"""The variable naming the gateway file, in both runtimes (``--gateway`` overrides it)."""

# PyYAML (a runtime requirement) ships no type information: used through Any, as the SDKs are.
_YAML: Any = importlib.import_module("yaml")

# A name the `model` field can hold: no slash (those are PROVIDER/MODEL and workflow/ID).
_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_TARGET_PATTERN = re.compile(r"[a-z-]+/.+")


@dataclass(frozen=True)
class GatewayConfig:
    """``aliases``: model name → ``PROVIDER/MODEL``; ``routes``: model name → the one-router
    workflow that answers it (see :func:`gateway_route_workflow`)."""

    aliases: dict[str, str] = field(default_factory=dict)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)


def gateway_route_workflow(name: str, router_config: Mapping[str, Any]) -> dict[str, Any]:
    """The workflow a gateway route runs: ``input`` (``{"messages": [...]}``) → an ``llmRouter``
    with the route's config → ``output``. With no ``prompt`` or ``messages`` in the config the
    router sends the request's messages as they are (the input is its upstream prompt)."""
    return {
        "id": f"gateway-route-{name}",
        "name": f"Gateway route {name}",
        "input": {
            "type": "object",
            "properties": {"messages": {"type": "array"}},
            "required": ["messages"],
        },
        "nodes": [
            {"id": "input", "type": "input"},
            {"id": "answer", "type": "llmRouter", "config": dict(router_config)},
            {"id": "output", "type": "output", "config": {"value": "{{ nodes.answer.text }}"}},
        ],
        "edges": [{"from": "input", "to": "answer"}, {"from": "answer", "to": "output"}],
    }


def parse_gateway_config(text: str, file_name: str) -> GatewayConfig:
    """Reads a gateway file (YAML, or JSON, which YAML reads too)::

        aliases:
          fast: groq/llama-3.1-8b-instant
        routes:
          smart:                       # an llmRouter config (docs/router.md)
            default: [{ provider: openai, model: gpt-4.1-mini }]

    Raises ``ValueError`` naming the file and the entry for anything malformed, and for a route
    whose router config breaks the ``llmRouter`` config schema or holds a condition that does not
    parse.
    """
    try:
        raw = _YAML.safe_load(text)
    except _YAML.YAMLError as error:
        raise ValueError(f"{file_name}: {error}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError(f"{file_name}: expected a mapping with aliases and routes")
    for key in raw:
        if key not in ("aliases", "routes"):
            raise ValueError(f'{file_name}: unknown key "{key}"; expected aliases and routes')
    config = GatewayConfig()
    aliases = raw.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise ValueError(f"{file_name}: aliases must be a mapping")
    for name, target in aliases.items():
        _check_name(file_name, "aliases", name)
        if not isinstance(target, str) or not _TARGET_PATTERN.fullmatch(target):
            raise ValueError(f'{file_name}: aliases.{name} must be "PROVIDER/MODEL"')
        config.aliases[name] = target
    routes = raw.get("routes") or {}
    if not isinstance(routes, dict):
        raise ValueError(f"{file_name}: routes must be a mapping")
    for name, router_config in routes.items():
        _check_name(file_name, "routes", name)
        if name in config.aliases:
            raise ValueError(f'{file_name}: "{name}" is both an alias and a route')
        if not isinstance(router_config, dict):
            raise ValueError(f"{file_name}: routes.{name} must be a mapping")
        problems = _router_config_problems(router_config)
        if problems:
            raise ValueError(f"{file_name}: routes.{name}: {'; '.join(problems)}")
        config.routes[name] = gateway_route_workflow(name, router_config)
    return config


def read_gateway_config(environment: Mapping[str, str | None]) -> GatewayConfig:
    """The gateway file named by ``CATALYST_GATEWAY_FILE`` (relative to the working directory),
    or no named models when it is unset. Raises ``ValueError`` naming the variable when the file
    cannot be read, or the file's problem."""
    path = (environment.get(GATEWAY_FILE_ENVIRONMENT) or "").strip()
    if not path:
        return GatewayConfig()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(
            f"{GATEWAY_FILE_ENVIRONMENT}: cannot read {path} ({type(error).__name__})"
        ) from None
    return parse_gateway_config(text, path)


def _router_config_problems(router_config: Mapping[str, Any]) -> list[str]:
    """What the ``llmRouter`` config schema (from the node manifest) and the expression checker
    find wrong, as ``config/FIELD message``. The schema's ``oneOf`` (a target or a list of them)
    is checked here, as the input checker knows no ``oneOf``."""
    schema = next(
        entry["configSchema"]
        for entry in load_manifest()["nodeTypes"]
        if entry["type"] == "llmRouter"
    )
    problems = [
        f"config{problem.path} {problem.message}"
        for problem in validate_input(schema, dict(router_config))
    ]
    properties = schema["properties"]
    default = router_config.get("default")
    if default is not None:
        problems += _one_of_problems(properties["default"], default, "config/default")
    route_list = router_config.get("routes")
    target_schema = properties["routes"]["items"]["properties"]["target"]
    for index, route in enumerate(route_list if isinstance(route_list, list) else []):
        if not isinstance(route, dict):
            continue
        if "target" in route:
            path = f"config/routes/{index}/target"
            problems += _one_of_problems(target_schema, route["target"], path)
        condition = route.get("condition")
        if isinstance(condition, str):
            problems += [
                f"config/routes/{index}/condition {error}" for error in check_expression(condition)
            ]
    return problems


def _one_of_problems(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    """The problems of ``value`` against the option of ``schema["oneOf"]`` of its own JSON type
    (an object or an array), or none when some option accepts it."""
    options = schema.get("oneOf") or [schema]
    found: list[str] = []
    for option in options:
        problems = validate_input(option, value)
        if not problems:
            return []
        if not found or option.get("type") == ("array" if isinstance(value, list) else "object"):
            found = [f"{path}{problem.path} {problem.message}" for problem in problems]
    return found


def _check_name(file_name: str, section: str, name: object) -> None:
    if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f'{file_name}: {section}: "{name}" is not a model name '
            "(letters, digits, . _ : -, no slash)"
        )
