"""The ``input`` executor (``packages/runtime/src/executors/input-executor.ts``)."""

from __future__ import annotations

from catalyst_runtime.engine.node_context import NodeContext, NodeResult

__all__ = ["execute_input"]


async def execute_input(context: NodeContext) -> NodeResult:
    """``input``: its output is the run input."""
    return NodeResult(context.scope.get("input"), ["output"])
