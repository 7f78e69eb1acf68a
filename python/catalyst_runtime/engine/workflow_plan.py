"""What a run needs from a workflow's shape, worked out once per shape rather than once per run.

The scheduler of :func:`~catalyst_runtime.engine.execute_workflow.execute_workflow` needs the
topological order, each node's incoming edges (source, handle, source type), where its outgoing
edges lead, the handles they leave from and the nodes upstream of it (its scope). All of that
depends only on the node ids and types and on the edges, so it is kept in a small table keyed by
exactly those: the node ``(id, type)`` pairs and the edge ``(from, to, fromHandle)`` triples, in
order.

Why a plan cannot go stale: its key *is* everything it is computed from. A workflow changed in place
(an edge added, a node renamed or retyped) has another key and gets a new plan; two workflow objects
of the same shape share one plan, which is correct because nothing in it depends on anything else.
The plan holds no node dicts and no config: those are read from the workflow on every run, so a
prompt edited in place is seen by the next run. Building the key costs a pass over the nodes and
edges building small tuples, much less than building the graph (Kahn's algorithm, the upstream
walk of every node).

Example::

    plan = workflow_plan(workflow)
    plan.order               # ['question', 'answer', 'result']
    plan.nodes['answer'].upstream   # ('question',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalyst_runtime.engine.workflow_graph import build_workflow_graph

__all__ = ["NodePlan", "WorkflowPlan", "workflow_plan"]


@dataclass(frozen=True)
class NodePlan:
    """One node's place in the run."""

    index: int
    """Where the node sits in ``workflow["nodes"]`` (the last node with this id, as a dict by id
    keeps it; validation rejects repeated ids anyway)."""
    position: int
    """Its place in :attr:`WorkflowPlan.order`."""
    type: str
    """Its node type."""
    incoming: tuple[tuple[str, str, str], ...]
    """Each incoming edge in edge order: source id, source handle (``output`` when unnamed),
    source node type."""
    targets: tuple[str, ...]
    """The target of each outgoing edge in edge order (a target counted once per edge)."""
    outgoing_handles: frozenset[str]
    """The handles its outgoing edges leave from."""
    upstream: tuple[str, ...]
    """Every node upstream of it in the TypeScript runtime's scope order (see
    :meth:`WorkflowGraph.upstream_of`)."""


@dataclass(frozen=True)
class WorkflowPlan:
    """The shape of a workflow as the scheduler reads it."""

    order: tuple[str, ...]
    """Node ids in the run's deterministic topological order."""
    nodes: Mapping[str, NodePlan]
    """Each node's plan by id."""
    output_node: str | None
    """The id of the first ``output`` node in declaration order, whose output is the result."""


_PLANS: dict[tuple[Any, ...], WorkflowPlan] = {}
_PLAN_LIMIT = 256
"""Plans kept; a process serving more shapes than this starts over (a server has a handful)."""


def workflow_plan(workflow: Mapping[str, Any]) -> WorkflowPlan:
    """The plan of ``workflow``: from the table when a workflow of the same shape was planned
    before, else built (and kept). Raises ``ValueError`` on a cycle, as
    :func:`build_workflow_graph` does; a failed build is not kept."""
    try:
        key = _shape_key(workflow)
        plan = _PLANS.get(key)
    except TypeError:
        # Something unhashable where an id, type or handle belongs: not a valid workflow, so
        # no plan is kept and the build reports it as it always did.
        return build_workflow_plan(workflow)
    if plan is None:
        plan = build_workflow_plan(workflow)
        if len(_PLANS) >= _PLAN_LIMIT:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def _shape_key(workflow: Mapping[str, Any]) -> tuple[Any, ...]:
    """Everything :func:`build_workflow_plan` reads from ``workflow``."""
    return (
        tuple([(node["id"], node["type"]) for node in workflow["nodes"]]),
        tuple([(edge["from"], edge["to"], edge.get("fromHandle")) for edge in workflow["edges"]]),
    )


def build_workflow_plan(workflow: Mapping[str, Any]) -> WorkflowPlan:
    """The plan of ``workflow``, built now (no table)."""
    graph = build_workflow_graph(dict(workflow))
    index_of: dict[str, int] = {}
    type_of: dict[str, str] = {}
    for index, node in enumerate(workflow["nodes"]):
        index_of[node["id"]] = index
        type_of[node["id"]] = node["type"]
    nodes: dict[str, NodePlan] = {}
    for position, node_id in enumerate(graph.order):
        outgoing = graph.outgoing.get(node_id, [])
        nodes[node_id] = NodePlan(
            index=index_of[node_id],
            position=position,
            type=type_of[node_id],
            incoming=tuple(
                (edge["from"], edge.get("fromHandle") or "output", type_of[edge["from"]])
                for edge in graph.incoming.get(node_id, [])
            ),
            targets=tuple(edge["to"] for edge in outgoing),
            outgoing_handles=frozenset(edge.get("fromHandle") or "output" for edge in outgoing),
            upstream=tuple(graph.upstream_of(node_id)),
        )
    output_node = next((node["id"] for node in workflow["nodes"] if node["type"] == "output"), None)
    return WorkflowPlan(order=tuple(graph.order), nodes=nodes, output_node=output_node)
