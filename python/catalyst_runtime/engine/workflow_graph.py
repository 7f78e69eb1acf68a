"""Edges around each node and the run's deterministic order, as the TypeScript runtime has them."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkflowGraph", "build_workflow_graph"]


@dataclass(frozen=True)
class WorkflowGraph:
    """Incoming and outgoing edges per node, topological order, upstream nodes on demand."""

    incoming: dict[str, list[dict[str, Any]]]
    outgoing: dict[str, list[dict[str, Any]]]
    order: list[str]

    def upstream_of(self, node_id: str) -> list[str]:
        """Every node upstream of ``node_id``, in the TypeScript runtime's scope order.

        Depth first along the incoming edges in edge order: each edge's source, then that
        source's own upstream, each node once. Computed when asked rather than stored for every
        node, which on a chain of n nodes would hold n²/2 ids.
        """
        result: list[str] = []
        seen: set[str] = set()
        # An explicit stack of (node, next incoming edge): a long chain must not hit the
        # recursion limit.
        frames: list[list[Any]] = [[node_id, 0]]
        while frames:
            frame = frames[-1]
            edges = self.incoming.get(frame[0], [])
            if frame[1] >= len(edges):
                frames.pop()
                continue
            source: str = edges[frame[1]]["from"]
            frame[1] += 1
            if source in seen:
                continue
            seen.add(source)
            result.append(source)
            frames.append([source, 0])
        return result


def build_workflow_graph(workflow: dict[str, Any]) -> WorkflowGraph:
    """Analyse a validated (acyclic) workflow; ties in the order go to declaration order."""
    # A repeated id counts once, at its first place (validation rejects repeats anyway).
    node_ids = list(dict.fromkeys(node["id"] for node in workflow["nodes"]))
    incoming: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in node_ids}
    outgoing: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in node_ids}
    for edge in workflow["edges"]:
        if edge["to"] in incoming:
            incoming[edge["to"]].append(edge)
        if edge["from"] in outgoing:
            outgoing[edge["from"]].append(edge)
    # Kahn's algorithm; the ready nodes wait in a heap by declaration position, so the first
    # ready node in the file goes next. An edge from a node that does not exist holds its
    # target back for ever, like a cycle.
    position = {node_id: index for index, node_id in enumerate(node_ids)}
    waiting = {node_id: len({edge["from"] for edge in incoming[node_id]}) for node_id in node_ids}
    successors: dict[str, list[str]] = {node_id: [] for node_id in node_ids}
    for node_id in node_ids:
        for source in {edge["from"] for edge in incoming[node_id]}:
            if source in successors:
                successors[source].append(node_id)
    ready = [position[node_id] for node_id in node_ids if waiting[node_id] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node_id = node_ids[heapq.heappop(ready)]
        order.append(node_id)
        for target in successors[node_id]:
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, position[target])
    if len(order) < len(position):
        raise ValueError(f'workflow "{workflow["id"]}" has a cycle')
    return WorkflowGraph(incoming, outgoing, order)
