"""The plan of a workflow's shape: built once per shape, never served for another shape, and the
same graph facts as :func:`build_workflow_graph`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from catalyst_runtime.engine import workflow_plan as plan_module
from catalyst_runtime.engine.execute_workflow import execute_workflow
from catalyst_runtime.engine.workflow_graph import WorkflowGraph, build_workflow_graph
from catalyst_runtime.engine.workflow_plan import build_workflow_plan, workflow_plan


def _flow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "f", "name": "F", "input": {"type": "object"}, "nodes": nodes, "edges": edges}


def _diamond() -> dict[str, Any]:
    # input → a, b (b through its "yes" handle) → out, declared out of topological order.
    return _flow(
        [
            {"id": "out", "type": "output"},
            {"id": "b", "type": "promptTemplate", "config": {"messages": []}},
            {"id": "input", "type": "input"},
            {"id": "a", "type": "promptTemplate", "config": {"messages": []}},
        ],
        [
            {"from": "input", "to": "a"},
            {"from": "input", "to": "b", "fromHandle": "yes"},
            {"from": "b", "to": "out"},
            {"from": "a", "to": "out"},
        ],
    )


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []

    def counting(workflow: dict[str, Any]) -> WorkflowGraph:
        built.append(workflow["id"])
        return build_workflow_graph(workflow)

    monkeypatch.setattr(plan_module, "build_workflow_graph", counting)
    monkeypatch.setattr(plan_module, "_PLANS", {})
    return built


def test_the_plan_holds_what_the_graph_gives() -> None:
    flow = _diamond()
    graph = build_workflow_graph(flow)
    plan = build_workflow_plan(flow)
    assert list(plan.order) == graph.order == ["input", "b", "a", "out"]
    for node_id in graph.order:
        node = plan.nodes[node_id]
        assert list(node.upstream) == graph.upstream_of(node_id)
        assert [source for source, _, _ in node.incoming] == [
            edge["from"] for edge in graph.incoming[node_id]
        ]
        assert list(node.targets) == [edge["to"] for edge in graph.outgoing[node_id]]
        assert flow["nodes"][node.index]["id"] == node_id
    assert plan.nodes["input"].outgoing_handles == {"output", "yes"}
    assert plan.nodes["b"].incoming == (("input", "yes", "input"),)
    assert plan.output_node == "out"


def test_a_second_run_of_a_workflow_does_not_plan_again(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    flow = _diamond()
    first = workflow_plan(flow)
    assert workflow_plan(flow) is first
    # Another object of the same shape shares the plan: nothing in it depends on anything else.
    assert workflow_plan(copy.deepcopy(flow)) is first
    assert built == ["f"]


def test_a_changed_shape_gets_a_new_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    flow = _diamond()
    before = workflow_plan(flow)
    # Changed in place, the same object: an edge's handle, then an edge removed, a node retyped
    # and a node renamed. Each is a new shape with its own plan.
    flow["edges"][1]["fromHandle"] = "no"
    assert workflow_plan(flow).nodes["b"].incoming == (("input", "no", "input"),)
    flow["edges"].pop(3)
    assert workflow_plan(flow).nodes["out"].upstream == ("b", "input")
    flow["nodes"][3]["type"] = "output"
    assert workflow_plan(flow).output_node == "out"
    flow["nodes"][0]["id"] = "result"
    changed = workflow_plan(flow)
    assert "out" not in changed.nodes and changed.nodes["result"].upstream == ()
    assert changed is not before and len(built) == 5


def test_a_cycle_is_reported_every_time_and_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    _counting_builds(monkeypatch)
    flow = _flow(
        [{"id": "a", "type": "promptTemplate"}, {"id": "b", "type": "promptTemplate"}],
        [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}],
    )
    for _ in range(2):
        with pytest.raises(ValueError, match="has a cycle"):
            workflow_plan(flow)
    assert plan_module._PLANS == {}


def test_an_unhashable_handle_is_planned_without_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    flow = _diamond()
    flow["edges"][0]["fromHandle"] = ["not", "a", "handle"]
    with pytest.raises(TypeError):
        # The graph itself cannot use it either (a list is no handle name).
        workflow_plan(flow)
    assert plan_module._PLANS == {} and built == ["f"]


@pytest.mark.asyncio
async def test_runs_see_configs_changed_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    flow = _flow(
        [
            {"id": "input", "type": "input"},
            {"id": "out", "type": "output", "config": {"value": {"said": "{{ input.q }}"}}},
        ],
        [{"from": "input", "to": "out"}],
    )

    async def result() -> Any:
        events = [
            event
            async for event in execute_workflow(
                workflow=flow, input={"q": "hi"}, providers=_no_provider, environment={}
            )
        ]
        return events[-1]["output"]

    assert await result() == {"said": "hi"}
    flow["nodes"][1]["config"]["value"] = {"again": "{{ input.q }} {{ input.q }}"}
    assert await result() == {"again": "hi hi"}
    assert built == ["f"]


def _no_provider(name: str) -> Any:
    raise AssertionError(f"no provider is called (asked for {name})")
