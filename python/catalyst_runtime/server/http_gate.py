"""The checks before any route, as pure ASGI middleware (``gate`` and ``handle`` of
TypeScript ``create-catalyst-app``), in the documented order (docs/protocol.md, "Order of checks"):
request target longer than the limit → 414; shutting down → 503; CORS preflight → 204 or 403;
a known route with the wrong method → 405 + ``Allow``; API key → 401. Then, for the workflow
routes of a workflow that exists: content type → 415; body size → 413 (counted while reading,
never more than the limit is read); invalid UTF-8, empty, too deep, not JSON, lone surrogate →
400. The checked input goes to the route in the scope (:mod:`.request_state`). The OpenAI
gateway's ``POST`` routes get the same body checks, and every error under ``/v1/`` leaves in
OpenAI's shape (:func:`.openai_gateway.as_openai_error`).

Every response gets ``X-Request-Id`` (the client's when usable, else a new UUID) and, for a listed
origin, the CORS headers; ``HEAD`` is answered as ``GET`` without a body; one access-log line is
written when the response has ended.

Example::

    app = HttpGate(fastapi_app, config=config, workflow_ids={"chat"}, control=control)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalyst_runtime.javascript import json_text
from catalyst_runtime.server.openai_gateway import as_openai_error
from catalyst_runtime.server.read_json_body import (
    BodyProblem,
    is_json_content_type,
    parse_json_body,
    payload_too_large,
    unsupported_media_type,
)
from catalyst_runtime.server.request_log import ServerLogger
from catalyst_runtime.server.request_state import SCOPE_KEY, RequestState
from catalyst_runtime.server.run_event_id import RUN_ID_HEADER
from catalyst_runtime.server.server_config import ServerConfig
from catalyst_runtime.server.shutdown import SHUTDOWN_RETRY_AFTER_SECONDS, ShutdownControl

__all__ = ["HttpGate", "allowed_methods", "create_api_key_check"]

_WORKFLOW_ROUTE = re.compile(r"^/workflows/([^/]+)/(run|stream|ui)$")
# The OpenAI gateway's routes that take a JSON body (docs/gateway.md).
_GATEWAY_BODY_ROUTES = frozenset({"/v1/chat/completions", "/v1/embeddings"})
_RUN_STREAM_ROUTE = re.compile(r"^/workflows/[^/]+/runs/[^/]+/stream$")
_REQUEST_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
_BEARER = re.compile(r"^Bearer[ \t]+(\S+)[ \t]*$", re.IGNORECASE)
_CORS_ALLOW_HEADERS = "authorization, content-type, last-event-id, x-request-id"
_CORS_EXPOSE_HEADERS = f"x-request-id, {RUN_ID_HEADER}".encode()


def allowed_methods(path: str) -> list[str] | None:
    """The methods a route answers, for 405 and ``Allow``; HEAD goes wherever GET does."""
    if path in ("/health", "/workflows", "/openapi.json"):
        return ["GET", "HEAD"]
    if _WORKFLOW_ROUTE.match(path) or path in _GATEWAY_BODY_ROUTES:
        return ["POST"]
    if path == "/v1/models" or _RUN_STREAM_ROUTE.match(path):
        return ["GET", "HEAD"]
    return None


def create_api_key_check(keys: Collection[str]) -> Callable[[str | None], bool]:
    """A check of ``Authorization: Bearer KEY`` against ``keys``: SHA-256 digests compared with
    :func:`hmac.compare_digest` against every key, so neither the time taken nor an early exit
    tells how much of a guess was right or how long a key is."""
    digests = [hashlib.sha256(key.encode()).digest() for key in keys]

    def check(authorization: str | None) -> bool:
        match = _BEARER.match(authorization or "")
        given = hashlib.sha256((match.group(1) if match else "").encode()).digest()
        accepted = False
        for digest in digests:
            accepted = hmac.compare_digest(digest, given) or accepted
        return accepted and match is not None

    return check


def _error_body(kind: str, message: str) -> bytes:
    return json_text.dumps({"error": {"kind": kind, "message": message}})


class HttpGate:
    """Wraps the FastAPI app with the limits, access control, request ids and the access log."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        config: ServerConfig,
        workflow_ids: Collection[str],
        control: ShutdownControl,
        logger: ServerLogger | None = None,
        create_request_id: Callable[[], str] | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.app = app
        self._config = config
        self._workflow_ids = workflow_ids
        self._control = control
        self._logger = logger
        self._create_request_id = create_request_id or (lambda: str(uuid.uuid4()))
        self._now = now or (lambda: time.time() * 1000)
        self._check_api_key = create_api_key_check(config.api_keys) if config.api_keys else None
        self._cors_origins = frozenset(config.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = self._now()
        headers = _headers(scope)
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        given_id = headers.get("x-request-id")
        request_id = (
            given_id
            if given_id is not None and _REQUEST_ID.match(given_id)
            else self._create_request_id()
        )
        state = RequestState(
            traceparent=headers.get("traceparent"), tracestate=headers.get("tracestate")
        )
        origin = headers.get("origin")
        cors_allowed = origin is not None and (
            origin in self._cors_origins or "*" in self._cors_origins
        )
        is_head = method == "HEAD"
        observed: dict[str, Any] = {"status": 500, "body": b"", "logged": False}

        def log() -> None:
            if observed["logged"] or self._logger is None:
                return
            observed["logged"] = True
            status = observed["status"]
            error_kind = state.error_kind
            if error_kind is None and status >= 400:
                error_kind = _error_kind_of(observed["body"])
            ended_at = self._now()
            self._logger.request(
                {
                    "time": datetime.fromtimestamp(started_at / 1000, UTC)
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
                    "level": "error" if status >= 500 else "warn" if status >= 400 else "info",
                    "requestId": request_id,
                    "method": method,
                    "path": path,
                    "workflow": state.workflow,
                    "status": status,
                    "timeToFirstTokenMs": None
                    if state.first_token_at is None
                    else round(state.first_token_at - started_at),
                    "tokens": state.tokens,
                    "costUsd": state.cost_usd,
                    "errorKind": error_kind,
                    "durationMs": round(ended_at - started_at),
                }
            )

        async def send_out(message: Message) -> None:
            if message["type"] == "http.response.start":
                observed["status"] = message["status"]
                extra = [(b"x-request-id", request_id.encode("latin-1"))]
                # Set, not added: these replace any the response carries (Headers.set).
                replaced = {b"x-request-id"}
                if cors_allowed:
                    replaced |= {b"access-control-allow-origin", b"access-control-expose-headers"}
                response_headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in replaced
                ]
                if cors_allowed and origin is not None:
                    extra += [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-expose-headers", _CORS_EXPOSE_HEADERS),
                    ]
                    vary = [value for name, value in response_headers if name.lower() == b"vary"]
                    if not any(b"origin" in value.lower() for value in vary):
                        extra.append((b"vary", b"Origin"))
                message = {**message, "headers": response_headers + extra}
            elif message["type"] == "http.response.body":
                if observed["status"] >= 400 and not state.streaming:
                    observed["body"] += message.get("body", b"")
                if is_head:
                    message = {**message, "body": b""}
                await send(message)
                if not message.get("more_body", False):
                    log()
                return
            await send(message)

        respond: Send = _openai_errors(send_out) if path.startswith("/v1/") else send_out
        try:
            refusal = self._gate(scope, headers, method, raw_path, path, origin, cors_allowed)
            if refusal is None and method == "POST":
                refusal = await self._read_input(scope, receive, headers, path, state)
            if refusal is not None:
                status, body, extra_headers = refusal
                await _respond(respond, status, body, extra_headers)
                return
            scope = {**scope, SCOPE_KEY: state}
            if is_head:
                scope["method"] = "GET"
            await self.app(scope, receive, respond)
        finally:
            log()

    def _gate(
        self,
        scope: Scope,
        headers: dict[str, str],
        method: str,
        raw_path: bytes,
        path: str,
        origin: str | None,
        cors_allowed: bool,
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        limits = self._config.limits
        query: bytes = scope.get("query_string") or b""
        target_bytes = len(raw_path.split(b"?", 1)[0]) + (len(query) + 1 if query else 0)
        if target_bytes > limits.max_url_bytes:
            message = f"the request URL is longer than the limit of {limits.max_url_bytes} bytes"
            return 414, _error_body("uri_too_long", message), []
        if self._control.stopping:
            return (
                503,
                _error_body("unavailable", "the server is shutting down; retry the request"),
                [
                    (b"retry-after", SHUTDOWN_RETRY_AFTER_SECONDS.encode()),
                    (b"connection", b"close"),
                ],
            )
        allowed = allowed_methods(path)
        if (
            method == "OPTIONS"
            and self._cors_origins
            and "access-control-request-method" in headers
        ):
            wanted = headers["access-control-request-method"]
            if not cors_allowed or allowed is None or wanted not in allowed:
                message = "this origin or method may not call this server from a browser"
                return 403, _error_body("forbidden", message), []
            return (
                204,
                b"",
                [
                    (b"access-control-allow-origin", (origin or "").encode("latin-1")),
                    (b"access-control-allow-methods", ", ".join(allowed).encode()),
                    (b"access-control-allow-headers", _CORS_ALLOW_HEADERS.encode()),
                    (b"access-control-max-age", b"600"),
                    (b"vary", b"Origin"),
                ],
            )
        if allowed is not None and method not in allowed:
            allow = ", ".join(allowed)
            message = f"{method} is not allowed on {path}; allowed: {allow}"
            return (
                405,
                _error_body("method_not_allowed", message),
                [(b"allow", allow.encode())],
            )
        if (
            self._check_api_key is not None
            and path != "/health"
            and not self._check_api_key(headers.get("authorization"))
        ):
            message = 'this server needs an API key: send the header "Authorization: Bearer KEY"'
            return 401, _error_body("unauthorized", message), [(b"www-authenticate", b"Bearer")]
        return None

    async def _read_input(
        self,
        scope: Scope,
        receive: Receive,
        headers: dict[str, str],
        path: str,
        state: RequestState,
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        route = _WORKFLOW_ROUTE.match(path)
        # An unknown workflow is the route's 404, before anything about the body.
        if path not in _GATEWAY_BODY_ROUTES and (
            route is None or route.group(1) not in self._workflow_ids
        ):
            return None
        # A resume (Last-Event-ID) reads a run that exists: its body, whatever it is, is unused.
        if route is not None and route.group(2) == "stream" and "last-event-id" in headers:
            return None
        max_bytes = self._config.limits.max_body_bytes
        try:
            if not is_json_content_type(headers.get("content-type")):
                raise unsupported_media_type()
            declared = headers.get("content-length", "0").strip()
            if declared.isdigit() and int(declared) > max_bytes:
                raise payload_too_large(max_bytes)
            chunks: list[bytes] = []
            total = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
                chunk: bytes = message.get("body", b"")
                total += len(chunk)
                if total > max_bytes:
                    # Reading stops here: the rest of an oversized body is never buffered.
                    raise payload_too_large(max_bytes)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            state.input = parse_json_body(
                b"".join(chunks), max_depth=self._config.limits.max_json_depth
            )
            state.has_input = True
        except BodyProblem as problem:
            return (
                problem.status,
                json_text.dumps({"error": problem.error}),
                [],
            )
        return None


def _headers(scope: Scope) -> dict[str, str]:
    # Repeated headers: the first one, as Headers.get would join them; the ones checked here are
    # single-valued.
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    response_headers = list(headers)
    if body:
        response_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *response_headers,
        ]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _openai_errors(send: Send) -> Send:
    """``send`` with every error answer (a Catalyst ``{"error": {"kind"}}``) rewritten in OpenAI's
    shape: its body is held until complete, then converted. Successes pass as they come."""
    held: dict[str, Any] = {}

    async def converting(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] >= 400:
            held["start"], held["body"] = message, b""
            return
        if message["type"] == "http.response.body" and "start" in held:
            held["body"] += message.get("body", b"")
            if message.get("more_body", False):
                return
            start, body = held.pop("start"), held.pop("body")
            converted = as_openai_error(start["status"], start.get("headers", []), body)
            if converted is not None:
                headers, body = converted
                start = {**start, "headers": headers}
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await send(message)

    return converting


def _error_kind_of(body: bytes) -> str:
    """The ``kind`` (or OpenAI ``code``) of an error answer, for the log."""
    try:
        parsed = json_text.loads(body)
    except ValueError:
        return "internal"
    error = parsed.get("error") if isinstance(parsed, dict) else None
    kind = error.get("kind") if isinstance(error, dict) else None
    if not isinstance(kind, str) and isinstance(error, dict):
        kind = error.get("code")
    return kind if isinstance(kind, str) else "internal"
