"""The HTTP API of a Catalyst service, byte for byte the one ``catalyst serve`` (Catalyst's
TypeScript server) answers: ``GET /health``, ``GET /workflows``, ``GET /openapi.json``,
``POST /workflows/{id}/run`` (JSON) and ``POST /workflows/{id}/stream`` (Server-Sent Events).

Bodies are written by :mod:`catalyst_runtime.javascript.json_text` (JavaScript's
``JSON.stringify`` bytes); the OpenAPI document is ours, not FastAPI's generated one. A client
that disconnects cancels its run, which closes the provider connections at once.

Example::

    app = create_app([workflow], providers=Providers(), environment=os.environ)
    # uvicorn.run(app, host="0.0.0.0", port=8000)
"""

from __future__ import annotations

import asyncio
import contextlib
import copy as copy_module
import logging
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from catalyst_runtime.engine.execute_workflow import execute_workflow
from catalyst_runtime.engine.node_context import NodeExecutor
from catalyst_runtime.engine.router.router_state import create_router_state
from catalyst_runtime.engine.validate_input import validate_input
from catalyst_runtime.javascript import json_text
from catalyst_runtime.providers.config.provider_environment import read_environment
from catalyst_runtime.providers.create_provider import Providers, preload_adapters
from catalyst_runtime.providers.embeddings.embeddings import create_embedding_cache
from catalyst_runtime.server.http_gate import HttpGate
from catalyst_runtime.server.request_log import ServerLogger, capture_dependency_logs
from catalyst_runtime.server.request_state import SCOPE_KEY, RequestState
from catalyst_runtime.server.server_config import ServerConfig, read_server_config
from catalyst_runtime.server.shutdown import (
    SHUTDOWN_RETRY_AFTER_SECONDS,
    ShutdownControl,
    install_signal_handlers,
)
from catalyst_runtime.server.sse import SSE_HEADERS, event_stream
from catalyst_runtime.server.ui_message_stream import (
    UI_MESSAGE_STREAM_HEADERS,
    to_ui_message_chunks,
    ui_input_missing_message,
    ui_message_frames,
    ui_request_input,
)
from catalyst_runtime.telemetry.run_trace import RunTrace
from catalyst_runtime.telemetry.telemetry import Telemetry, create_otlp_telemetry
from catalyst_runtime.workflow.normalize_spellings import normalize_spellings

_LOGGER = logging.getLogger("catalyst_runtime")

__all__ = ["create_app", "error_response", "openapi_document", "status_for_run_error"]

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["kind", "message"],
            "properties": {"kind": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _error_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}


def _event_schema(name: str, required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"const": name},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"type": "object", "required": required},
            },
        },
    }


# One event of ``POST /workflows/{id}/stream``. OpenAPI 3.1 has no ``itemSchema`` (3.2 does): the
# ``schema`` of a ``text/event-stream`` response describes each event, as ``{event, data}`` with
# ``data`` the JSON text. Keep-alive comments are not events.
_EVENT_SCHEMA: dict[str, Any] = {
    "oneOf": [
        _event_schema("node", ["node", "nodeType", "status"]),
        _event_schema("token", ["node", "text"]),
        _event_schema("partial", ["node", "output"]),
        _event_schema("route", ["node", "route", "targets"]),
        _event_schema("fallback", ["node", "from", "to", "error"]),
        _event_schema("done", ["output", "text", "tokenCount", "usage", "cost"]),
        _event_schema("error", ["kind", "message", "retryable"]),
    ]
}


def openapi_document(workflows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of a server serving ``workflows``, as ``catalyst serve``'s."""
    paths: dict[str, Any] = {
        "/health": {
            "get": {
                "summary": "Liveness",
                "responses": {"200": {"description": "The server is up"}},
            }
        },
        "/workflows": {
            "get": {
                "summary": "The workflows this server runs, with their input schemas",
                "responses": {"200": {"description": "Workflow list"}},
            }
        },
    }
    for workflow in workflows:
        request_body = {
            "required": True,
            "content": {"application/json": {"schema": workflow["input"]}},
        }

        # The refusals both endpoints share (docs/protocol.md, "Serving in production").
        errors = {
            "400": _error_answer("The body is not JSON, nests too deep or holds invalid Unicode"),
            "413": _error_answer("The body is larger than the server allows"),
            "415": _error_answer("The body is not sent as application/json"),
            "422": _error_answer("The input does not match the input schema"),
            "503": _error_answer("The server is shutting down; retry after Retry-After seconds"),
        }
        run: dict[str, Any] = {
            "operationId": f"run_{workflow['id']}",
            "summary": f'Run "{workflow["name"]}" and return its result',
        }
        if "description" in workflow:
            run["description"] = workflow["description"]
        output_schema = workflow.get("output", {}) if "output" in workflow else {}
        run["requestBody"] = request_body
        run["responses"] = {
            "200": {
                "description": "The result: output, text, token count, usage and cost per node",
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "properties": {"output": output_schema}}
                    }
                },
            },
            **errors,
            "429": _error_answer("A provider is rate limiting"),
            "500": _error_answer("An expression or the server failed"),
            "502": _error_answer("A provider failed"),
            "504": _error_answer("A provider did not answer in time"),
        }
        # JavaScript orders integer-like keys numerically: so must this, for identical bytes.
        run["responses"] = dict(sorted(run["responses"].items()))
        paths[f"/workflows/{workflow['id']}/run"] = {"post": run}
        paths[f"/workflows/{workflow['id']}/stream"] = {
            "post": {
                "operationId": f"stream_{workflow['id']}",
                "summary": f'Run "{workflow["name"]}" as a Server-Sent Events stream',
                "description": "Events: node, token, partial, then exactly one done or error. "
                "See docs/protocol.md.",
                "requestBody": request_body,
                "responses": dict(
                    sorted(
                        {
                            "200": {
                                "description": "An event stream",
                                "content": {"text/event-stream": {"schema": _EVENT_SCHEMA}},
                            },
                            **errors,
                        }.items()
                    )
                ),
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Catalyst workflows", "version": "1.0.0"},
        "paths": paths,
    }


def _json_response(status: int, body: Any) -> Response:
    return Response(
        content=json_text.dumps(body),
        status_code=status,
        headers={"content-type": "application/json"},
    )


def error_response(status: int, error: Mapping[str, Any]) -> Response:
    """``{"error": {"kind", "message", …}}`` with ``status``, the same in both runtimes."""
    return _json_response(status, {"error": dict(error)})


def status_for_run_error(kind: str) -> int:
    """The HTTP status of a failed ``POST /workflows/{id}/run``."""
    if kind == "rate_limit":
        return 429
    if kind in ("overloaded", "unavailable"):
        return 503
    if kind == "timeout":
        return 504
    if kind == "aborted":
        return 499
    if kind in ("expression", "validation", "internal"):
        return 500
    return 502


async def _watch_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _until_disconnect(receive: Receive, work: Awaitable[None]) -> None:
    """Run ``work``; cancel it the moment the client disconnects (whatever the ASGI server)."""
    work_task = asyncio.ensure_future(work)
    watch_task = asyncio.ensure_future(_watch_disconnect(receive))
    try:
        await asyncio.wait({work_task, watch_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work_task, watch_task):
            if not task.done():
                task.cancel()
        await asyncio.gather(work_task, watch_task, return_exceptions=True)
    if not work_task.cancelled() and work_task.exception() is not None:
        raise work_task.exception()  # type: ignore[misc]


class _EventStreamResponse(Response):
    """Streams SSE bytes; the client going away cancels the stream (and so the run)."""

    def __init__(
        self,
        body: AsyncIterator[bytes],
        *,
        close_connection: bool = False,
        headers: Mapping[str, str] = SSE_HEADERS,
    ) -> None:
        super().__init__(status_code=200)
        # No content-length: the body streams (chunked) until the run ends. A client that sent
        # `Connection: close` is told so, and the socket closes right after the terminal event.
        headers = dict(headers)
        if close_connection:
            headers["connection"] = "close"
        self.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        ]
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stream() -> None:
            try:
                await send(
                    {
                        "type": "http.response.start",
                        "status": self.status_code,
                        "headers": self.raw_headers,
                    }
                )
                async for chunk in self._body:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                close = getattr(self._body, "aclose", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

        with contextlib.suppress(OSError):
            await _until_disconnect(receive, stream())


class _RunResponse(Response):
    """Runs the workflow when sent, answers its result as JSON; a disconnect cancels it."""

    def __init__(self, run: Callable[[], Awaitable[Response]]) -> None:
        super().__init__()
        self._run = run

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def work() -> None:
            response = await self._run()
            await response(scope, receive, send)

        await _until_disconnect(receive, work())


def _canonical(workflow: Mapping[str, Any]) -> Mapping[str, Any]:
    # Workflows written in the planning documents' shapes run in their canonical form; each
    # rewrite is logged with the current spelling (catalyst validate --fix rewrites the file).
    copy = copy_module.deepcopy(dict(workflow))
    for change in normalize_spellings(copy):
        _LOGGER.warning("workflow %s: %s", workflow.get("id"), change.message)
    return copy


def create_app(
    workflows: Sequence[Mapping[str, Any]],
    *,
    providers: Providers | None = None,
    environment: Mapping[str, str | None] | None = None,
    keep_alive_ms: float = 15_000,
    executors: Mapping[str, NodeExecutor] | None = None,
    config: ServerConfig | None = None,
    logger: ServerLogger | None = None,
    handle_signals: bool = True,
    telemetry: Telemetry | None = None,
) -> FastAPI:
    """A FastAPI app serving ``workflows`` (validated workflow dicts, as in their JSON files).

    ``providers`` defaults to :class:`Providers` over ``environment`` (default: the process
    environment plus ``.env``); its connection pools are closed on shutdown. ``config`` (limits,
    API keys, CORS origins, shutdown grace, log level) defaults to the ``CATALYST_*`` variables of
    ``environment`` (docs/protocol.md, "Server environment"); a malformed one raises
    ``ValueError`` naming it. ``logger`` defaults to one access-log line per request on stderr.
    With ``handle_signals`` the lifespan installs the SIGTERM/SIGINT drain (main thread only);
    ``app.state.shutdown`` is the :class:`ShutdownControl` either way. ``telemetry`` (spans
    per run, node and provider call) defaults to OTLP/HTTP export when the standard
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``…_TRACES_ENDPOINT``) is set in ``environment``, else
    none (docs/telemetry.md).
    """

    env: Mapping[str, str | None] = read_environment() if environment is None else environment
    server_config = read_server_config(env) if config is None else config
    log = (
        logger
        if logger is not None
        else ServerLogger(stream=sys.stderr, level=server_config.log_level)
    )
    control = ShutdownControl()
    owned = providers is None
    pool = providers if providers is not None else Providers(environment=env)
    # One per-text embeddings cache per app: Redis when REDIS_URL is set, else an in-memory LRU.
    embedding_cache = create_embedding_cache(env)
    # State every llmRouter of this app shares across runs: Redis when REDIS_URL is set (shared
    # with other servers, TypeScript ones included), else this process's memory.
    router_state = create_router_state(env)
    by_id = {workflow["id"]: _canonical(workflow) for workflow in workflows}
    # Tracing: given, or from the standard OTEL_* variables (the SDK is loaded only then).
    own_telemetry = telemetry is None
    tracing = telemetry if telemetry is not None else _otlp_telemetry(env, log)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        preload_adapters()
        # Provider SDKs and httpx log raw upstream traffic at debug: never let it out.
        capture_dependency_logs(log)
        undo_signals = (
            install_signal_handlers(control, grace_ms=server_config.shutdown_grace_ms, logger=log)
            if handle_signals
            else (lambda: None)
        )
        try:
            yield
        finally:
            undo_signals()
        await embedding_cache.aclose()
        await router_state.aclose()
        # Flush the spans still buffered; telemetry passed in belongs to the caller.
        if own_telemetry and tracing is not None:
            await asyncio.to_thread(tracing.shutdown)
        if owned:
            await pool.aclose()

    app = FastAPI(
        title="Catalyst workflows",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.shutdown = control

    @app.get("/health")
    async def health() -> Response:
        return _json_response(200, {"status": "ok", "workflows": len(by_id)})

    @app.get("/workflows")
    async def list_workflows() -> Response:
        return _json_response(
            200,
            {
                "workflows": [
                    {
                        "id": workflow["id"],
                        "name": workflow["name"],
                        "description": workflow.get("description"),
                        "input": workflow["input"],
                    }
                    for workflow in workflows
                ]
            },
        )

    document = openapi_document(workflows)

    @app.get("/openapi.json")
    async def openapi() -> Response:
        return _json_response(200, document)

    async def prepare(
        request: Request,
        workflow_id: str,
        input_of: Callable[[Mapping[str, Any], Any], Any | Response] | None = None,
    ) -> tuple[Mapping[str, Any], Any] | Response:
        workflow = by_id.get(workflow_id)
        if workflow is None:
            known = ", ".join(f'"{name}"' for name in by_id) or "none"
            return error_response(
                404,
                {
                    "kind": "not_found",
                    "message": f'no workflow "{workflow_id}"; this server runs: {known}',
                },
            )
        # The HTTP gate read and checked the body (size, type, Unicode, depth, syntax).
        value = _request_state(request).input
        if input_of is not None:
            value = input_of(workflow, value)
            if isinstance(value, Response):
                return value
        problems = validate_input(workflow["input"], value)
        if problems:
            summary = "; ".join(f"{p.path or '(input)'} {p.message}" for p in problems)
            return error_response(
                422,
                {
                    "kind": "invalid_input",
                    "message": f"the input does not match the input schema of workflow "
                    f'"{workflow["id"]}": {summary}',
                    "problems": [problem.to_json() for problem in problems],
                },
            )
        return workflow, value

    async def run(
        workflow: Mapping[str, Any], value: Any, state: RequestState
    ) -> AsyncIterator[dict[str, Any]]:
        """One run, counted in flight until its terminal event, observed for the access log, and
        cut short by the server's shutdown with a retryable ``unavailable`` error."""
        state.workflow = workflow["id"]
        run_trace = (
            RunTrace(
                telemetry=tracing,
                workflow=workflow,
                providers=pool.get,
                embedders=pool.embedder,
                traceparent=state.traceparent,
                tracestate=state.tracestate,
            )
            if tracing is not None
            else None
        )
        events = control.track(
            execute_workflow(
                workflow=workflow,
                input=value,
                providers=pool.get,
                environment=env,
                executors=executors,
                embedders=pool.embedder,
                embedding_cache=embedding_cache,
                router_state=router_state,
                providers_for_node=run_trace.providers_for_node if run_trace else None,
            )
        )
        try:
            async for event in events:
                if event["type"] == "token" and state.first_token_at is None:
                    state.first_token_at = time.time() * 1000
                elif event["type"] == "done":
                    state.tokens = event.get("tokenCount")
                    cost = event.get("cost")
                    state.cost_usd = cost.get("totalUsd") if isinstance(cost, dict) else None
                elif event["type"] == "error":
                    state.error_kind = event.get("kind")
                if run_trace is not None:
                    run_trace.observe(event)
                yield event
        finally:
            if run_trace is not None:
                run_trace.end()
            await events.aclose()  # type: ignore[attr-defined]

    @app.post("/workflows/{workflow_id}/run")
    async def run_workflow(workflow_id: str, request: Request) -> Response:
        prepared = await prepare(request, workflow_id)
        if isinstance(prepared, Response):
            return prepared
        workflow, value = prepared

        state = _request_state(request)

        async def result() -> Response:
            events = run(workflow, value, state)
            try:
                async for event in events:
                    if event["type"] == "done":
                        return _json_response(200, {k: v for k, v in event.items() if k != "type"})
                    if event["type"] == "error":
                        body = {k: v for k, v in event.items() if k != "type"}
                        response = error_response(status_for_run_error(event["kind"]), body)
                        if event["kind"] == "unavailable":
                            response.headers["retry-after"] = SHUTDOWN_RETRY_AFTER_SECONDS
                        return response
            finally:
                await events.aclose()  # type: ignore[attr-defined]
            return error_response(
                500, {"kind": "internal", "message": "the run ended without a result"}
            )

        return _RunResponse(result)

    @app.post("/workflows/{workflow_id}/stream")
    async def stream_workflow(workflow_id: str, request: Request) -> Response:
        prepared = await prepare(request, workflow_id)
        if isinstance(prepared, Response):
            return prepared
        workflow, value = prepared
        state = _request_state(request)
        state.streaming = True
        return _EventStreamResponse(
            event_stream(run(workflow, value, state), keep_alive_ms=keep_alive_ms),
            close_connection=request.headers.get("connection", "").lower() == "close",
        )

    def ui_input(workflow: Mapping[str, Any], body: Any) -> Any | Response:
        value = ui_request_input(workflow, body)
        if value is None:
            message = ui_input_missing_message(workflow)
            return error_response(422, {"kind": "invalid_input", "message": message})
        return value

    # The AI SDK UI message stream, for `useChat` (docs/ui-message-stream.md).
    @app.post("/workflows/{workflow_id}/ui")
    async def ui_workflow(workflow_id: str, request: Request) -> Response:
        prepared = await prepare(request, workflow_id, ui_input)
        if isinstance(prepared, Response):
            return prepared
        workflow, value = prepared
        state = _request_state(request)
        state.streaming = True
        return _EventStreamResponse(
            ui_message_frames(to_ui_message_chunks(run(workflow, value, state))),
            close_connection=request.headers.get("connection", "").lower() == "close",
            headers=UI_MESSAGE_STREAM_HEADERS,
        )

    async def not_found(request: Request, _error: Exception) -> Response:
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else request.url.path
        return error_response(
            404,
            {
                "kind": "not_found",
                "message": f"no route {request.method} {path}; see GET /openapi.json",
            },
        )

    async def http_error(request: Request, error: Exception) -> Response:
        if isinstance(error, StarletteHTTPException) and error.status_code in (404, 405):
            return await not_found(request, error)
        status = error.status_code if isinstance(error, StarletteHTTPException) else 500
        return error_response(status, {"kind": "internal", "message": str(error)})

    async def internal_error(_request: Request, error: Exception) -> Response:
        log.message(
            "error",
            "unexpected error while answering a request",
            error=str(error),
            stack="".join(traceback.format_exception(error)),
        )
        return error_response(500, {"kind": "internal", "message": str(error)})

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
    app.add_middleware(
        HttpGate,
        config=server_config,
        workflow_ids=frozenset(by_id),
        control=control,
        logger=log,
    )
    return app


def _otlp_telemetry(environment: Mapping[str, str | None], log: ServerLogger) -> Telemetry | None:
    """OTLP/HTTP telemetry when the environment asks for it; a missing or broken exporter is
    logged and leaves tracing off rather than stopping the service."""
    try:
        return create_otlp_telemetry(environment)
    except Exception as error:  # noqa: BLE001 - tracing must never stop the service
        log.message(
            "error",
            "tracing is off: the OpenTelemetry exporter did not start (install the "
            "opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http packages)",
            error=str(error),
        )
        return None


def _request_state(request: Request) -> RequestState:
    state = request.scope.get(SCOPE_KEY)
    if not isinstance(state, RequestState):
        raise RuntimeError("the request did not pass the HTTP gate (HttpGate)")
    return state
