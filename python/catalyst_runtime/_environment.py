"""Environment variable names per provider and how settings are read from them.

The names are those Catalyst's TypeScript runtime reads: a generated service and
``catalyst serve`` read the same variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

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


PROVIDER_NAMES: tuple[str, ...] = (
    "anthropic",
    "openai",
    "azure",
    "groq",
    "gemini",
    "xai",
    "openai-compatible",
    "local",
    "voyage",
)
"""Every provider, in the TypeScript runtime's order."""

PROVIDER_ENVIRONMENT: dict[str, ProviderEnvironmentNames] = {
    "anthropic": ProviderEnvironmentNames(
        "Anthropic", ("ANTHROPIC_API_KEY",), "ANTHROPIC_BASE_URL"
    ),
    "openai": ProviderEnvironmentNames("OpenAI", ("OPENAI_API_KEY",), "OPENAI_BASE_URL"),
    "azure": ProviderEnvironmentNames(
        "Azure OpenAI", ("AZURE_OPENAI_API_KEY",), "AZURE_OPENAI_ENDPOINT"
    ),
    "groq": ProviderEnvironmentNames("Groq", ("GROQ_API_KEY",), "GROQ_BASE_URL"),
    "gemini": ProviderEnvironmentNames(
        "Google Gemini", ("GEMINI_API_KEY", "GOOGLE_API_KEY"), "GEMINI_BASE_URL"
    ),
    "xai": ProviderEnvironmentNames("xAI", ("XAI_API_KEY",), "XAI_BASE_URL"),
    "openai-compatible": ProviderEnvironmentNames(
        "the OpenAI-compatible server", ("OPENAI_COMPATIBLE_API_KEY",), "OPENAI_COMPATIBLE_BASE_URL"
    ),
    # The local model behind an OpenAI-compatible server (``catalyst local serve``, llama.cpp,
    # Ollama): the Python runtime embeds no model, so it needs this. The key is optional.
    "local": ProviderEnvironmentNames(
        "the local model", ("CATALYST_LOCAL_API_KEY",), "CATALYST_LOCAL_BASE_URL"
    ),
    "voyage": ProviderEnvironmentNames("Voyage AI", ("VOYAGE_API_KEY",), "VOYAGE_BASE_URL"),
}
"""Environment variable names per provider (DESIGN.md, "Configuration every part honours")."""


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
    if provider == "azure" and settings.api_version is None:
        api_version = env.get("AZURE_OPENAI_API_VERSION")
        if api_version:
            settings = replace(settings, api_version=api_version)
    return settings
