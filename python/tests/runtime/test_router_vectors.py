"""The ``conformance/workflows/router-*.json`` vectors, and the cost and prompt-caching ones
(``cost-*``, ``cache-*``), against the Python app (the TypeScript runtime runs every vector in
``packages/runtime/src/conformance.test.ts``): same status, same JSON, same event sequence — route
decisions, fallback events, per-attempt usage, cache tokens, costs and error messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app
from tests.event_frames import check_event_ids, parse_events

REPO = Path(__file__).resolve().parents[3]
VECTORS = sorted(
    path
    for pattern in ("router-*.json", "cost-*.json", "cache-*.json")
    for path in (REPO / "conformance" / "workflows").glob(pattern)
)


def _by_node(events: list[list[Any]]) -> dict[str, list[list[Any]]]:
    groups: dict[str, list[list[Any]]] = {}
    for event in events:
        node = event[1].get("node") if isinstance(event[1], dict) else None
        groups.setdefault(node if isinstance(node, str) else "(run)", []).append(event)
    return groups


@pytest.mark.asyncio
@pytest.mark.parametrize("path", VECTORS, ids=[path.name for path in VECTORS])
async def test_router_vector(
    path: Path, scenario: Any, vector_environment: dict[str, str], simulated_providers: Providers
) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    workflow = vector["workflow"]
    if isinstance(workflow, str):
        workflow = json.loads((REPO / workflow).read_text(encoding="utf-8"))
    scenario(vector.get("scenario") or {"rules": []})
    app = create_app([workflow], providers=simulated_providers, environment=vector_environment)
    request = vector["request"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
    ) as client:
        response = await client.post(
            f"/workflows/{request.get('workflowId', workflow['id'])}/{request['endpoint']}",
            content=request.get("body", json.dumps(request.get("input", {}))),
            headers={"content-type": "application/json"},
        )
    expected = vector["expected"]
    assert response.status_code == expected["status"]
    if response.headers["content-type"].startswith("text/event-stream"):
        check_event_ids(response.text, response.headers.get("x-catalyst-run-id"))
        events = parse_events(response.text)
        if vector.get("ordering") == "per-node":
            assert _by_node(events) == _by_node(expected["events"])
            assert events[-1] == expected["events"][-1]
        else:
            assert events == expected["events"]
    else:
        assert response.json() == expected["json"]
