"""The workflow routes every request of a busy service takes (``POST /workflows/{id}/run`` and
``/stream``), answered without Starlette's router and FastAPI's endpoint machinery.

Under the HTTP gate (:mod:`.http_gate`), which has already refused what must be refused and read
the body, these two routes need nothing of the framework: the router's match over every route,
FastAPI's ``Request`` handling and dependency solving, the exception middleware's wrapper of
every ``send``, the exit-stack middleware. On the profile those layers were about a tenth of the
service's CPU per request, paid again on every streamed event. The handlers are the same
functions the FastAPI routes call, so the answers are the same bytes; an exception raised by one
travels up to the same error middleware as before (the exception middleware between would only
have handled ``HTTPException``, which these handlers never raise). Every other route, and every
other method on these paths, goes to the framework as before.

Example::

    app.add_middleware(DirectRoutes, routes={"run": run_workflow, "stream": stream_workflow})
    app.add_middleware(HttpGate, ...)  # added last: the gate runs first
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DirectRoutes", "RouteHandler"]

RouteHandler = Callable[[str, Request], Awaitable[Response]]
"""A workflow route's handler: the workflow id (the path segment, as the router would decode it)
and the request; the response to send."""

# As Starlette compiles "/workflows/{workflow_id}/run": a path parameter is one segment.
_WORKFLOW_ROUTE = re.compile(r"^/workflows/([^/]+)/([a-z]+)$")


class DirectRoutes:
    """Sends ``POST /workflows/{id}/{name}`` to ``routes[name]`` directly; everything else to
    ``app``."""

    def __init__(self, app: ASGIApp, *, routes: Mapping[str, RouteHandler]) -> None:
        self.app = app
        self._routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            # The path the router matches: the one below the mount point (root_path).
            match = _WORKFLOW_ROUTE.match(get_route_path(scope))
            handler = self._routes.get(match.group(2)) if match is not None else None
            if match is not None and handler is not None:
                response = await handler(match.group(1), Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
