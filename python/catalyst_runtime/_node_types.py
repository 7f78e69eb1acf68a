"""What the executor needs of the node registry (``packages/workflow/src/nodes/``): each type's
category, provider and default config. Keep in step with ``NODE_TYPES`` there."""

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
    )
}
"""Node types by name, in the registry's palette order."""
