"""What the executor needs of Catalyst's node registry (``NODE_TYPES`` in its TypeScript
workflow package): each type's category, provider and default config, kept in step with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NODE_TYPES", "NodeType"]


@dataclass(frozen=True)
class NodeType:
    """A node type as the runtime sees it."""

    type: str
    category: str
    default_config: dict[str, Any] = field(default_factory=dict)
    provider: str | None = None


def _completion(type_name: str, provider: str, default_model: str | None) -> NodeType:
    config: dict[str, Any] = {"stream": True}
    if default_model is not None:
        config["model"] = default_model
    return NodeType(type_name, "llm", config, provider)


NODE_TYPES: dict[str, NodeType] = {
    node.type: node
    for node in (
        NodeType("input", "io"),
        NodeType("output", "io"),
        NodeType("promptTemplate", "prompt"),
        _completion("anthropicCompletion", "anthropic", "claude-haiku-4-5"),
        _completion("openaiCompletion", "openai", "gpt-4.1-mini"),
        _completion("azureOpenaiCompletion", "azure", None),
        _completion("groqCompletion", "groq", "llama-3.3-70b-versatile"),
        _completion("geminiCompletion", "gemini", "gemini-2.5-flash"),
        _completion("grokCompletion", "xai", "grok-4-fast-non-reasoning"),
        # The local model, reached over Chat Completions at CATALYST_LOCAL_BASE_URL: the Python
        # runtime embeds no model.
        _completion("localCompletion", "local", "smollm2-135m-instruct"),
        NodeType(
            "embeddingGenerate",
            "embeddings",
            {"provider": "openai", "cache": True, "points": True, "concurrency": 4},
        ),
        NodeType(
            "llmRouter",
            "routing",
            {"stream": True, "strategy": "ordered", "afterTokens": "error", "maxRetries": 0},
        ),
    )
}
"""Node types by name, in the registry's palette order."""
