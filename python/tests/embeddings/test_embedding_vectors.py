"""The embeddings conformance vectors (``conformance/workflows/embeddings-*.json``) against the
Python app, on the simulator with each vector's scenario. The shared harness runs every vector;
this keeps the embeddings ones checked from this package's own tests too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app

REPO = Path(__file__).resolve().parents[3]
VECTORS = sorted((REPO / "conformance" / "workflows").glob("embeddings-*.json"))


def _events(body: str) -> list[list[Any]]:
    events: list[list[Any]] = []
    for frame in body.split("\n\n"):
        lines = [line for line in frame.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        name = next(line[7:] for line in lines if line.startswith("event: "))
        data = next(line[6:] for line in lines if line.startswith("data: "))
        events.append([name, json.loads(data)])
    return events


def test_there_are_embedding_vectors() -> None:
    assert len(VECTORS) >= 8


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_embedding_vector(path: Path, scenario: Any, vector_environment: dict[str, str]) -> None:
    vector = json.loads(path.read_text())
    workflow = vector["workflow"]
    assert isinstance(workflow, dict), "embedding vectors carry their workflow inline"
    scenario(vector.get("scenario") or {"rules": []})
    environment = vector_environment
    app = create_app(
        [workflow], providers=Providers(environment=environment), environment=environment
    )
    request = vector["request"]
    with TestClient(app) as client:
        response = client.post(
            f"/workflows/{workflow['id']}/{request['endpoint']}",
            content=json.dumps(request.get("input", {})).encode(),
            headers={"content-type": "application/json"},
        )
    expected = vector["expected"]
    assert response.status_code == expected["status"]
    # Compared as JSON text, so key order counts as it does on the wire.
    if "events" in expected:
        assert json.dumps(_events(response.text)) == json.dumps(expected["events"])
    else:
        assert json.dumps(response.json()) == json.dumps(expected["json"])
