"""Reads a Chat Completions request body into a Catalyst :class:`ChatRequest` (the twin of
TypeScript ``parse-openai-chat-request``): the same checks, in the same order, with the same
messages, so both runtimes refuse a malformed body with identical bytes.

Example::

    body = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
    parsed = parse_openai_chat_request(body)
    parsed.request.messages  # [{'role': 'user', 'content': 'Hi'}]
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.providers.create_provider import ChatRequest

__all__ = ["OpenAIRequestError", "ParsedOpenAIChatRequest", "parse_openai_chat_request"]


@dataclass
class ParsedOpenAIChatRequest:
    """A Chat Completions body read into a Catalyst request, plus the streaming switches."""

    request: ChatRequest
    stream: bool
    include_usage: bool


class OpenAIRequestError(ValueError):
    """A body that does not follow the Chat Completions API; ``param`` names the field."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


def _is_number(value: object) -> bool:
    # JSON true/false are Python ints; JavaScript's typeof says "boolean".
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _optional_number(body: dict[str, Any], key: str) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(value):
        raise OpenAIRequestError(f"{key} must be a number.", key)
    return value


def _content_text(content: object, param: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise OpenAIRequestError(f"{param} must be a string or an array of parts.", param)
    texts: list[str] = []
    for index, part in enumerate(content):
        if (
            isinstance(part, dict)
            and part.get("type") == "text"
            and isinstance(part.get("text"), str)
        ):
            texts.append(part["text"])
            continue
        raise OpenAIRequestError(
            f"{param}[{index}]: only text parts are accepted.", f"{param}[{index}]"
        )
    return "\n".join(texts)


def _parse_tool_calls(value: object, param: str) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise OpenAIRequestError(f"{param} must be an array.", param)
    calls: list[dict[str, Any]] = []
    for index, call in enumerate(value):
        function = call.get("function") if isinstance(call, dict) else None
        if (
            not isinstance(call, dict)
            or not isinstance(call.get("id"), str)
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
        ):
            raise OpenAIRequestError(
                f"{param}[{index}] needs id and function.name.", f"{param}[{index}]"
            )
        arguments = function.get("arguments")
        arguments_text = arguments if isinstance(arguments, str) else "{}"
        try:
            parsed: Any = json.loads(arguments_text)
        except ValueError:
            parsed = None
        calls.append(
            {
                "id": call["id"],
                "name": function["name"],
                "arguments": arguments_text,
                "input": parsed,
            }
        )
    return calls


def _parse_messages(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) == 0:
        raise OpenAIRequestError("messages must be a non-empty array.", "messages")
    tool_names: dict[str, str] = {}
    messages: list[dict[str, Any]] = []
    for index, message in enumerate(value):
        param = f"messages[{index}]"
        if not isinstance(message, dict):
            raise OpenAIRequestError(f"{param} must be an object.", param)
        role = message.get("role")
        content = message.get("content")
        if role in ("system", "developer"):
            messages.append(
                {"role": "system", "content": _content_text(content, f"{param}.content")}
            )
        elif role == "user":
            messages.append({"role": "user", "content": _content_text(content, f"{param}.content")})
        elif role == "assistant":
            tool_calls = _parse_tool_calls(message.get("tool_calls"), f"{param}.tool_calls")
            for call in tool_calls or []:
                tool_names[call["id"]] = call["name"]
            assistant: dict[str, Any] = {
                "role": "assistant",
                "content": _content_text(content, f"{param}.content"),
            }
            if tool_calls is not None:
                assistant["toolCalls"] = tool_calls
            messages.append(assistant)
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str):
                raise OpenAIRequestError(
                    f"{param}.tool_call_id is required.", f"{param}.tool_call_id"
                )
            messages.append(
                {
                    "role": "tool",
                    "toolCallId": call_id,
                    "toolName": tool_names.get(call_id, "tool"),
                    "content": _content_text(content, f"{param}.content"),
                }
            )
        else:
            raise OpenAIRequestError(
                f"{param}.role must be system, developer, user, assistant or tool.",
                f"{param}.role",
            )
    return messages


def _parse_tools(value: object) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise OpenAIRequestError("tools must be an array.", "tools")
    tools: list[dict[str, Any]] = []
    for index, tool in enumerate(value):
        function = tool.get("function") if isinstance(tool, dict) else None
        if (
            not isinstance(tool, dict)
            or tool.get("type") != "function"
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
        ):
            raise OpenAIRequestError(
                f"tools[{index}] must be a function tool with a name.", f"tools[{index}]"
            )
        definition: dict[str, Any] = {"name": function["name"]}
        if isinstance(function.get("description"), str):
            definition["description"] = function["description"]
        parameters = function.get("parameters")
        definition["parameters"] = (
            parameters if isinstance(parameters, dict) else {"type": "object", "properties": {}}
        )
        tools.append(definition)
    return tools


def _parse_tool_choice(value: object) -> str | dict[str, Any] | None:
    if value is None:
        return None
    if value in ("auto", "none", "required"):
        return str(value)
    function = value.get("function") if isinstance(value, dict) else None
    if isinstance(function, dict) and isinstance(function.get("name"), str):
        return {"name": function["name"]}
    raise OpenAIRequestError(
        "tool_choice must be auto, none, required or a named function.", "tool_choice"
    )


def _parse_response_format(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise OpenAIRequestError("response_format must be an object.", "response_format")
    kind = value.get("type")
    if kind in ("text", "json_object"):
        return {"type": kind}
    if kind == "json_schema":
        schema = value.get("json_schema")
        if (
            not isinstance(schema, dict)
            or not isinstance(schema.get("name"), str)
            or not isinstance(schema.get("schema"), dict)
        ):
            raise OpenAIRequestError(
                "response_format.json_schema needs name and schema.",
                "response_format.json_schema",
            )
        response_format: dict[str, Any] = {
            "type": "json_schema",
            "name": schema["name"],
            "schema": schema["schema"],
        }
        if isinstance(schema.get("strict"), bool):
            response_format["strict"] = schema["strict"]
        return response_format
    raise OpenAIRequestError(
        "response_format.type must be text, json_object or json_schema.", "response_format.type"
    )


def _parse_stop(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(stop, str) for stop in value):
        return list(value)
    raise OpenAIRequestError("stop must be a string or an array of strings.", "stop")


def parse_openai_chat_request(body: object) -> ParsedOpenAIChatRequest:
    """Reads a Chat Completions body; raises :class:`OpenAIRequestError` on anything malformed
    (the first problem, checked in the TypeScript order)."""
    if not isinstance(body, dict):
        raise OpenAIRequestError("The body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str):
        raise OpenAIRequestError("model is required.", "model")
    n = _optional_number(body, "n")
    if n is not None and n != 1:
        raise OpenAIRequestError("Catalyst returns one choice; n must be 1.", "n")
    max_tokens = _optional_number(body, "max_completion_tokens")
    if max_tokens is None:
        max_tokens = _optional_number(body, "max_tokens")
    temperature = _optional_number(body, "temperature")
    top_p = _optional_number(body, "top_p")
    seed = _optional_number(body, "seed")
    stop = _parse_stop(body.get("stop"))
    tools = _parse_tools(body.get("tools"))
    tool_choice = _parse_tool_choice(body.get("tool_choice"))
    response_format = _parse_response_format(body.get("response_format"))
    request = ChatRequest(
        model=model,
        messages=_parse_messages(body.get("messages")),
        max_tokens=max_tokens,
        temperature=temperature,
        top_p=top_p,
        seed=seed,
        stop=stop,
        tools=tools,
        tool_choice=tool_choice,
        response_format=response_format,
    )
    stream_options = body.get("stream_options")
    return ParsedOpenAIChatRequest(
        request=request,
        stream=body.get("stream") is True,
        include_usage=isinstance(stream_options, dict)
        and stream_options.get("include_usage") is True,
    )
