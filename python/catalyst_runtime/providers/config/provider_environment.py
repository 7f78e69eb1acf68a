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
    "DEFAULT_FIRST_TOKEN_TIMEOUT_MS",
    "DEFAULT_IDLE_TIMEOUT_MS",
    "PROVIDER_ENVIRONMENT",
    "PROVIDER_NAMES",
    "TIMEOUT_ENVIRONMENT",
    "ProviderEnvironmentNames",
    "ProviderSettings",
    "read_environment",
    "read_milliseconds_variable",
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
    first_token_timeout_ms: int | None = None
    """Default first-token timeout of every streamed attempt (a request's own value wins); from
    ``CATALYST_FIRST_TOKEN_TIMEOUT_MS``, else :data:`DEFAULT_FIRST_TOKEN_TIMEOUT_MS`."""
    idle_timeout_ms: int | None = None
    """Default silence allowed between chunks of a streamed attempt (a request's own value wins);
    from ``CATALYST_IDLE_TIMEOUT_MS``, else :data:`DEFAULT_IDLE_TIMEOUT_MS`."""


DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 120_000
"""Reasoning models can think for a minute before their first visible token; 120 s lets them
through while still ending a dead stream well before the 300 s at which proxies and clients
commonly give up."""

DEFAULT_IDLE_TIMEOUT_MS = 30_000
"""Providers stream several chunks a second and send pings during long outputs; 30 s of nothing
after the first token is a stalled stream."""

TIMEOUT_ENVIRONMENT: Mapping[str, str] = {
    "first_token_timeout_ms": "CATALYST_FIRST_TOKEN_TIMEOUT_MS",
    "idle_timeout_ms": "CATALYST_IDLE_TIMEOUT_MS",
}
"""The variables that set the server-wide stream timeouts (milliseconds; 0 = off)."""


def read_milliseconds_variable(name: str, environment: Mapping[str, str | None]) -> int | None:
    """A millisecond count from ``environment``, or None when unset. A value that is not a
    non-negative whole number raises ``ValueError`` naming the variable: a typo must not silently
    mean "no timeout"."""
    raw = environment.get(name)
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    try:
        # JavaScript's Number(): "1e3" is 1000; Python's float() also takes "1_000", Number not.
        value = float(text) if "_" not in text else -1.0
    except ValueError:
        value = -1.0
    if not value.is_integer() or value < 0:
        raise ValueError(f'{name} must be a whole number of milliseconds (0 = off), got "{raw}"')
    return int(value)


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
    if settings.first_token_timeout_ms is None:
        first_token = read_milliseconds_variable(TIMEOUT_ENVIRONMENT["first_token_timeout_ms"], env)
        if first_token is not None:
            settings = replace(settings, first_token_timeout_ms=first_token)
    if settings.idle_timeout_ms is None:
        idle = read_milliseconds_variable(TIMEOUT_ENVIRONMENT["idle_timeout_ms"], env)
        if idle is not None:
            settings = replace(settings, idle_timeout_ms=idle)
    if settings.api_version is None and names.api_version:
        api_version = env.get(names.api_version)
        if api_version:
            settings = replace(settings, api_version=api_version)
    return settings
