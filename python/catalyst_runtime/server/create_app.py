"""The HTTP API of a Catalyst service, byte for byte the one ``catalyst serve`` (Catalyst's
TypeScript server) answers: ``GET /health``, ``GET /workflows``, ``GET /openapi.json``,
``POST /workflows/{id}/run`` (JSON), ``POST /workflows/{id}/stream`` (Server-Sent Events, each
with ``id: RUN:SEQ``; with ``Last-Event-ID``, the rest of that run),
``GET /workflows/{id}/runs/{run}/stream`` (the same for EventSource) and the OpenAI-compatible
gateway under ``/v1/`` (:mod:`.openai_gateway`, docs/gateway.md).

Bodies are written by :mod:`catalyst_runtime.javascript.json_text` (JavaScript's
``JSON.stringify`` bytes); the OpenAPI document is ours, not FastAPI's generated one. A client
that disconnects from ``/run`` cancels its run, which closes the provider connections at once; a
streamed run waits ``CATALYST_STREAM_RECONNECT_MS`` for its client to resume first
(:mod:`.resumable_streams`).

Example::

    app = create_app([workflow], providers=Providers(), environment=os.environ)
    # uvicorn.run(app, host="0.0.0.0", port=8000)
"""

from __future__ import annotations

import asyncio
import copy as copy_module
import logging
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

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
from catalyst_runtime.server.direct_routes import DirectRoutes
from catalyst_runtime.server.event_stream_response import EventStreamResponse, event_stream
from catalyst_runtime.server.event_stream_response import until_disconnect as _until_disconnect
from catalyst_runtime.server.gateway_config import GatewayConfig, read_gateway_config
from catalyst_runtime.server.http_gate import HttpGate
from catalyst_runtime.server.openai_gateway import OpenAIGateway
from catalyst_runtime.server.redis_run_event_store import RedisRunEventStore
from catalyst_runtime.server.request_log import ServerLogger, capture_dependency_logs
from catalyst_runtime.server.request_state import SCOPE_KEY, RequestState
from catalyst_runtime.server.resumable_streams import ResumableStreams
from catalyst_runtime.server.run_event_id import is_run_id, next_sequence, parse_event_id
from catalyst_runtime.server.run_event_store import RunEventStore, RunRecord
from catalyst_runtime.server.server_config import ServerConfig, read_server_config
from catalyst_runtime.server.shutdown import (
    SHUTDOWN_RETRY_AFTER_SECONDS,
    ShutdownControl,
    install_signal_handlers,
)
from catalyst_runtime.server.ui_message_stream import (
    UI_MESSAGE_STREAM_HEADERS,
    to_ui_message_chunks,
    ui_input_missing_message,
    ui_message_frames,
    ui_request_input,
)
from catalyst_runtime.telemetry.run_trace import RunTrace
from catalyst_runtime.telemetry.telemetry import Telemetry, create_otlp_telemetry
from catalyst_runtime.telemetry.trace_context import context_from_traceparent
from catalyst_runtime.telemetry.traced_providers import traced_resolvers
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


# A Last-Event-ID: RUN:SEQ, as parse_event_id accepts it (docs/protocol.md).
_EVENT_ID_PATTERN = "^[0-9A-Za-z_-]{1,128}:(0|[1-9][0-9]{0,15})$"


def _event_schema(name: str, required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "event", "data"],
        "properties": {
            "id": {"type": "string", "pattern": _EVENT_ID_PATTERN},
            "event": {"const": name},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"type": "object", "required": required},
            },
        },
    }


# One event of ``POST /workflows/{id}/stream``. OpenAPI 3.1 has no ``itemSchema`` (3.2 does): the
# ``schema`` of a ``text/event-stream`` response describes each event, as ``{id, event, data}``
# with ``data`` the JSON text. Keep-alive comments are not events.
_EVENT_SCHEMA: dict[str, Any] = {
    "oneOf": [
        _event_schema("node", ["node", "nodeType", "status"]),
        _event_schema("token", ["node", "text"]),
        _event_schema("tool-call-delta", ["node", "index", "argumentsDelta"]),
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
        # Last-Event-ID is in the descriptions, not a parameter: with it the body is not read (any
        # body resumes) and an id of another run is refused, which no schema of a header can say.
        paths[f"/workflows/{workflow['id']}/stream"] = {
            "post": {
                "operationId": f"stream_{workflow['id']}",
                "summary": f'Run "{workflow["name"]}" as a Server-Sent Events stream',
                "description": "Events (each with id RUN:SEQ): node, token, tool-call-delta, "
                "partial, then exactly one done or error. With a Last-Event-ID header, the rest "
                "of that run instead of a new one. See docs/protocol.md.",
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
        paths[f"/workflows/{workflow['id']}/runs/{{run}}/stream"] = {
            "get": {
                "operationId": f"resume_{workflow['id']}",
                "summary": f'The events of one run of "{workflow["name"]}" (for EventSource)',
                "description": "Every event of the run, or those after the Last-Event-ID "
                "(RUN:SEQ of this run) that EventSource sends when it reconnects. "
                "See docs/protocol.md.",
                "parameters": [
                    {"name": "run", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "responses": dict(
                    sorted(
                        {
                            "200": {
                                "description": "An event stream",
                                "content": {"text/event-stream": {"schema": _EVENT_SCHEMA}},
                            },
                            **errors,
                            "404": _error_answer("No such workflow, or {run} cannot be a run id"),
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
    gateway: GatewayConfig | None = None,
    run_event_store: RunEventStore | Literal["default"] | None = "default",
    create_run_id: Callable[[], str] | None = None,
    telemetry: Telemetry | None = None,
) -> FastAPI:
    """A FastAPI app serving ``workflows`` (validated workflow dicts, as in their JSON files).

    ``providers`` defaults to :class:`Providers` over ``environment`` (default: the process
    environment plus ``.env``); its connection pools are closed on shutdown. ``config`` (limits,
    API keys, CORS origins, shutdown grace, log level) defaults to the ``CATALYST_*`` variables of
    ``environment`` (docs/protocol.md, "Server environment"); a malformed one raises
    ``ValueError`` naming it. ``logger`` defaults to one access-log line per request on stderr.
    With ``handle_signals`` the lifespan installs the SIGTERM/SIGINT drain (main thread only);
    ``app.state.shutdown`` is the :class:`ShutdownControl` either way. ``gateway`` names the
    OpenAI gateway's models (aliases and router routes); it defaults to the file named by
    ``CATALYST_GATEWAY_FILE`` in ``environment``, none when unset. ``run_event_store`` is
    where streamed runs are shared with other servers for resuming (None: nowhere; default: Redis
    when ``REDIS_URL`` is set); one passed in belongs to the caller. ``create_run_id`` is for
    tests. ``telemetry`` (spans
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
    gateway_config = read_gateway_config(env) if gateway is None else gateway
    # Streamed runs outlive their connection (docs/protocol.md, "Resuming a stream"): in memory,
    # and in Redis when REDIS_URL is set so that a client may resume on another server.
    retention_ms = server_config.stream_retention_ms
    shared_runs: RunEventStore | None = (
        run_event_store
        if run_event_store != "default"
        else RedisRunEventStore(url=str(env["REDIS_URL"]), retention_ms=retention_ms)
        if env.get("REDIS_URL")
        else None
    )
    streams = ResumableStreams(
        retention_ms=retention_ms,
        reconnect_ms=server_config.stream_reconnect_ms,
        retained_events=server_config.stream_retained_events,
        shared=shared_runs,
        create_run_id=create_run_id,
    )
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
        await streams.aclose()
        if run_event_store == "default" and shared_runs is not None:
            await shared_runs.aclose()
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
        last_event_id = request.headers.get("last-event-id")
        if last_event_id is not None:
            return resume(request, workflow_id, last_event_id)
        prepared = await prepare(request, workflow_id)
        if isinstance(prepared, Response):
            return prepared
        workflow, value = prepared
        state = _request_state(request)
        state.streaming = True
        run_id = streams.start(
            workflow_id=workflow["id"], events=lambda: run(workflow, value, state)
        )
        return _stream_response(request, run_id, read_run(run_id, workflow["id"], 0))

    # For EventSource, which can only GET: the run's events from the start, or after its
    # Last-Event-ID when it reconnects.
    @app.get("/workflows/{workflow_id}/runs/{run_id}/stream")
    async def resume_run(workflow_id: str, run_id: str, request: Request) -> Response:
        last_event_id = request.headers.get("last-event-id", f"{run_id}:0")
        return resume(request, workflow_id, last_event_id, expected_run_id=run_id)

    def resume(
        request: Request,
        workflow_id: str,
        last_event_id: str,
        expected_run_id: str | None = None,
    ) -> Response:
        """Answers a reconnect: the rest of the run named by ``last_event_id``, replayed then
        live."""
        # A path that cannot name a run names nothing: 404, as for any other unknown resource.
        if expected_run_id is not None and not is_run_id(expected_run_id):
            return error_response(
                404,
                {
                    "kind": "not_found",
                    "message": f'no run "{expected_run_id}" of workflow "{workflow_id}": a run '
                    'id is 1 to 128 letters, digits, "_" or "-"',
                },
            )
        parsed = parse_event_id(last_event_id)
        if parsed is None or (expected_run_id is not None and parsed[0] != expected_run_id):
            return error_response(
                400,
                {
                    "kind": "invalid_last_event_id",
                    "message": "Last-Event-ID must be the id of an event of this run, "
                    '"RUN_ID:SEQUENCE" as sent in the stream',
                },
            )
        if workflow_id not in by_id:
            known = ", ".join(f'"{name}"' for name in by_id) or "none"
            return error_response(
                404,
                {
                    "kind": "not_found",
                    "message": f'no workflow "{workflow_id}"; this server runs: {known}',
                },
            )
        state = _request_state(request)
        state.workflow = workflow_id
        state.streaming = True
        run_id, after = parsed
        return _stream_response(request, run_id, read_run(run_id, workflow_id, after))

    async def read_run(run_id: str, workflow_id: str, after: int) -> AsyncIterator[RunRecord]:
        """A run's events after ``after``, or one ``expired`` error when no store holds it."""
        records = await streams.open(run_id=run_id, workflow_id=workflow_id, after=after)
        if records is not None:
            try:
                async for record in records:
                    yield record
            finally:
                await records.aclose()  # type: ignore[attr-defined]
            return
        yield RunRecord(
            next_sequence(after),
            {
                "type": "error",
                "kind": "expired",
                "message": f'run "{run_id}" of workflow "{workflow_id}" cannot be resumed: this '
                f"server keeps a finished run's events for "
                f"{json_text.dumps_text(retention_ms / 1000)} s (and at most "
                f"{server_config.stream_retained_events} events of finished runs) and has none "
                "for it; start a new run",
                "retryable": False,
            },
        )

    def _stream_response(
        request: Request, run_id: str, records: AsyncIterator[RunRecord]
    ) -> Response:
        return EventStreamResponse(
            event_stream(records, run_id=run_id, keep_alive_ms=keep_alive_ms),
            run_id=run_id,
            close_connection=request.headers.get("connection", "").lower() == "close",
        )

    # The OpenAI-compatible gateway (docs/gateway.md); its workflow runs are this app's runs.
    openai_gateway = OpenAIGateway(
        workflows=list(by_id.values()),
        providers=pool.get,
        embedders=pool.embedder,
        run_workflow=run,
        run_response=_RunResponse,
        gateway=gateway_config,
    )

    def gateway_for(state: RequestState) -> OpenAIGateway:
        """The gateway for one request: with tracing on, its direct provider calls get their spans
        under the caller's trace context, as TypeScript's gateway does."""
        if tracing is None:
            return openai_gateway
        providers, embedders = traced_resolvers(
            providers=pool.get,
            embedders=pool.embedder,
            telemetry=tracing,
            parent=context_from_traceparent(state.traceparent, state.tracestate),
        )
        return openai_gateway.with_providers(providers, embedders or pool.embedder)

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        state = _request_state(request)
        return await gateway_for(state).chat_completions(state.input, state)

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Response:
        state = _request_state(request)
        return await gateway_for(state).embeddings(state.input)

    @app.get("/v1/models")
    async def models() -> Response:
        return openai_gateway.models()

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
        return EventStreamResponse(
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
    # The workflow routes skip the framework's router and endpoint layers (same handlers, same
    # bytes); added before the gate, so they run inside it.
    app.add_middleware(
        DirectRoutes,
        routes={"run": run_workflow, "stream": stream_workflow, "ui": ui_workflow},
    )
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
