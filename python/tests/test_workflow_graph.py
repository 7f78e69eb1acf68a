"""The run order and each node's scope order: the same as the TypeScript runtime's, on any DAG."""

from __future__ import annotations

import random
from typing import Any

import pytest

from catalyst_runtime.engine.workflow_graph import build_workflow_graph


def _scope_order_by_recursion(node_id: str, edges: list[dict[str, Any]], into: list[str]) -> None:
    """The definition: each incoming edge's source, then that source's own upstream, once each."""
    for edge in edges:
        if edge["to"] != node_id or edge["from"] in into:
            continue
        into.append(edge["from"])
        _scope_order_by_recursion(edge["from"], edges, into)


def _order_by_definition(node_ids: list[str], edges: list[dict[str, Any]]) -> list[str]:
    """Repeatedly the first node in the file whose sources have all run."""
    order: list[str] = []
    while len(order) < len(node_ids):
        ready = next(
            node_id
            for node_id in node_ids
            if node_id not in order
            and all(edge["from"] in order for edge in edges if edge["to"] == node_id)
        )
        order.append(ready)
    return order


@pytest.mark.parametrize("seed", range(60))
def test_order_and_scope_order_match_their_definitions(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randint(2, 12)
    names = [f"n{index}" for index in range(size)]
    node_ids = names[:]
    rng.shuffle(node_ids)
    edges = [
        {"from": names[low], "to": names[high]}
        for low, high in (
            sorted(rng.sample(range(size), 2)) for _ in range(rng.randint(0, 2 * size))
        )
    ]
    graph = build_workflow_graph(
        {"id": "w", "nodes": [{"id": node_id} for node_id in node_ids], "edges": edges}
    )
    assert graph.order == _order_by_definition(node_ids, edges)
    for node_id in node_ids:
        expected: list[str] = []
        _scope_order_by_recursion(node_id, edges, expected)
        assert graph.upstream_of(node_id) == expected


def test_a_cycle_or_an_edge_from_a_missing_node_is_refused() -> None:
    nodes = [{"id": "a"}, {"id": "b"}]
    with pytest.raises(ValueError, match="has a cycle"):
        build_workflow_graph(
            {
                "id": "w",
                "nodes": nodes,
                "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}],
            }
        )
    with pytest.raises(ValueError, match="has a cycle"):
        build_workflow_graph({"id": "w", "nodes": nodes, "edges": [{"from": "ghost", "to": "b"}]})


def test_a_long_chain_needs_no_recursion() -> None:
    size = 50_000
    edges = [{"from": f"p{index}", "to": f"p{index + 1}"} for index in range(size - 1)]
    graph = build_workflow_graph(
        {"id": "w", "nodes": [{"id": f"p{index}"} for index in range(size)], "edges": edges}
    )
    assert graph.order == [f"p{index}" for index in range(size)]
    upstream = graph.upstream_of(f"p{size - 1}")
    assert len(upstream) == size - 1
    assert upstream[0] == f"p{size - 2}" and upstream[-1] == "p0"
