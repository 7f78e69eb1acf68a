"""The ``http-*``, ``fault-*``, ``bad-request-*``, ``gateway-*``, ``stream-*`` and ``ui-*`` vectors
of ``conformance/workflows/`` against the Python app, with the HTTP-level fields of
conformance/README.md (per-vector environment, method, path, headers, concat/repeat bodies,
resumes with ``resumeAfter`` and ``{RUN_ID}``, expected headers and body, event ids checked by
rule; a UI message stream byte for byte). The TypeScript runtime runs the same files in
``packages/runtime/src/conformance.test.ts``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalyst_runtime.javascript import json_text
from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app
from catalyst_runtime.server.request_log import ServerLogger
from tests.event_frames import check_event_ids, parse_events

REPO = Path(__file__).resolve().parents[3]
VECTORS = sorted(
    path
    for prefix in ("http-", "fault-", "bad-request-", "gateway-", "stream-", "ui-")
    for path in (REPO / "conformance" / "workflows").glob(f"{prefix}*.json")
)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)


def vector_text(text: Any) -> str:
    """A string, or ``{"concat": [piece | {"repeat", "times"}]}``."""
    if isinstance(text, str):
        return text
    return "".join(
        piece if isinstance(piece, str) else piece["repeat"] * piece["times"]
        for piece in text["concat"]
    )


def parse_data_stream(text: str) -> list[list[Any]]:
    """An AI SDK UI message stream (``data: JSON`` frames, then ``data: [DONE]``) as
    ``["data", chunk]`` pairs, the last one ``["data", "[DONE]"]``."""
    events: list[list[Any]] = []
    for block in text.split("\n\n"):
        if not block or block.startswith(":"):
            continue
        data = block.removeprefix("data: ")
        events.append(["data", data if data == "[DONE]" else json.loads(data)])
    return events


def data_stream_bytes(events: list[list[Any]]) -> bytes:
    """The bytes the AI SDK's server helpers send for ``events`` (JavaScript's JSON, key order
    kept)."""
    return b"".join(
        b"data: " + (b"[DONE]" if data == "[DONE]" else json_text.dumps(data)) + b"\n\n"
        for _, data in events
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("path", VECTORS, ids=[path.name for path in VECTORS])
async def test_http_vector(path: Path, scenario: Any, vector_environment: dict[str, str]) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    workflow = vector["workflow"]
    if isinstance(workflow, str):
        workflow = json.loads((REPO / workflow).read_text(encoding="utf-8"))
    scenario(vector.get("scenario") or {"rules": []})
    environment = {**vector_environment, **vector.get("environment", {})}
    providers = Providers(environment=environment)
    log = _Lines()
    app = create_app(
        [workflow],
        providers=providers,
        environment=environment,
        logger=ServerLogger(stream=log, level="info"),
    )
    request = vector["request"]
    method = request.get("method", "POST")
    workflow_id = request.get("workflowId", workflow["id"])
    target = (
        vector_text(request["path"])
        if "path" in request
        else f"/workflows/{workflow_id}/{request.get('endpoint', 'run')}"
    )
    headers = {
        name: value
        for name, value in request.get("headers", {"content-type": "application/json"}).items()
        if value is not None
    }
    content: bytes | None = None
    if method not in ("GET", "HEAD"):
        body = request["body"] if "body" in request else json.dumps(request.get("input", {}))
        content = vector_text(body).encode("utf-8", "surrogatepass")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            run_id_of_first = ""
            if "resumeAfter" in request:
                # A resume vector: the first answer is read to its end, then resumed.
                first = await client.request(method, target, content=content, headers=headers)
                run_id_of_first = first.headers.get("x-catalyst-run-id", "")
                headers["last-event-id"] = f"{run_id_of_first}:{request['resumeAfter']}"
                log.lines.clear()
            response = await client.request(
                method,
                target.replace("{RUN_ID}", run_id_of_first),
                content=content,
                headers=headers,
            )
    finally:
        await providers.aclose()
    expected = vector["expected"]
    assert response.status_code == expected["status"]
    for name, value in expected.get("headers", {}).items():
        assert (name, response.headers.get(name)) == (name, value)
    assert response.headers.get("x-request-id")
    if "body" in expected:
        assert response.text == expected["body"]
    if "json" in expected:
        # Compared as text after a round trip, so key order counts as on the wire.
        assert response.json() == expected["json"]
        assert response.content == json_text.dumps(expected["json"])
    ui_stream = response.headers.get("x-vercel-ai-ui-message-stream") == "v1"
    if response.headers.get("content-type", "").startswith("text/event-stream") and not ui_stream:
        check_event_ids(
            response.text,
            response.headers.get("x-catalyst-run-id"),
            resumed_after=headers.get("last-event-id"),
        )
    if "events" in expected and ui_stream:
        assert parse_data_stream(response.text) == expected["events"]
        assert response.content == data_stream_bytes(expected["events"])
    elif "events" in expected:
        assert parse_events(response.text) == expected["events"]
    # Exactly one access-log line, naming the request's status.
    assert len(log.lines) == 1
    assert json.loads(log.lines[0])["status"] == expected["status"]
