"""The ``promptTemplate`` executor
(TypeScript: ``runtime/executors/prompt-template-executor``)."""

from __future__ import annotations

from typing import Any

from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.engine.render_config_value import render_deep, render_template_text

__all__ = ["execute_prompt_template"]


async def execute_prompt_template(context: NodeContext) -> NodeResult:
    """``promptTemplate``: ``variables`` first (visible as ``variables.NAME``), then system and
    messages."""
    config, node_id = context.config, context.node["id"]
    scope = context.scope
    if "variables" in config:
        variables = render_deep(node_id, "variables", config["variables"], scope)
        scope = {**scope, "variables": variables}
    messages: list[dict[str, Any]] = []
    for index, message in enumerate(config.get("messages") or []):
        rendered: dict[str, Any] = {
            "role": message["role"],
            "content": render_template_text(
                node_id, f"messages[{index}].content", message["content"], scope
            ),
        }
        # Carried to the completion node, which places the cache breakpoint.
        if message.get("cache") is True:
            rendered["cache"] = True
        messages.append(rendered)
    output: dict[str, Any] = {}
    if isinstance(config.get("system"), str):
        output["system"] = render_template_text(node_id, "system", config["system"], scope)
    output["messages"] = messages
    output["text"] = "\n\n".join(message["content"] for message in messages)
    return NodeResult(output, ["output"])
