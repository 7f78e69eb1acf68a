"""Workflow definitions as Python objects: how a generated service spells out its graph.

``Node``, ``Edge`` and ``Workflow`` build exactly the dict a workflow file holds
(:meth:`Workflow.to_dict`), which :func:`catalyst_runtime.server.create_app` serves and
:func:`catalyst_runtime.engine.execute_workflow.execute_workflow` runs. Edges point at ``Node``
objects, so the graph reads as Python: ``Edge(prompt, answer)``.

Example::

    question = Node(id="input", type="input")
    answer = Node(id="answer", type="anthropicCompletion", config={"prompt": "{{ input.q }}"})
    WORKFLOW = Workflow(
        id="chat", name="Chat", input={"type": "object"},
        nodes=[question, answer], edges=[Edge(question, answer)],
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Edge", "Node", "Workflow"]


@dataclass(frozen=True, eq=False)
class Node:
    """One node: its id (expressions reach its output as ``nodes.<id>``), type and settings."""

    id: str
    type: str
    config: dict[str, Any] | None = None
    name: str | None = None
    """Shown in editors only."""

    def to_dict(self) -> dict[str, Any]:
        node: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.name is not None:
            node["name"] = self.name
        if self.config is not None:
            node["config"] = self.config
        return node


@dataclass(frozen=True, eq=False)
class Edge:
    """``source`` feeds ``target``. ``from_handle`` ``function_call`` is active only when the
    source model called a tool; the default handle ``output`` always is."""

    source: Node
    target: Node
    from_handle: str | None = None
    to_handle: str | None = None

    def to_dict(self) -> dict[str, Any]:
        edge: dict[str, Any] = {"from": self.source.id}
        if self.from_handle is not None:
            edge["fromHandle"] = self.from_handle
        edge["to"] = self.target.id
        if self.to_handle is not None:
            edge["toHandle"] = self.to_handle
        return edge


@dataclass(frozen=True, eq=False)
class Workflow:
    """A workflow: the HTTP routes are ``/workflows/<id>/run`` and ``/workflows/<id>/stream``;
    ``input`` is the JSON Schema every request body is checked against."""

    id: str
    name: str
    input: dict[str, Any]
    nodes: Sequence[Node]
    edges: Sequence[Edge]
    description: str | None = None
    output: dict[str, Any] | None = None
    """JSON Schema of the result, for the OpenAPI document."""
    env: Sequence[str] = field(default_factory=tuple)
    """Environment variables expressions may read as ``env.NAME``; no other is visible."""

    def to_dict(self) -> dict[str, Any]:
        """The workflow as its JSON file holds it (editor positions aside)."""
        workflow: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            workflow["description"] = self.description
        workflow["input"] = self.input
        if self.output is not None:
            workflow["output"] = self.output
        if self.env:
            workflow["env"] = list(self.env)
        workflow["nodes"] = [node.to_dict() for node in self.nodes]
        workflow["edges"] = [edge.to_dict() for edge in self.edges]
        return workflow
