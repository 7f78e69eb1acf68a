"""The ``output`` executor (``packages/runtime/src/executors/output-executor.ts``)."""

from __future__ import annotations

from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.engine.render_config_value import render_deep

__all__ = ["execute_output"]


async def execute_output(context: NodeContext) -> NodeResult:
    """``output``: ``value`` rendered, else the single upstream output, else one per node."""
    if "value" in context.config:
        value = render_deep(context.node["id"], "value", context.config["value"], context.scope)
        return NodeResult(value, [])
    if len(context.upstream) == 1:
        return NodeResult(context.upstream[0].output, [])
    merged = {upstream.node: upstream.output for upstream in context.upstream}
    return NodeResult(merged, [])
