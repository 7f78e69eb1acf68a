"""Accumulates one attempt's stream into the final result (``stream-state.ts``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from catalyst_runtime.javascript import json_text
from catalyst_runtime.providers.catalog.model_catalog import Cost, Usage, empty_usage

__all__ = [
    "FinishPart",
    "MetadataPart",
    "RawPart",
    "StreamState",
    "TextPart",
    "ToolCallDeltaPart",
    "UsagePart",
    "parse_json",
]


@dataclass(frozen=True)
class TextPart:
    """A piece of reply text."""

    text: str


@dataclass(frozen=True)
class ToolCallDeltaPart:
    """A fragment of a tool call; ``index`` keys parallel calls."""

    index: int
    arguments_delta: str
    id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class UsagePart:
    """Usage as reported so far; fields present overwrite earlier ones."""

    usage: Mapping[str, int]


@dataclass(frozen=True)
class FinishPart:
    """Why the model stopped, already normalised."""

    finish_reason: str


@dataclass(frozen=True)
class MetadataPart:
    """The model id the provider reported and its request id."""

    model: str | None = None
    request_id: str | None = None


RawPart = TextPart | ToolCallDeltaPart | UsagePart | FinishPart | MetadataPart
"""What a provider adapter yields; ``provider_stream`` assembles it into stream events."""

_MISSING = object()


def parse_json(text: str) -> Any:
    """``JSON.parse``, or the ``_MISSING`` marker when the text is not JSON (JS ``undefined``)."""
    try:
        return json_text.loads(text)
    except ValueError:
        return _MISSING


def is_missing(value: object) -> bool:
    """Whether ``value`` is :func:`parse_json`'s "not JSON" marker."""
    return value is _MISSING


@dataclass
class _PendingToolCall:
    name: str = ""
    arguments: str = ""
    id: str | None = None


@dataclass
class StreamState:
    """Text, usage, finish reason, model, request id and tool calls of one attempt."""

    text: str = ""
    usage: Usage = field(default_factory=empty_usage)
    finish_reason: str | None = None
    model: str | None = None
    request_id: str | None = None
    _tool_calls: dict[int, _PendingToolCall] = field(default_factory=dict)

    def add_usage(self, usage: Mapping[str, int]) -> None:
        for key, value in usage.items():
            if value is not None and key in self.usage:
                self.usage[key] = value  # type: ignore[literal-required]

    def add_tool_call_delta(
        self, index: int, call_id: str | None, name: str | None, delta: str
    ) -> None:
        pending = self._tool_calls.setdefault(index, _PendingToolCall())
        if call_id:
            pending.id = call_id
        if name:
            pending.name = name
        pending.arguments += delta

    def assembled_tool_calls(self) -> list[tuple[int, dict[str, Any]]]:
        """Tool calls in index order as ``{id, name, arguments, input}``; ``input`` is absent
        when the arguments are not JSON."""
        calls: list[tuple[int, dict[str, Any]]] = []
        for index in sorted(self._tool_calls):
            pending = self._tool_calls[index]
            arguments = "{}" if pending.arguments == "" else pending.arguments
            call: dict[str, Any] = {
                "id": pending.id if pending.id is not None else f"call_{index}",
                "name": pending.name,
                "arguments": arguments,
            }
            parsed = parse_json(arguments)
            if not is_missing(parsed):
                call["input"] = parsed
            calls.append((index, call))
        return calls

    def final_usage(self) -> Usage:
        usage: Usage = {**self.usage}
        if usage["totalTokens"] == 0:
            usage["totalTokens"] = usage["inputTokens"] + usage["outputTokens"]
        return usage

    def result(
        self, *, provider: str, requested_model: str, cost: Cost | None, json_mode: bool
    ) -> dict[str, Any]:
        """The ``ChatResult``, keys in the TypeScript order; ``json`` is present in JSON mode
        only when the text parsed."""
        tool_calls = [call for _, call in self.assembled_tool_calls()]
        finish = self.finish_reason or ("tool_calls" if tool_calls else "stop")
        result: dict[str, Any] = {
            "provider": provider,
            "model": self.model if self.model is not None else requested_model,
            "text": self.text,
            "toolCalls": tool_calls,
            "finishReason": finish,
            "usage": self.final_usage(),
            "cost": cost,
        }
        if json_mode:
            parsed = parse_json(self.text)
            if not is_missing(parsed):
                result["json"] = parsed
        if self.request_id:
            result["requestId"] = self.request_id
        return result
