"""Tests of this service. Run ``pytest``: they need no network and no key, as a scripted provider
stands in for every model (``catalyst_runtime.testing``).

``sample.json`` beside this file holds what the tests need to know of the workflow: an input that
matches its input schema (``catalyst build`` makes one from the schema; replace it with a real one)
and the nodes that call a provider (completions, routers, embeddings).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.workflow import WORKFLOW
from catalyst_runtime.server import create_app
from catalyst_runtime.testing import ScriptedProviders

SAMPLE: dict[str, Any] = json.loads((Path(__file__).parent / "sample.json").read_text("utf-8"))
SAMPLE_INPUT: Any = SAMPLE["input"]
MODEL_NODES: list[str] = SAMPLE["modelNodes"]
WORKFLOW_ID = WORKFLOW.id
REPLY = "A scripted answer."


def scripted_client() -> tuple[TestClient, ScriptedProviders]:
    providers = ScriptedProviders(reply=REPLY)
    service = create_app([WORKFLOW.to_dict()], providers=providers, environment={})
    return TestClient(service), providers


def parse_events(body: str) -> list[tuple[str, Any]]:
    """``event: NAME\\ndata: JSON`` frames (``id:`` lines ignored); ``:`` comments skipped."""
    events: list[tuple[str, Any]] = []
    for frame in body.split("\n\n"):
        if not frame or frame.startswith(":"):
            continue
        name, data = [line for line in frame.split("\n") if not line.startswith("id: ")]
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


def test_health_reports_one_workflow() -> None:
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "workflows": 1}


def test_workflows_lists_this_workflow_with_its_input_schema() -> None:
    with TestClient(app) as client:
        listed = client.get("/workflows").json()["workflows"]
    assert [(item["id"], item["name"], item["input"]) for item in listed] == [
        (WORKFLOW.id, WORKFLOW.name, WORKFLOW.input)
    ]


def test_openapi_documents_run_and_stream() -> None:
    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert f"/workflows/{WORKFLOW_ID}/run" in paths
    assert f"/workflows/{WORKFLOW_ID}/stream" in paths


def test_a_body_that_is_not_json_is_a_400() -> None:
    with TestClient(app) as client:
        response = client.post(
            f"/workflows/{WORKFLOW_ID}/run",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 400
    assert response.json()["error"]["kind"] == "invalid_json"


def test_a_body_that_is_not_declared_json_is_a_415() -> None:
    with TestClient(app) as client:
        response = client.post(f"/workflows/{WORKFLOW_ID}/run", content=b"{}")
    assert response.status_code == 415
    assert response.json()["error"]["kind"] == "unsupported_media_type"


def test_an_unknown_workflow_is_a_404() -> None:
    with TestClient(app) as client:
        response = client.post("/workflows/no-such-workflow/run", json={})
    assert response.status_code == 404
    assert response.json()["error"]["kind"] == "not_found"


@pytest.mark.skipif(
    WORKFLOW.input.get("type") != "object", reason="the input schema does not ask for an object"
)
def test_input_that_breaks_the_schema_is_a_422() -> None:
    with TestClient(app) as client:
        response = client.post(f"/workflows/{WORKFLOW_ID}/run", json=["not", "an", "object"])
    assert response.status_code == 422
    assert response.json()["error"]["kind"] == "invalid_input"


def xfail_if_the_sample_input_cannot_run(error: dict[str, Any]) -> None:
    """SAMPLE_INPUT is made up from the schema; when the workflow itself rejects it (an
    expression or a setting that needs other data), say so instead of failing."""
    if error.get("kind") in ("expression", "validation"):
        pytest.xfail(f"the sample input does not run through this workflow: {error}")


def test_run_answers_with_the_result_of_the_graph() -> None:
    client, providers = scripted_client()
    with client:
        response = client.post(f"/workflows/{WORKFLOW_ID}/run", json=SAMPLE_INPUT)
    if response.status_code != 200:
        xfail_if_the_sample_input_cannot_run(response.json()["error"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["output", "text", "tokenCount", "usage", "cost"]
    assert set(body["usage"]) <= set(MODEL_NODES)
    assert bool(providers.requests) == bool(body["usage"])


def test_stream_sends_node_and_token_events_and_ends_with_done() -> None:
    client, _providers = scripted_client()
    with (
        client,
        client.stream("POST", f"/workflows/{WORKFLOW_ID}/stream", json=SAMPLE_INPUT) as response,
    ):
        body = "".join(response.iter_text())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-accel-buffering"] == "no"
    events = parse_events(body)
    assert events[0][0] == "node"
    names = [name for name, _ in events]
    assert names.count("done") + names.count("error") == 1
    if events[-1][0] == "error":
        xfail_if_the_sample_input_cannot_run(events[-1][1])
    assert events[-1][0] == "done", events[-1]
    assert all(data["node"] in MODEL_NODES for name, data in events if name == "token")
    assert events[-1][1]["tokenCount"] == sum(1 for name, _ in events if name == "token")
