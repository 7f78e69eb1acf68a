"""Environment variable names per provider and how settings are read from them.

The names are the TypeScript runtime's (its provider environment table), read from the node
manifest (``node-manifest.json``, written by ``npm run generate``): a generated service and
``catalyst serve`` read the same variables, and no name is copied here by hand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .node_manifest import load_manifest

__all__ = [
    "PROVIDER_ENVIRONMENT",
    "PROVIDER_NAMES",
    "ProviderEnvironmentNames",
    "ProviderSettings",
    "read_environment",
    "resolve_provider_settings",
]


@dataclass(frozen=True)
class ProviderEnvironmentNames:
    """The variables one provider reads, and its name in messages."""

    label: str
    api_key: tuple[str, ...]
    base_url: str | None = None
    api_version: str | None = None
    """The variable holding a dated API version (Azure's)."""


def _provider_environment() -> dict[str, ProviderEnvironmentNames]:
    return {
        name: ProviderEnvironmentNames(
            label=entry["label"],
            api_key=tuple(entry["apiKey"]),
            base_url=entry.get("baseUrl"),
            api_version=entry.get("apiVersion"),
        )
        for name, entry in load_manifest()["providers"].items()
    }


PROVIDER_ENVIRONMENT: dict[str, ProviderEnvironmentNames] = _provider_environment()
"""Environment variable names per provider (DESIGN.md, "Configuration every part honours")."""

PROVIDER_NAMES: tuple[str, ...] = tuple(PROVIDER_ENVIRONMENT)
"""Every provider, in the TypeScript runtime's order."""


@dataclass(frozen=True)
class ProviderSettings:
    """Where and how to reach a provider; explicit values win over the environment."""

    api_key: str | None = None
    base_url: str | None = None
    """For Azure: the resource endpoint, ``https://NAME.openai.azure.com``."""
    api_version: str | None = None
    """Azure's dated API version; without it Azure uses the v1 path (``/openai/v1``)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_ms: float | None = None
    """Timeout of one HTTP attempt, passed to the SDK."""


def read_environment(directory: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The process environment over a ``.env`` file in ``directory`` (default: the working one)."""
    from_file: dict[str, str] = {}
    path = Path(directory if directory is not None else Path.cwd()) / ".env"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        from_file[name.strip()] = value
    return {**from_file, **os.environ}


def resolve_provider_settings(
    provider: str,
    explicit: ProviderSettings | None = None,
    environment: Mapping[str, str | None] | None = None,
) -> ProviderSettings:
    """Fill ``explicit`` from the variables ``provider`` reads (``ANTHROPIC_API_KEY``, …)."""
    names = PROVIDER_ENVIRONMENT[provider]
    env = read_environment() if environment is None else environment
    settings = explicit or ProviderSettings()
    if settings.api_key is None:
        key = next((env.get(name) for name in names.api_key if env.get(name)), None)
        if key:
            settings = replace(settings, api_key=key)
    if settings.base_url is None and names.base_url:
        base_url = env.get(names.base_url)
        if base_url:
            settings = replace(settings, base_url=base_url)
    if settings.api_version is None and names.api_version:
        api_version = env.get(names.api_version)
        if api_version:
            settings = replace(settings, api_version=api_version)
    return settings
