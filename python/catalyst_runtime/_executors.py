"""The node executors (``packages/runtime/src/executors/``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard

from ._embedding_executor import execute_embedding
from ._node_types import NodeType
from ._render import NodeFailure, render_deep, render_template_text
from ._router import execute_llm_router
from ._router_state import RouterState
from .expressions import format_double
from .providers import ChatRequest, LanguageModelProvider

__all__ = ["EXECUTORS", "NodeContext", "NodeExecutor", "NodeResult", "UpstreamValue"]


@dataclass(frozen=True)
class UpstreamValue:
    """An active incoming connection and the value it carries."""

    node: str
    node_type: str
    handle: str
    output: Any


@dataclass
class NodeResult:
    """A node's outcome: output, active handles, usage (provider nodes), streamed text."""

    output: Any
    active_handles: list[str]
    usage: dict[str, Any] | None = None
    text: str | None = None
    warnings: list[dict[str, Any]] | None = None
    """Settings the provider could not honour (``CallWarning`` dicts), for ``done.warnings``."""


class ProviderResolver(Protocol):
    def __call__(self, name: str) -> LanguageModelProvider: ...


@dataclass
class NodeContext:
    """What an executor gets to run one node."""

    node: dict[str, Any]
    definition: NodeType
    config: dict[str, Any]
    scope: dict[str, Any]
    upstream: list[UpstreamValue]
    emit: Callable[[dict[str, Any]], None]
    providers: ProviderResolver
    outgoing_handles: frozenset[str]
    # ``embeddingGenerate``: the embeddings endpoint of a provider, and the app's per-text cache.
    embedders: Callable[[str], Any] | None = None
    embedding_cache: Any = None
    # ``llmRouter``: latency, cooldown and rotation state (one per run when None), and the clock
    # (ms) time to first token is measured with.
    router_state: RouterState | None = None
    now: Callable[[], float] | None = None

    def has_outgoing(self, handle: str) -> bool:
        return handle in self.outgoing_handles


NodeExecutor = Callable[[NodeContext], Awaitable[NodeResult]]


async def execute_input(context: NodeContext) -> NodeResult:
    """``input``: its output is the run input."""
    return NodeResult(context.scope.get("input"), ["output"])


async def execute_output(context: NodeContext) -> NodeResult:
    """``output``: ``value`` rendered, else the single upstream output, else one per node."""
    if "value" in context.config:
        value = render_deep(context.node["id"], "value", context.config["value"], context.scope)
        return NodeResult(value, [])
    if len(context.upstream) == 1:
        return NodeResult(context.upstream[0].output, [])
    merged = {upstream.node: upstream.output for upstream in context.upstream}
    return NodeResult(merged, [])


async def execute_prompt_template(context: NodeContext) -> NodeResult:
    """``promptTemplate``: ``variables`` first (visible as ``variables.NAME``), then system and
    messages."""
    config, node_id = context.config, context.node["id"]
    scope = context.scope
    if "variables" in config:
        variables = render_deep(node_id, "variables", config["variables"], scope)
        scope = {**scope, "variables": variables}
    messages = [
        {
            "role": message["role"],
            "content": render_template_text(
                node_id, f"messages[{index}].content", message["content"], scope
            ),
        }
        for index, message in enumerate(config.get("messages") or [])
    ]
    output: dict[str, Any] = {}
    if isinstance(config.get("system"), str):
        output["system"] = render_template_text(node_id, "system", config["system"], scope)
    output["messages"] = messages
    output["text"] = "\n\n".join(message["content"] for message in messages)
    return NodeResult(output, ["output"])


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
    """The chat request a completion node sends (``completion-executor.ts``)."""
    config, node_id, scope = context.config, context.node["id"], context.scope
    messages: list[dict[str, Any]] = []
    system: str | None = None
    if isinstance(config.get("messages"), list):
        for index, message in enumerate(config["messages"]):
            content = render_template_text(
                node_id, f"messages[{index}].content", message["content"], scope
            )
            messages.append({"role": message["role"], "content": content})
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
                    messages.append({"role": message["role"], "content": message["content"]})
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
    if _is_number(config.get("timeoutMs")):
        request.total_timeout_ms = config["timeoutMs"]
    if _is_number(config.get("maxRetries")):
        request.max_retries = int(config["maxRetries"])
    return request


async def execute_completion(context: NodeContext) -> NodeResult:
    """Every ``…Completion`` node: stream one chat request, forward tokens, output the result."""
    node_id = context.node["id"]
    provider_name = context.definition.provider
    if not provider_name:
        raise RuntimeError(f"node type {context.definition.type} has no provider")
    request = build_chat_request(context)
    stream_tokens = context.config.get("stream") is not False
    result: dict[str, Any] | None = None
    events = context.providers(provider_name).stream(request)
    try:
        async for event in events:
            kind = event["type"]
            if kind == "token":
                if stream_tokens:
                    context.emit({"type": "token", "node": node_id, "text": event["text"]})
            elif kind == "done":
                result = {key: value for key, value in event.items() if key != "type"}
            elif kind == "error":
                error = event["error"]
                raise NodeFailure(
                    node=node_id,
                    kind=error["kind"],
                    message=error["message"],
                    retryable=error["retryable"],
                )
    finally:
        await events.aclose()  # type: ignore[attr-defined]
    if result is None:
        raise RuntimeError(f"provider stream for node {node_id} ended without a result")
    response_type = request.response_format.get("type") if request.response_format else None
    output = completion_output(result, response_type)
    called_tool = len(result["toolCalls"]) > 0 and context.has_outgoing("function_call")
    return NodeResult(
        output,
        ["function_call"] if called_tool else ["output", "stream"],
        usage={
            "provider": result["provider"],
            "model": result["model"],
            "usage": result["usage"],
            "cost": result["cost"],
        },
        text=result["text"],
        warnings=result.get("warnings"),
    )


EXECUTORS: Mapping[str, NodeExecutor] = {
    "input": execute_input,
    "output": execute_output,
    "promptTemplate": execute_prompt_template,
    "anthropicCompletion": execute_completion,
    "openaiCompletion": execute_completion,
    "azureOpenaiCompletion": execute_completion,
    "groqCompletion": execute_completion,
    "geminiCompletion": execute_completion,
    "grokCompletion": execute_completion,
    "localCompletion": execute_completion,
    "embeddingGenerate": execute_embedding,
    "llmRouter": execute_llm_router,
}
"""Executors by node type; completion types share one executor configured by the registry."""
