"""Edges around each node and the run's deterministic order (``workflow-graph.ts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["WorkflowGraph", "build_workflow_graph"]


@dataclass(frozen=True)
class WorkflowGraph:
    """Incoming and outgoing edges per node, transitive upstream sets, topological order."""

    incoming: dict[str, list[dict[str, Any]]]
    outgoing: dict[str, list[dict[str, Any]]]
    upstream: dict[str, dict[str, None]]
    """Transitive upstream ids per node, in the insertion order of the TypeScript Set."""
    order: list[str]


def build_workflow_graph(workflow: dict[str, Any]) -> WorkflowGraph:
    """Analyse a validated (acyclic) workflow; ties in the order go to declaration order."""
    node_ids = [node["id"] for node in workflow["nodes"]]
    incoming: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in node_ids}
    outgoing: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in node_ids}
    for edge in workflow["edges"]:
        if edge["to"] in incoming:
            incoming[edge["to"]].append(edge)
        if edge["from"] in outgoing:
            outgoing[edge["from"]].append(edge)
    remaining = {node_id: {edge["from"] for edge in incoming[node_id]} for node_id in node_ids}
    order: list[str] = []
    while remaining:
        ready = next(
            (node_id for node_id in node_ids if node_id in remaining and not remaining[node_id]),
            None,
        )
        if ready is None:
            raise ValueError(f'workflow "{workflow["id"]}" has a cycle')
        order.append(ready)
        del remaining[ready]
        for sources in remaining.values():
            sources.discard(ready)
    upstream: dict[str, dict[str, None]] = {}
    for node_id in order:
        ancestors: dict[str, None] = {}
        for edge in incoming[node_id]:
            ancestors.setdefault(edge["from"], None)
            for ancestor in upstream.get(edge["from"], {}):
                ancestors.setdefault(ancestor, None)
        upstream[node_id] = ancestors
    return WorkflowGraph(incoming, outgoing, upstream, order)
