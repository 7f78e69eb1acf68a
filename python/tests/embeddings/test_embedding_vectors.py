"""The embeddings conformance vectors (``conformance/workflows/embeddings-*.json``) against the
Python app, on the simulator with each vector's scenario. The shared harness runs every vector;
this keeps the embeddings ones checked from this package's own tests too."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalyst_runtime.app import create_app
from catalyst_runtime.providers import Providers
from tests.conftest import Simulator

REPO = Path(__file__).resolve().parents[3]
VECTORS = sorted((REPO / "conformance" / "workflows").glob("embeddings-*.json"))


def _environment(simulator_url: str) -> dict[str, str]:
    raw = json.loads((REPO / "conformance" / "environment.json").read_text())
    return {
        name: value.replace("{SIMULATOR}", simulator_url)
        for name, value in raw.items()
        if not name.startswith("//")
    }


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


def _put_scenario(simulator: Simulator, scenario: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{simulator.url}/_sim/scenario",
        method="PUT",
        data=json.dumps(scenario).encode(),
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(request).close()


def test_there_are_embedding_vectors() -> None:
    assert len(VECTORS) >= 8


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_embedding_vector(path: Path, simulator: Simulator) -> None:
    vector = json.loads(path.read_text())
    workflow = vector["workflow"]
    assert isinstance(workflow, dict), "embedding vectors carry their workflow inline"
    _put_scenario(simulator, vector.get("scenario") or {"rules": []})
    simulator.reset()
    environment = _environment(simulator.url)
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
