"""The model catalog (ids, prices, retirements) and cost computation.

The data is ``model-catalog.json``, generated from Catalyst's TypeScript catalog and kept equal
to it by a test, so both runtimes price
calls and refuse retired models identically. In the repository it is
``conformance/model-catalog.json``; a generated project carries a copy beside this module.

Example::

    catalog = ModelCatalog.default()
    catalog.cost("openai", "gpt-4.1-mini", usage)  # {"inputUsd": …, "totalUsd": …} or None
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypedDict

__all__ = [
    "CATALOG_FILE_NAME",
    "Cost",
    "ModelCatalog",
    "Usage",
    "compute_cost",
    "empty_usage",
    "estimate_prompt_tokens",
    "find_catalog_file",
]

CATALOG_FILE_NAME = "model-catalog.json"


class Usage(TypedDict):
    """Token counts of one call, keys in the TypeScript order."""

    inputTokens: int
    outputTokens: int
    totalTokens: int
    cacheReadTokens: int
    cacheWriteTokens: int
    reasoningTokens: int


class Cost(TypedDict):
    """Cost of one call in US dollars, keys in the TypeScript order."""

    inputUsd: float
    outputUsd: float
    cacheReadUsd: float
    cacheWriteUsd: float
    totalUsd: float


def empty_usage() -> Usage:
    """A usage record with every count at zero."""
    return {
        "inputTokens": 0,
        "outputTokens": 0,
        "totalTokens": 0,
        "cacheReadTokens": 0,
        "cacheWriteTokens": 0,
        "reasoningTokens": 0,
    }


_PER_MILLION = 1_000_000


def compute_cost(pricing: Mapping[str, float], usage: Usage) -> Cost:
    """Cost from usage; cache reads and writes cost ordinary input where no cache price exists.

    The arithmetic is the TypeScript one, operation for operation, so the floats are identical.
    """
    cache_read = usage["cacheReadTokens"]
    cache_write = usage["cacheWriteTokens"]
    uncached = max(0, usage["inputTokens"] - cache_read - cache_write)
    input_price = pricing["inputPerMillion"]
    input_usd = (uncached * input_price) / _PER_MILLION
    output_usd = (usage["outputTokens"] * pricing["outputPerMillion"]) / _PER_MILLION
    cache_read_usd = (cache_read * pricing.get("cacheReadPerMillion", input_price)) / _PER_MILLION
    cache_write_usd = (
        cache_write * pricing.get("cacheWritePerMillion", input_price)
    ) / _PER_MILLION
    return {
        "inputUsd": input_usd,
        "outputUsd": output_usd,
        "cacheReadUsd": cache_read_usd,
        "cacheWriteUsd": cache_write_usd,
        "totalUsd": input_usd + output_usd + cache_read_usd + cache_write_usd,
    }


def estimate_prompt_tokens(messages: Iterable[Mapping[str, Any]], system: str | None) -> int:
    """A tokenizer-free prompt size, exactly as ``estimatePromptTokens`` in TypeScript: per message
    (the system prompt counts as one) ``ceil(code points / 4) + 4``, plus 3. Non-text parts count
    nothing."""

    def tokens(text: str) -> int:
        return -(-len(text) // 4) + 4

    total = 3
    if system is not None:
        total += tokens(system)
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            text = content
        elif isinstance(content, list):
            text = "".join(
                part["text"]
                for part in content
                if isinstance(part, dict) and part.get("type") == "text"
            )
        else:
            text = ""
        total += tokens(text)
    return total


def find_catalog_file() -> Path:
    """Where the catalog data is: ``CATALYST_MODEL_CATALOG``, else at the top of
    ``catalyst_runtime/`` (generated projects), else the repository's ``conformance/`` directory."""
    configured = os.environ.get("CATALYST_MODEL_CATALOG")
    if configured:
        return Path(configured)
    # This module is catalyst_runtime/providers/catalog/model_catalog.py.
    runtime = Path(__file__).resolve().parents[2]
    for candidate in (
        runtime / CATALOG_FILE_NAME,
        runtime.parents[1] / "conformance" / CATALOG_FILE_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{CATALOG_FILE_NAME} not found in {runtime} nor in the repository's conformance/"
    )


@cache
def _default_models() -> tuple[dict[str, Any], ...]:
    data = json.loads(find_catalog_file().read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{CATALOG_FILE_NAME} must hold a JSON array of models")
    return tuple(data)


_SNAPSHOT_SUFFIX = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2})\Z")
# Azure deployments usually carry the OpenAI model's name; price them as OpenAI's.
_PRICE_FALLBACK = {"azure": "openai"}


class ModelCatalog:
    """Models by provider and id, as plain dicts in the TypeScript ``ModelInfo`` shape."""

    def __init__(self, models: Iterable[Mapping[str, Any]]) -> None:
        self._models: list[Mapping[str, Any]] = list(models)

    @classmethod
    def default(cls) -> ModelCatalog:
        """The built-in catalog."""
        return cls(_default_models())

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ModelCatalog:
        """The built-in catalog with a JSON file of models laid over it."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError(f"{path}: a model catalog file must hold a JSON array of models")
        return cls.default().with_overrides(data)

    def with_overrides(self, models: Iterable[Mapping[str, Any]]) -> ModelCatalog:
        """A new catalog where ``models`` replace entries with the same provider and id."""
        overrides = list(models)
        replaced = {(model["provider"], model["id"]) for model in overrides}
        kept = [m for m in self._models if (m["provider"], m["id"]) not in replaced]
        return ModelCatalog([*kept, *overrides])

    def find(self, provider: str, model_id: str) -> Mapping[str, Any] | None:
        """The entry for ``model_id``, also matching dated snapshots (``gpt-4o-2024-08-06``)."""
        candidates = [model for model in self._models if model["provider"] == provider]
        for model in candidates:
            if model["id"] == model_id:
                return model
        snapshot = _SNAPSHOT_SUFFIX.sub("", model_id, count=1)
        return next((model for model in candidates if model["id"] == snapshot), None)

    def list(self, provider: str | None = None) -> list[Mapping[str, Any]]:
        """Current (not retired) models, optionally of one provider."""
        return [
            model
            for model in self._models
            if not model.get("retired") and (provider is None or model["provider"] == provider)
        ]

    def cost(self, provider: str, model: str, usage: Usage) -> Cost | None:
        """Cost of a call, or None when the model has no price here."""
        fallback = _PRICE_FALLBACK.get(provider)
        info = self.find(provider, model) or (self.find(fallback, model) if fallback else None)
        if provider == "local":
            return compute_cost({"inputPerMillion": 0, "outputPerMillion": 0}, usage)
        pricing = info.get("pricing") if info else None
        return compute_cost(pricing, usage) if pricing else None
