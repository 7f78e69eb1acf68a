"""The workflow routes answered past the framework's router: which requests take that way, and
that the rest still reaches the framework."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from catalyst_runtime.server.direct_routes import DirectRoutes

pytestmark = pytest.mark.asyncio


class _Framework:
    """Stands for the FastAPI app: records the paths it was asked to answer."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.paths.append(scope["path"])
        await Response("framework", status_code=200)(scope, receive, send)


async def _call(app: DirectRoutes, method: str, path: str, root_path: str = "") -> bytes:
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "headers": [],
        "query_string": b"",
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return b"".join(message.get("body", b"") for message in sent)


async def test_workflow_posts_go_to_their_handler_and_everything_else_to_the_framework() -> None:
    framework = _Framework()
    calls: list[tuple[str, str]] = []

    def handler(name: str) -> Any:
        async def handle(workflow_id: str, request: Request) -> Response:
            calls.append((name, workflow_id))
            return Response(f"{name} {workflow_id} {request.method}")

        return handle

    app = DirectRoutes(framework, routes={"run": handler("run"), "stream": handler("stream")})

    assert await _call(app, "POST", "/workflows/chat/run") == b"run chat POST"
    assert await _call(app, "POST", "/workflows/a b/stream") == b"stream a b POST"
    # Mounted below a root path: matched on the path below it, as the router does.
    assert await _call(app, "POST", "/api/workflows/chat/run", root_path="/api") == b"run chat POST"
    for method, path in [
        ("GET", "/workflows/chat/run"),  # the gate's 405, or the framework's
        ("POST", "/workflows/chat/ui"),  # no handler given for this name
        ("POST", "/workflows/chat/runs/r1/stream"),
        ("POST", "/workflows//run"),  # an empty segment is no workflow id
        ("POST", "/v1/chat/completions"),
    ]:
        assert await _call(app, method, path) == b"framework", (method, path)
    assert calls == [("run", "chat"), ("stream", "a b"), ("run", "chat")]
    assert framework.paths == [
        "/workflows/chat/run",
        "/workflows/chat/ui",
        "/workflows/chat/runs/r1/stream",
        "/workflows//run",
        "/v1/chat/completions",
    ]


async def test_a_handler_error_travels_up_as_from_the_framework() -> None:
    async def broken(_workflow_id: str, _request: Request) -> Response:
        raise RuntimeError("boom")

    app = DirectRoutes(_Framework(), routes={"run": broken})
    with pytest.raises(RuntimeError, match="boom"):
        await _call(app, "POST", "/workflows/chat/run")
