"""Every ``…Completion`` node (TypeScript: ``runtime/executors/completion-executor``): the
chat request a node sends, the stream it consumes and the output it gives; the ``llmRouter`` node
shares all three."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.engine.node_failure import NodeFailure
from catalyst_runtime.engine.render_config_value import render_template_text
from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.providers.create_provider import ChatRequest

__all__ = [
    "StreamOutcome",
    "build_chat_request",
    "completion_output",
    "completion_result",
    "consume_provider_stream",
    "execute_completion",
]


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _js_string_of(value: Any, present: bool) -> str:
    # String(value) for the model id, as the TypeScript executor builds it.
    if not present:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, str):
        return value
    return str(value)


def _response_format(value: Any) -> dict[str, Any] | None:
    if value is None or value == "text":
        return None
    if value == "json_object":
        return {"type": "json_object"}
    if isinstance(value, dict) and value.get("type") == "json_schema":
        return value
    return None


def completion_output(result: Mapping[str, Any], response_type: str | None) -> dict[str, Any]:
    """A completion's node output (text, json, toolCalls, finishReason, provider, model, usage,
    cost), shared by completion and router nodes."""
    output: dict[str, Any] = {"text": result["text"]}
    if response_type is not None and response_type != "text":
        output["json"] = result.get("json")
    output["toolCalls"] = [
        {"id": call["id"], "name": call["name"], "arguments": call.get("input")}
        for call in result["toolCalls"]
    ]
    output["finishReason"] = result["finishReason"]
    output["provider"] = result["provider"]
    output["model"] = result["model"]
    output["usage"] = dict(result["usage"])
    output["cost"] = dict(result["cost"]) if result["cost"] else None
    return output


def build_chat_request(context: NodeContext) -> ChatRequest:
    """The chat request a completion node sends, as the TypeScript completion executor builds it."""
    config, node_id, scope = context.config, context.node["id"], context.scope
    messages: list[dict[str, Any]] = []
    system: str | None = None
    if isinstance(config.get("messages"), list):
        for index, message in enumerate(config["messages"]):
            content = render_template_text(
                node_id, f"messages[{index}].content", message["content"], scope
            )
            messages.append(_message(message["role"], content, message.get("cache")))
    if isinstance(config.get("prompt"), str):
        messages.append(
            {
                "role": "user",
                "content": render_template_text(node_id, "prompt", config["prompt"], scope),
            }
        )
    if not messages:
        for upstream in context.upstream:
            value = upstream.output
            if not isinstance(value, dict):
                continue
            if isinstance(value.get("messages"), list):
                for message in value["messages"]:
                    messages.append(
                        _message(message["role"], message["content"], message.get("cache"))
                    )
                if isinstance(value.get("system"), str):
                    system = value["system"]
                break
            if isinstance(value.get("text"), str):
                messages.append({"role": "user", "content": value["text"]})
                break
    if not messages:
        raise NodeFailure(
            node=node_id,
            kind="validation",
            message=f'node "{node_id}" has nothing to send: set "prompt" or "messages", or '
            "connect a promptTemplate to its input",
        )
    if isinstance(config.get("system"), str):
        system = render_template_text(node_id, "system", config["system"], scope)
    request = ChatRequest(
        model=_js_string_of(config.get("model"), "model" in config), messages=messages
    )
    request.system = system
    if _is_number(config.get("temperature")):
        request.temperature = config["temperature"]
    if _is_number(config.get("maxTokens")):
        request.max_tokens = config["maxTokens"]
    if isinstance(config.get("stop"), list):
        request.stop = config["stop"]
    if isinstance(config.get("tools"), list):
        request.tools = config["tools"]
    if "toolChoice" in config:
        request.tool_choice = config["toolChoice"]
    request.response_format = _response_format(config.get("responseFormat"))
    # `timeoutMs` is per attempt, as documented: a timed-out attempt with no token yet is retried.
    if _is_number(config.get("timeoutMs")):
        request.attempt_timeout_ms = config["timeoutMs"]
    if _is_number(config.get("firstTokenTimeoutMs")):
        request.first_token_timeout_ms = config["firstTokenTimeoutMs"]
    if _is_number(config.get("idleTimeoutMs")):
        request.idle_timeout_ms = config["idleTimeoutMs"]
    if _is_number(config.get("maxRetries")):
        request.max_retries = int(config["maxRetries"])
    if config.get("cache") is True:
        request.cache = True
    return request


def _message(role: str, content: str, cache: object) -> dict[str, Any]:
    """A chat message; ``cache: true`` (a cache breakpoint after it) only when set."""
    message: dict[str, Any] = {"role": role, "content": content}
    if cache is True:
        message["cache"] = True
    return message


@dataclass
class StreamOutcome:
    """How one provider stream ended, as :func:`consume_provider_stream` saw it."""

    result: dict[str, Any] | None
    """The ``done`` event without its ``type``, when the call succeeded."""
    failure: dict[str, Any] | None
    """The ``error`` event, when the call failed."""
    tokens: int
    """Tokens forwarded to the run as ``token`` events."""
    tool_call_deltas: int
    """Tool-call fragments forwarded to the run as ``tool-call-delta`` events."""
    received: int
    """Token events the provider sent, forwarded or not: what a cut attempt was billed for."""
    first_output_at: float | None
    """The ``clock`` reading at the first token or tool-call delta (None without a clock)."""


async def consume_provider_stream(
    *,
    context: NodeContext,
    events: AsyncIterator[dict[str, Any]],
    forward_tokens: bool,
    clock: Callable[[], float] | None = None,
) -> StreamOutcome:
    """Reads one provider stream to its terminal event, forwarding tokens as the node's ``token``
    events and tool-call fragments as its ``tool-call-delta`` events (unless ``forward_tokens``
    is false); always closes the stream, which closes the provider connection."""
    node_id = context.node["id"]
    outcome = StreamOutcome(
        result=None,
        failure=None,
        tokens=0,
        tool_call_deltas=0,
        received=0,
        first_output_at=None,
    )
    emit = context.emit
    try:
        async for event in events:
            kind = event["type"]
            if kind == "token":
                # The common event first, tested once.
                if clock is not None and outcome.first_output_at is None:
                    outcome.first_output_at = clock()
                outcome.received += 1
                if forward_tokens:
                    outcome.tokens += 1
                    emit({"type": "token", "node": node_id, "text": event["text"]})
            elif kind == "tool-call-delta":
                if clock is not None and outcome.first_output_at is None:
                    outcome.first_output_at = clock()
                if forward_tokens:
                    outcome.tool_call_deltas += 1
                    emit(_tool_call_delta_event(node_id, event))
            elif kind == "done":
                outcome.result = {key: value for key, value in event.items() if key != "type"}
                break
            elif kind == "error":
                outcome.failure = event
                break
    finally:
        await events.aclose()  # type: ignore[attr-defined]
    return outcome


def _tool_call_delta_event(node_id: str, delta: Mapping[str, Any]) -> dict[str, Any]:
    """The run's ``tool-call-delta`` event of a provider's fragment, keys in the TypeScript
    order; ``id`` and ``name`` only when the provider sent them with this fragment."""
    event: dict[str, Any] = {"type": "tool-call-delta", "node": node_id, "index": delta["index"]}
    if "id" in delta:
        event["id"] = delta["id"]
    if "name" in delta:
        event["name"] = delta["name"]
    event["argumentsDelta"] = delta["argumentsDelta"]
    return event


def completion_result(
    context: NodeContext, result: Mapping[str, Any], output: dict[str, Any], usage: dict[str, Any]
) -> NodeResult:
    """The node result of a finished completion: a tool call takes the ``function_call`` handle
    when something is connected to it, else ``output`` and ``stream`` carry the answer."""
    called_tool = len(result["toolCalls"]) > 0 and context.has_outgoing("function_call")
    return NodeResult(
        output,
        ["function_call"] if called_tool else ["output", "stream"],
        usage=usage,
        text=result["text"],
        warnings=result.get("warnings"),
    )


async def execute_completion(context: NodeContext) -> NodeResult:
    """Every ``…Completion`` node: stream one chat request, forward tokens, output the result."""
    node_id = context.node["id"]
    provider_name = context.definition.provider
    if not provider_name:
        raise RuntimeError(f"node type {context.definition.type} has no provider")
    request = build_chat_request(context)
    outcome = await consume_provider_stream(
        context=context,
        events=context.providers(provider_name).stream(request),
        forward_tokens=context.config.get("stream") is not False,
    )
    if outcome.failure is not None:
        error = outcome.failure["error"]
        raise NodeFailure(
            node=node_id, kind=error["kind"], message=error["message"], retryable=error["retryable"]
        )
    result = outcome.result
    if result is None:
        raise RuntimeError(f"provider stream for node {node_id} ended without a result")
    response_type = request.response_format.get("type") if request.response_format else None
    usage = {
        "provider": result["provider"],
        "model": result["model"],
        "usage": result["usage"],
        "cost": result["cost"],
    }
    return completion_result(context, result, completion_output(result, response_type), usage)
