"""The AI SDK UI message stream of ``POST /workflows/{id}/ui`` (what ``useChat`` reads), byte for
byte the TypeScript ``ui-message-stream`` module's: the same request mapping, the same chunks in
the same key order, the same ``data: JSON`` framing and ``data: [DONE]`` end.

Example::

    chunks = to_ui_message_chunks(run_events)
    async for frame in ui_message_frames(chunks):
        ...  # b'data: {"type":"start"}\\n\\n' …
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from catalyst_runtime.javascript import json_text
from catalyst_runtime.server.sse import SSE_HEADERS

__all__ = [
    "UI_MESSAGE_STREAM_HEADERS",
    "accepts_chat_messages",
    "to_ui_message_chunks",
    "ui_input_missing_message",
    "ui_message_frames",
    "ui_request_input",
]

UI_MESSAGE_STREAM_HEADERS: Mapping[str, str] = {
    **SSE_HEADERS,
    "x-vercel-ai-ui-message-stream": "v1",
}
"""Response headers of the AI SDK UI message stream (what its server helpers send)."""

_DONE_FRAME = b"data: [DONE]\n\n"


def accepts_chat_messages(workflow: Mapping[str, Any]) -> bool:
    """Whether a workflow's input is chat messages: a ``messages`` array, nothing else required."""
    schema = workflow.get("input")
    if not isinstance(schema, dict):
        return False
    properties = schema.get("properties")
    messages = properties.get("messages") if isinstance(properties, dict) else None
    if not isinstance(messages, dict) or messages.get("type") != "array":
        return False
    required = schema.get("required")
    return all(name == "messages" for name in (required if isinstance(required, list) else []))


def _is_text_part(part: Any) -> bool:
    return (
        isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    )


def _text_of(message: Any) -> dict[str, Any]:
    record = message if isinstance(message, dict) else {}
    parts = record.get("parts")
    content = "".join(
        part["text"] if _is_text_part(part) else ""
        for part in (parts if isinstance(parts, list) else [])
    )
    role = record.get("role")
    return {"role": role if isinstance(role, str) else "user", "content": content}


def ui_request_input(workflow: Mapping[str, Any], body: Any) -> Any | None:
    """The workflow input of a ``POST /workflows/{id}/ui`` body as ``DefaultChatTransport`` sends
    it (``{id, messages, trigger, messageId?, …body}``): the body's ``input`` object when it has
    one, else — for a workflow whose input takes chat messages — ``{"messages": [{"role",
    "content"}]}`` from the UI messages' text parts. None when neither applies."""
    if not isinstance(body, dict):
        return None
    explicit = body.get("input")
    if isinstance(explicit, (dict, list)):
        return explicit
    messages = body.get("messages")
    if not accepts_chat_messages(workflow) or not isinstance(messages, list):
        return None
    return {"messages": [_text_of(message) for message in messages]}


def ui_input_missing_message(workflow: Mapping[str, Any]) -> str:
    """The message of the 422 for a body that gives a workflow no input."""
    return (
        f'workflow "{workflow["id"]}" does not take chat messages (its input has no "messages" '
        'array): send its input as "input" in the request body'
    )


def _without_type(event: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key != "type"}


class _Translation:
    """The state of one translation: open text parts, tool calls, the finish reason."""

    def __init__(self) -> None:
        # Open text parts by node, with the part id (a fallback that discards starts a new part).
        self.open_text: dict[str, str] = {}
        self.text_parts: dict[str, int] = {}
        # Tool calls by ``NODE/INDEX``: the id the client knows them by, and the tool name.
        self.tool_calls: dict[str, tuple[str, str]] = {}
        self.finish_reason = "stop"

    def close_text(self, node: str) -> Iterator[dict[str, Any]]:
        part_id = self.open_text.pop(node, None)
        if part_id is not None:
            yield {"type": "text-end", "id": part_id}

    def close_all(self) -> Iterator[dict[str, Any]]:
        for node in list(self.open_text):
            yield from self.close_text(node)

    def translate(self, event: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        kind = event["type"]
        if kind == "node":
            if event["status"] == "finished":
                yield from self.close_text(event["node"])
            yield {
                "type": "data-node",
                "data": {
                    "node": event["node"],
                    "nodeType": event["nodeType"],
                    "status": event["status"],
                },
                "transient": True,
            }
        elif kind == "token":
            yield from self._token(event)
        elif kind == "tool-call-delta":
            yield from self._tool_call_delta(event)
        elif kind == "partial":
            yield from self._partial(event)
        elif kind == "route":
            route = _without_type(event)
            yield {"type": "data-route", "id": f"route-{event['node']}", "data": route}
        elif kind == "fallback":
            discarded = self.open_text.get(event["node"])
            # The part streamed so far is void; the next target's text goes to a new part.
            if event.get("discard"):
                yield from self.close_text(event["node"])
            fallback = _without_type(event)
            fallback["discardTextId"] = discarded if event.get("discard") else None
            yield {"type": "data-fallback", "data": fallback}
        elif kind == "done":
            yield from self.close_all()
            for node, usage in event["usage"].items():
                yield {
                    "type": "data-usage",
                    "id": f"usage-{node}",
                    "data": {
                        "node": node,
                        **{
                            key: usage[key]
                            for key in ("provider", "model", "usage", "cost")
                            if key in usage
                        },
                    },
                }
            yield {"type": "data-cost", "id": "cost", "data": event.get("cost")}
            yield {"type": "finish", "finishReason": self.finish_reason}
        elif kind == "error":
            yield from self.close_all()
            error: dict[str, Any] = {}
            if event.get("node") is not None:
                error["node"] = event["node"]
            error["kind"] = event["kind"]
            error["retryable"] = event["retryable"]
            yield {"type": "data-error", "data": error}
            yield {"type": "error", "errorText": event["message"]}
        else:
            raise ValueError(f"unknown workflow event {kind!r}")

    def _token(self, event: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        node = event["node"]
        part_id = self.open_text.get(node)
        if part_id is None:
            count = self.text_parts.get(node, 0) + 1
            self.text_parts[node] = count
            part_id = f"text-{node}" if count == 1 else f"text-{node}-{count}"
            self.open_text[node] = part_id
            yield {"type": "text-start", "id": part_id}
        yield {"type": "text-delta", "id": part_id, "delta": event["text"]}

    def _tool_call_delta(self, event: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        key = f"{event['node']}/{event['index']}"
        call = self.tool_calls.get(key)
        if call is None:
            call_id = event.get("id")
            if call_id is None:
                call_id = f"{event['node']}-call-{event['index']}"
            name = event.get("name")
            call = (call_id, name if name is not None else "")
            self.tool_calls[key] = call
            yield {"type": "tool-input-start", "toolCallId": call[0], "toolName": call[1]}
        if event["argumentsDelta"] != "":
            yield {
                "type": "tool-input-delta",
                "toolCallId": call[0],
                "inputTextDelta": event["argumentsDelta"],
            }

    def _partial(self, event: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        output = event.get("output")
        if not isinstance(output, dict):
            return
        calls = output.get("toolCalls")
        for index, raw in enumerate(calls if isinstance(calls, list) else []):
            if not isinstance(raw, dict):
                continue
            key = f"{event['node']}/{index}"
            name = raw["name"] if isinstance(raw.get("name"), str) else ""
            call = self.tool_calls.get(key)
            if call is None:
                # The provider sent the call whole (no fragments): it starts and ends here.
                call_id = raw["id"] if isinstance(raw.get("id"), str) else None
                call = (call_id or f"{event['node']}-call-{index}", name)
                self.tool_calls[key] = call
                yield {"type": "tool-input-start", "toolCallId": call[0], "toolName": name}
            arguments = raw.get("arguments")
            yield {
                "type": "tool-input-available",
                "toolCallId": call[0],
                "toolName": name,
                "input": arguments,
            }
            self.finish_reason = "tool-calls"


async def to_ui_message_chunks(
    events: AsyncIterator[Mapping[str, Any]],
) -> AsyncIterator[dict[str, Any]]:
    """Translates a run's events into UI message chunks: ``start``; per streaming node a text part
    (``text-start`` / ``text-delta`` / ``text-end``, id ``text-NODE``); tool calls as
    ``tool-input-start`` / ``tool-input-delta`` / ``tool-input-available``; ``data-node``
    (transient), ``data-route``, ``data-fallback``, ``data-usage`` (per node) and ``data-cost``;
    then ``finish``, or ``error``. Closing it closes ``events`` (and so cancels the run)."""
    translation = _Translation()
    yield {"type": "start"}
    try:
        async for event in events:
            for chunk in translation.translate(event):
                yield chunk
            if event["type"] in ("done", "error"):
                return
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()


def _frame(chunk: Mapping[str, Any]) -> bytes:
    return b"data: " + json_text.dumps(chunk) + b"\n\n"


async def ui_message_frames(chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    """One ``data: JSON`` frame per chunk, then ``data: [DONE]`` — the bytes of the ``ai``
    package's own server helpers. An exception from ``chunks`` becomes an ``error`` chunk, never
    silence; closing this generator closes ``chunks``."""
    try:
        async for chunk in chunks:
            yield _frame(chunk)
    except Exception as error:  # noqa: BLE001 - a bug must not end the stream silently
        yield _frame({"type": "error", "errorText": str(error)})
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
    yield _DONE_FRAME
