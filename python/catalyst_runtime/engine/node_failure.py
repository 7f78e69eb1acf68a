"""A node's failure as the run reports it (``packages/runtime/src/node-failure.ts``)."""

from __future__ import annotations

from catalyst_runtime.javascript.json_text import js_string
from catalyst_runtime.workflow.expressions import ExpressionError

__all__ = ["NodeFailure", "expression_failure"]


class NodeFailure(Exception):
    """Why a node failed, already in the shape of the run's terminal ``error`` event."""

    def __init__(self, *, node: str, kind: str, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.node = node
        self.kind = kind
        self.message = message
        self.retryable = retryable


def expression_failure(node: str, field: str, error: ExpressionError) -> NodeFailure:
    """An expression error as a run failure naming the node, the field and the template."""
    return NodeFailure(
        node=node,
        kind="expression",
        message=f'node "{node}" field "{field}": {error} in {js_string(error.source)}',
    )
