"""Catalyst's results written as OpenAI ``chat.completion`` objects and
``chat.completion.chunk``s (the twin of TypeScript ``openai-chat-completion``), keys in OpenAI's
order.

Example::

    identity = CompletionIdentity(id="chatcmpl-1", created=1700000000, model="openai/gpt-4.1-mini")
    to_openai_chunk(identity, {"delta": {"content": "Hi"}, "finishReason": None})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CompletionIdentity",
    "to_openai_chat_completion",
    "to_openai_chunk",
    "to_openai_finish_reason",
    "to_openai_usage",
]


@dataclass(frozen=True)
class CompletionIdentity:
    """Identity of one completion, shared by all its chunks."""

    id: str
    created: int
    model: str


def to_openai_finish_reason(reason: str) -> str:
    """OpenAI's finish reason; Catalyst's ``refusal`` and ``other`` have no counterpart and read
    as ``stop``."""
    return reason if reason in ("stop", "length", "tool_calls", "content_filter") else "stop"


def to_openai_usage(usage: Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's usage object."""
    return {
        "prompt_tokens": usage["inputTokens"],
        "completion_tokens": usage["outputTokens"],
        "total_tokens": usage["totalTokens"],
    }


def _to_openai_tool_call(call: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": call["name"], "arguments": call["arguments"]},
    }


def to_openai_chat_completion(
    identity: CompletionIdentity, result: Mapping[str, Any]
) -> dict[str, Any]:
    """A non-streaming ``chat.completion`` of a ``ChatResult``."""
    tool_calls = result["toolCalls"]
    message: dict[str, Any] = {
        "role": "assistant",
        "content": None if tool_calls and not result["text"] else result["text"],
        "refusal": None,
    }
    if tool_calls:
        message["tool_calls"] = [_to_openai_tool_call(call) for call in tool_calls]
    return {
        "id": identity.id,
        "object": "chat.completion",
        "created": identity.created,
        "model": result["model"],
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": to_openai_finish_reason(result["finishReason"]),
            }
        ],
        "usage": to_openai_usage(result["usage"]),
    }


def to_openai_chunk(
    identity: CompletionIdentity,
    choice: Mapping[str, Any] | None,
    usage: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``chat.completion.chunk``; ``choice`` is ``{"delta", "finishReason"}``, or None for
    the trailing usage chunk (whose ``choices`` is empty)."""
    chunk: dict[str, Any] = {
        "id": identity.id,
        "object": "chat.completion.chunk",
        "created": identity.created,
        "model": identity.model,
        "choices": []
        if choice is None
        else [
            {
                "index": 0,
                "delta": choice["delta"],
                "logprobs": None,
                "finish_reason": choice["finishReason"],
            }
        ],
    }
    if usage is not None:
        chunk["usage"] = to_openai_usage(usage)
    return chunk
