"""catalyst_runtime.definition (how generated services spell a workflow) and
catalyst_runtime.testing (the scripted providers their tests use)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from catalyst_runtime.definition import Edge, Node, Workflow
from catalyst_runtime.server.create_app import create_app
from catalyst_runtime.testing import ScriptedProviders

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_to_dict_rebuilds_the_workflow_file_without_editor_fields() -> None:
    source = json.loads((EXAMPLES / "chat.json").read_text(encoding="utf-8"))
    nodes = {
        node["id"]: Node(id=node["id"], type=node["type"], config=node.get("config"))
        for node in source["nodes"]
    }
    workflow = Workflow(
        id=source["id"],
        name=source["name"],
        description=source["description"],
        input=source["input"],
        nodes=list(nodes.values()),
        edges=[Edge(nodes[edge["from"]], nodes[edge["to"]]) for edge in source["edges"]],
    )
    expected = {key: value for key, value in source.items() if key != "$schema"}
    assert workflow.to_dict() == expected


def test_edge_handles_and_optional_fields_are_written_only_when_set() -> None:
    model = Node(id="model", type="openaiCompletion", name="Model")
    tool = Node(id="tool", type="output")
    edge = Edge(model, tool, from_handle="function_call")
    assert edge.to_dict() == {"from": "model", "fromHandle": "function_call", "to": "tool"}
    assert model.to_dict() == {"id": "model", "type": "openaiCompletion", "name": "Model"}
    flow = Workflow(id="w", name="W", input={}, nodes=[model, tool], edges=[edge], env=["A"])
    assert list(flow.to_dict()) == ["id", "name", "input", "env", "nodes", "edges"]


@pytest.mark.asyncio
async def test_scripted_providers_stream_the_reply_through_the_provider_loop() -> None:
    question = Node(id="input", type="input")
    answer = Node(id="answer", type="groqCompletion", config={"prompt": "{{ input.q }}"})
    flow = Workflow(
        id="ask",
        name="Ask",
        input={"type": "object"},
        nodes=[question, answer],
        edges=[Edge(question, answer)],
    )
    providers = ScriptedProviders(reply="Paris is the capital.")
    app = create_app([flow.to_dict()], providers=providers, environment={})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/workflows/ask/run", json={"q": "Capital of France?"})
    body = response.json()
    assert response.status_code == 200
    assert body["text"] == "Paris is the capital."
    assert body["tokenCount"] == 4
    assert body["usage"]["answer"]["usage"]["outputTokens"] == 4
    assert [(name, request.messages) for name, request in providers.requests] == [
        ("groq", [{"role": "user", "content": "Capital of France?"}])
    ]
