"""Conversation mapping per provider; mirrors the TypeScript providers' message conversion.

Messages are dicts in the spec's ``ChatMessage`` shape: ``{"role": "system"|"user"|"assistant"|
"tool", "content": …, "toolCalls"?: […], "toolCallId"?, "toolName"?, "isError"?}``.
"""

from __future__ import annotations

import re
from collections.abc import Set
from typing import Any

from catalyst_runtime.providers.shared.provider_error import create_provider_error
from catalyst_runtime.providers.shared.stream_state import is_missing, parse_json

__all__ = [
    "convert_to_anthropic_messages",
    "convert_to_gemini_contents",
    "convert_to_openai_messages",
    "normalize_messages",
]

Message = dict[str, Any]


def normalize_messages(request: Any) -> tuple[str | None, list[Message]]:
    """Apply ``system`` / ``prompt`` shorthands; split system text (joined by blank lines) out."""
    system_texts: list[str] = [request.system] if request.system else []
    messages: list[Message] = []
    for message in request.messages:
        if message["role"] == "system":
            system_texts.append(message["content"])
        else:
            messages.append(message)
    if request.prompt is not None:
        messages.append({"role": "user", "content": request.prompt})
    return ("\n\n".join(system_texts) if system_texts else None), messages


def convert_to_openai_messages(provider: str, request: Any) -> list[Message]:
    """Chat Completions messages: system first, images as ``image_url``, tool turns."""
    system, conversation = normalize_messages(request)
    messages: list[Message] = []
    if system is not None:
        messages.append({"role": "system", "content": system})
    for message in conversation:
        role = message["role"]
        if role == "user":
            content = message["content"]
            messages.append(
                {
                    "role": "user",
                    "content": content
                    if isinstance(content, str)
                    else [_openai_user_part(provider, request, part) for part in content],
                }
            )
        elif role == "assistant":
            tool_calls = message.get("toolCalls") or []
            if not tool_calls:
                messages.append({"role": "assistant", "content": message["content"]})
                continue
            messages.append(
                {
                    "role": "assistant",
                    "content": None if message["content"] == "" else message["content"],
                    "tool_calls": [
                        {
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["name"], "arguments": call["arguments"]},
                        }
                        for call in tool_calls
                    ],
                }
            )
        elif role == "tool":
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": message["toolCallId"],
                    "content": message["content"],
                }
            )
        else:
            raise ValueError(f"unknown message role {role!r}")
    return messages


def _openai_user_part(provider: str, request: Any, part: Message) -> Message:
    if part["type"] == "text":
        return {"type": "text", "text": part["text"]}
    url = part.get("url")
    if url is None and part.get("data") is not None:
        url = f"data:{part.get('mediaType') or 'image/png'};base64,{part['data']}"
    if url is None:
        raise create_provider_error(
            provider=provider,
            kind="invalid_request",
            model=request.model,
            detail="an image part needs either a url or base64 data",
        )
    return {"type": "image_url", "image_url": {"url": url}}


_DATA_URL = re.compile(r"^data:([^;,]+);base64,(.*)\Z", re.DOTALL)


def _append_turn(turns: list[Message], role: str, key: str, items: list[Message]) -> None:
    """Adds ``items`` as a ``role`` turn under ``key``, merged into the last turn when it has the
    same role (Anthropic and Gemini both want alternating roles); nothing for no items."""
    if not items:
        return
    if turns and turns[-1]["role"] == role:
        turns[-1][key].extend(items)
    else:
        turns.append({"role": role, key: items})


def convert_to_anthropic_messages(
    conversation: list[Message], cache_breakpoints: Set[int] = frozenset()
) -> list[Message]:
    """Anthropic turns: tool results as ``tool_result`` blocks in user turns, same-role merged.
    A message whose index is in ``cache_breakpoints`` gets ``cache_control`` on its last block
    (``convertToAnthropicMessages``)."""
    result: list[Message] = []
    index = -1

    def append(role: str, blocks: list[Message]) -> None:
        if blocks and index in cache_breakpoints:
            blocks[-1] = {**blocks[-1], "cache_control": {"type": "ephemeral"}}
        _append_turn(result, role, "content", blocks)

    for message in conversation:
        index += 1
        role = message["role"]
        if role == "user":
            content = message["content"]
            append(
                "user",
                [{"type": "text", "text": content}]
                if isinstance(content, str)
                else [_anthropic_user_part(part) for part in content],
            )
        elif role == "assistant":
            blocks: list[Message] = []
            if message["content"] != "":
                blocks.append({"type": "text", "text": message["content"]})
            for call in message.get("toolCalls") or []:
                tool_input = call.get("input")
                if tool_input is None:
                    parsed = parse_json(call["arguments"])
                    tool_input = {} if is_missing(parsed) or parsed is None else parsed
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call["id"],
                        "name": call["name"],
                        "input": tool_input,
                    }
                )
            append("assistant", blocks)
        elif role == "tool":
            block: Message = {
                "type": "tool_result",
                "tool_use_id": message["toolCallId"],
                "content": message["content"],
            }
            if message.get("isError") is True:
                block["is_error"] = True
            append("user", [block])
        else:
            raise ValueError(f"unknown message role {role!r}")
    return result


def _anthropic_user_part(part: Message) -> Message:
    if part["type"] == "text":
        return {"type": "text", "text": part["text"]}
    if part.get("data") is not None:
        media_type = part.get("mediaType") or "image/png"
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": part["data"]},
        }
    url = part.get("url") or ""
    match = _DATA_URL.match(url)
    if match:
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": match.group(1), "data": match.group(2)},
        }
    return {"type": "image", "source": {"type": "url", "url": url}}


def convert_to_gemini_contents(conversation: list[Message]) -> list[Message]:
    """Gemini ``contents``: ``user`` / ``model`` turns, ``functionResponse`` parts, merged."""
    contents: list[Message] = []

    def append(role: str, parts: list[Message]) -> None:
        _append_turn(contents, role, "parts", parts)

    for message in conversation:
        role = message["role"]
        if role == "user":
            content = message["content"]
            append(
                "user",
                [{"text": content}]
                if isinstance(content, str)
                else [_gemini_user_part(part) for part in content],
            )
        elif role == "assistant":
            parts: list[Message] = (
                [] if message["content"] == "" else [{"text": message["content"]}]
            )
            for call in message.get("toolCalls") or []:
                value = call.get("input")
                if value is None:
                    value = parse_json(call["arguments"])
                args = value if isinstance(value, dict) else {}
                parts.append({"functionCall": {"name": call["name"], "args": args}})
            append("model", parts)
        elif role == "tool":
            append(
                "user",
                [
                    {
                        "functionResponse": {
                            "name": message["toolName"],
                            "response": _function_response(
                                message["content"], message.get("isError") is True
                            ),
                        }
                    }
                ],
            )
        else:
            raise ValueError(f"unknown message role {role!r}")
    return contents


def _gemini_user_part(part: Message) -> Message:
    if part["type"] == "text":
        return {"text": part["text"]}
    if part.get("data") is not None:
        return {
            "inlineData": {"mimeType": part.get("mediaType") or "image/png", "data": part["data"]}
        }
    url = part.get("url") or ""
    match = _DATA_URL.match(url)
    if match:
        return {"inlineData": {"mimeType": match.group(1), "data": match.group(2)}}
    return {"fileData": {"fileUri": url, "mimeType": part.get("mediaType") or _mime_type(url)}}


_EXTENSION = re.compile(r"\.([a-z0-9]+)(?:[?#]|\Z)", re.IGNORECASE)
_MIME_TYPES = {"png": "image/png", "gif": "image/gif", "webp": "image/webp", "heic": "image/heic"}


def _mime_type(url: str) -> str:
    match = _EXTENSION.search(url)
    return _MIME_TYPES.get(match.group(1).lower() if match else "", "image/jpeg")


def _function_response(content: str, is_error: bool) -> Message:
    parsed = parse_json(content)
    missing = is_missing(parsed) or parsed is None
    if not is_error and isinstance(parsed, dict):
        return parsed
    value = content if missing else parsed
    return {"error": value} if is_error else {"output": value}
