"""The OpenAI-compatible gateway (the twin of TypeScript ``openai-gateway``):
``POST /v1/chat/completions``, ``POST /v1/embeddings`` and ``GET /v1/models``, answering what
OpenAI would, so the official SDKs work unchanged (docs/gateway.md).

``model`` picks what answers: ``PROVIDER/MODEL`` (e.g. ``openai/gpt-4.1-mini``) goes through the
provider layer (retries, timeouts, typed errors, cost); ``workflow/ID`` runs a served workflow
whose input takes chat messages; a name of the gateway file (:mod:`.gateway_config`) is an alias
for ``PROVIDER/MODEL`` or a route run by an ``llmRouter``. Catalyst's cost, route and fallback
decisions ride in a ``catalyst`` field (and the ``X-Catalyst-Cost-Usd`` header) that standard
clients ignore.

Example::

    gateway = OpenAIGateway(workflows=workflows, providers=pool.get, embedders=pool.embedder,
                            run_workflow=run, run_response=RunResponse)
    response = await gateway.chat_completions(body, state)
"""

from __future__ import annotations

import copy
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from catalyst_runtime.javascript import json_text
from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog, empty_usage
from catalyst_runtime.providers.config.provider_environment import PROVIDER_NAMES
from catalyst_runtime.providers.create_provider import ChatRequest, LanguageModelProvider
from catalyst_runtime.providers.embeddings.embeddings import EmbedRequest
from catalyst_runtime.providers.local.encode_openai_embedding import encode_embedding_base64
from catalyst_runtime.providers.local.openai_chat_completion import (
    CompletionIdentity,
    to_openai_chat_completion,
    to_openai_chunk,
    to_openai_finish_reason,
)
from catalyst_runtime.providers.local.openai_error_body import (
    openai_error_body,
    provider_error_response,
)
from catalyst_runtime.providers.local.parse_openai_chat_request import (
    OpenAIRequestError,
    parse_openai_chat_request,
)
from catalyst_runtime.providers.shared.provider_error import ProviderError
from catalyst_runtime.server.gateway_config import GatewayConfig
from catalyst_runtime.server.request_state import RequestState
from catalyst_runtime.server.sse import SSE_HEADERS

__all__ = [
    "COST_HEADER",
    "OpenAIGateway",
    "accepts_chat_messages",
    "as_openai_error",
    "openai_error",
]

COST_HEADER = "x-catalyst-cost-usd"
"""Header with the answer's cost in US dollars (absent when a model has no price)."""

RunWorkflow = Callable[[Mapping[str, Any], Any, RequestState], AsyncIterator[dict[str, Any]]]
"""Runs a workflow as the app does (counted in flight, logged, drained on shutdown)."""

RunResponse = Callable[[Callable[[], Awaitable[Response]]], Response]
"""Wraps the work of an answer so that the client going away cancels it."""

# One step of an answer, from a provider stream or a workflow run alike: ("text", str),
# ("tool-call-delta", dict), ("route", dict), ("fallback", dict), ("done", ChatResult dict),
# ("error", (status, body)).
_Part = tuple[str, Any]


def openai_error(
    status: int, message: str, error_type: str, code: str | None, param: str | None = None
) -> Response:
    """An OpenAI-shaped error answer."""
    return _json(status, openai_error_body(message, error_type, code, param))


def as_openai_error(
    status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes
) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
    """Under ``/v1/`` every error has OpenAI's shape, so the SDKs raise their typed exceptions: a
    Catalyst ``{"error": {"kind", "message"}}`` (from the checks every route shares) becomes
    ``{"error": {"message", "type", "param": null, "code": KIND}}``. Returns the new headers and
    body, or None when ``body`` is no Catalyst error."""
    try:
        parsed = json_text.loads(body)
    except ValueError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    kind = error.get("kind") if isinstance(error, dict) else None
    if not isinstance(kind, str) or not isinstance(error, dict):
        return None
    error_type = (
        "authentication_error"
        if status == 401
        else "permission_error"
        if status == 403
        else "rate_limit_error"
        if status == 429
        else "server_error"
        if status >= 500
        else "invalid_request_error"
    )
    message = error.get("message")
    converted = json_text.dumps(
        openai_error_body(message if isinstance(message, str) else str(message), error_type, kind)
    )
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in (b"content-type", b"content-length")
    ]
    return [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(converted)).encode()),
        *kept,
    ], converted


def accepts_chat_messages(workflow: Mapping[str, Any]) -> bool:
    """Whether a workflow can answer chat: its input schema has a ``messages`` array and requires
    nothing else."""
    schema = workflow.get("input")
    properties = schema.get("properties") if isinstance(schema, dict) else None
    messages = properties.get("messages") if isinstance(properties, dict) else None
    if not isinstance(messages, dict) or messages.get("type") != "array":
        return False
    required = schema.get("required") if isinstance(schema, dict) else None
    return all(name == "messages" for name in (required if isinstance(required, list) else []))


class OpenAIGateway:
    """The OpenAI-compatible routes over the provider layer and the served workflows.

    ``providers`` and ``embedders`` give a provider's chat and embeddings endpoints by name;
    ``run_workflow`` runs a workflow as the app does; ``run_response`` wraps an answer's work so a
    disconnect cancels it; ``gateway`` holds the named models (``CATALYST_GATEWAY_FILE``)."""

    def __init__(
        self,
        *,
        workflows: Sequence[Mapping[str, Any]],
        providers: Callable[[str], LanguageModelProvider],
        embedders: Callable[[str], Any],
        run_workflow: RunWorkflow,
        run_response: RunResponse,
        catalog: ModelCatalog | None = None,
        gateway: GatewayConfig | None = None,
        create_id: Callable[[], str] | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        self._chat_workflows = {
            workflow["id"]: workflow for workflow in workflows if accepts_chat_messages(workflow)
        }
        self._providers = providers
        self._embedders = embedders
        self._run_workflow = run_workflow
        self._run_response = run_response
        self._catalog = catalog or ModelCatalog.default()
        self._gateway = gateway or GatewayConfig()
        self._create_id = create_id or (lambda: uuid.uuid4().hex)
        self._now = now or time.time

    def with_providers(
        self,
        providers: Callable[[str], LanguageModelProvider],
        embedders: Callable[[str], Any],
    ) -> OpenAIGateway:
        """This gateway calling other providers and embedders (tracing wraps them per request)."""
        other = copy.copy(self)
        other._providers = providers
        other._embedders = embedders
        return other

    def _answer(
        self, requested: str, request: ChatRequest, state: RequestState
    ) -> AsyncIterator[_Part] | Response:
        """The parts of an answer, or the OpenAI error refusing the model."""
        aliases, routes = self._gateway.aliases, self._gateway.routes
        model = aliases.get(requested, requested)
        slash = model.find("/")
        prefix = model[:slash] if slash > 0 else ""
        rest = model[slash + 1 :]
        route = routes.get(model)
        if prefix == "workflow" or route is not None:
            workflow = route if route is not None else self._chat_workflows.get(rest)
            if workflow is None:
                return _model_not_found(
                    f'The model "{model}" does not exist: no served workflow "{rest}" takes chat '
                    'messages (its input needs a "messages" array); GET /v1/models lists the '
                    "models."
                )
            if request.tools is not None or request.response_format is not None:
                # As the TypeScript gateway sends it: "tools" in code, param null.
                return openai_error(
                    400,
                    "tools and response_format are set by the workflow itself; leave them out "
                    "for a workflow model.",
                    "invalid_request_error",
                    "tools",
                )
            messages = [
                {
                    "role": message["role"],
                    "content": message["content"] if isinstance(message["content"], str) else "",
                }
                for message in request.messages
            ]
            events = self._run_workflow(workflow, {"messages": messages}, state)
            return _workflow_parts(workflow, events, model)
        if prefix not in PROVIDER_NAMES or rest == "":
            return _model_not_found(
                f'The model "{model}" does not exist: use PROVIDER/MODEL (providers: '
                f"{', '.join(PROVIDER_NAMES)}), workflow/ID or a name of the gateway file; "
                "GET /v1/models lists the models."
            )
        provider = self._providers(prefix)
        return _provider_parts(provider.stream(dataclasses.replace(request, model=rest)))

    async def chat_completions(self, body: Any, state: RequestState) -> Response:
        """``POST /v1/chat/completions`` for a body the HTTP gate read and checked."""
        try:
            parsed = parse_openai_chat_request(body)
        except OpenAIRequestError as error:
            return openai_error(400, error.message, "invalid_request_error", None, error.param)
        model = parsed.request.model
        parts = self._answer(model, parsed.request, state)
        if isinstance(parts, Response):
            return parts
        identity = CompletionIdentity(
            id=f"chatcmpl-{self._create_id()}", created=int(self._now()), model=model
        )
        if parsed.stream:
            include_usage = parsed.include_usage
            return self._run_response(lambda: _stream_answer(identity, parts, include_usage, state))
        return self._run_response(lambda: _collect_answer(identity, parts))

    async def embeddings(self, body: Any) -> Response:
        """``POST /v1/embeddings`` for a body the HTTP gate read and checked."""
        if not isinstance(body, dict):
            return openai_error(
                400, "The body must be a JSON object.", "invalid_request_error", None
            )
        raw_model = body.get("model")
        model = raw_model if isinstance(raw_model, str) else ""
        slash = model.find("/")
        provider_name = model[: max(0, slash)]
        model_id = model[slash + 1 :]
        if slash <= 0 or provider_name not in PROVIDER_NAMES or model_id == "":
            return _model_not_found(
                f'The model "{model}" does not exist: use PROVIDER/MODEL, e.g. '
                "openai/text-embedding-3-small."
            )
        raw_input = body.get("input")
        texts = [raw_input] if isinstance(raw_input, str) else raw_input
        if (
            not isinstance(texts, list)
            or len(texts) == 0
            or not all(isinstance(item, str) for item in texts)
        ):
            return openai_error(
                400,
                "input must be a string or a non-empty array of strings (token arrays are not "
                "supported).",
                "invalid_request_error",
                None,
                "input",
            )
        encoding = body.get("encoding_format", "float")
        if encoding not in ("float", "base64"):
            return openai_error(
                400,
                "encoding_format must be float or base64.",
                "invalid_request_error",
                None,
                "encoding_format",
            )
        try:
            embedder = self._embedders(provider_name)
        except ValueError:
            return _model_not_found(f'The provider "{provider_name}" has no embeddings.')
        dimensions = body.get("dimensions")
        request = EmbedRequest(
            model=model_id,
            input=list(texts),
            dimensions=dimensions
            if isinstance(dimensions, (int, float)) and not isinstance(dimensions, bool)
            else None,  # type: ignore[arg-type]
        )

        async def answer() -> Response:
            try:
                result = await embedder.embed(request)
            except ProviderError as error:
                status, error_body = provider_error_response(error.to_json())
                return _json(status, error_body)
            usage = empty_usage()
            usage["inputTokens"] = result.input_tokens
            usage["totalTokens"] = result.input_tokens
            cost = self._catalog.cost(provider_name, model_id, usage)
            return _json(
                200,
                {
                    "object": "list",
                    "model": model,
                    "data": [
                        {
                            "object": "embedding",
                            "index": index,
                            "embedding": encode_embedding_base64(vector)
                            if encoding == "base64"
                            else vector,
                        }
                        for index, vector in enumerate(result.embeddings)
                    ],
                    "usage": {
                        "prompt_tokens": result.input_tokens,
                        "total_tokens": result.input_tokens,
                    },
                    "catalyst": {"cost": cost},
                },
                _cost_headers(cost),
            )

        return self._run_response(answer)

    def models(self) -> Response:
        """``GET /v1/models``: the catalog's models (retired ones aside) as ``PROVIDER/MODEL``,
        then ``workflow/ID`` for each chat workflow, then the gateway file's names."""
        data: list[dict[str, Any]] = [
            {
                "id": f"{model['provider']}/{model['id']}",
                "object": "model",
                "created": 0,
                "owned_by": model["provider"],
            }
            for model in self._catalog.list()
            if "retired" not in model
        ]
        data += [
            {
                "id": f"workflow/{workflow_id}",
                "object": "model",
                "created": 0,
                "owned_by": "catalyst",
            }
            for workflow_id in self._chat_workflows
        ]
        data += [
            {"id": name, "object": "model", "created": 0, "owned_by": "catalyst-gateway"}
            for name in [*self._gateway.aliases, *self._gateway.routes]
        ]
        return _json(200, {"object": "list", "data": data})


def _answering_nodes(workflow: Mapping[str, Any]) -> set[str]:
    """The nodes whose text is the answer: those with an edge into an ``output`` node."""
    outputs = {node["id"] for node in workflow["nodes"] if node["type"] == "output"}
    return {edge["from"] for edge in workflow["edges"] if edge["to"] in outputs}


def _without(event: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key not in keys}


async def _provider_parts(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[_Part]:
    try:
        async for event in events:
            kind = event["type"]
            if kind == "token":
                yield ("text", event["text"])
            elif kind == "tool-call-delta":
                yield ("tool-call-delta", _without(event, "type"))
            elif kind == "done":
                yield ("done", _without(event, "type"))
                return
            elif kind == "error":
                yield ("error", provider_error_response(event["error"]))
                return
            # tool-call: already streamed as deltas; retry: invisible to OpenAI clients.
    finally:
        await events.aclose()  # type: ignore[attr-defined]


async def _workflow_parts(
    workflow: Mapping[str, Any], events: AsyncIterator[dict[str, Any]], model: str
) -> AsyncIterator[_Part]:
    answering = _answering_nodes(workflow)
    text = ""
    finish_reason = "stop"
    calls: dict[int, dict[str, str]] = {}
    try:
        async for event in events:
            kind = event["type"]
            if kind == "token":
                if event["node"] in answering:
                    text += event["text"]
                    yield ("text", event["text"])
            elif kind == "tool-call-delta":
                if event["node"] in answering:
                    call = calls.setdefault(event["index"], {"id": "", "name": "", "arguments": ""})
                    call["id"] = call["id"] or event.get("id") or ""
                    call["name"] = call["name"] or event.get("name") or ""
                    call["arguments"] += event["argumentsDelta"]
                    yield ("tool-call-delta", _without(event, "type", "node"))
            elif kind == "partial":
                output = event.get("output")
                reason = output.get("finishReason") if isinstance(output, dict) else None
                if event["node"] in answering and isinstance(reason, str):
                    finish_reason = reason
            elif kind in ("route", "fallback"):
                yield (kind, _without(event, "type"))
            elif kind == "done":
                usages = [entry["usage"] for entry in event["usage"].values()]
                tool_calls = [
                    {**call, "input": _parse_json(call["arguments"])} for call in calls.values()
                ]
                yield (
                    "done",
                    {
                        "provider": "openai-compatible",
                        "model": model,
                        "text": text,
                        "toolCalls": tool_calls,
                        "finishReason": finish_reason,
                        "usage": _sum_usage(usages),
                        "cost": event["cost"],
                    },
                )
                return
            elif kind == "error":
                error_kind = event["kind"]
                if error_kind in ("expression", "validation", "internal", "expired"):
                    body = openai_error_body(event["message"], "server_error", error_kind)
                    yield ("error", (500, body))
                elif error_kind == "unavailable":
                    body = openai_error_body(event["message"], "server_error", "unavailable")
                    yield ("error", (503, body))
                else:
                    yield (
                        "error",
                        provider_error_response(
                            {
                                "kind": error_kind,
                                "message": event["message"],
                                "provider": "openai-compatible",
                                "retryable": event["retryable"],
                            }
                        ),
                    )
                return
    finally:
        await events.aclose()  # type: ignore[attr-defined]


async def _collect_answer(identity: CompletionIdentity, parts: AsyncIterator[_Part]) -> Response:
    """A non-streaming answer: a ``chat.completion`` with a ``catalyst`` extension field."""
    extension: dict[str, Any] = {"cost": None}
    try:
        async for kind, value in parts:
            if kind == "error":
                status, body = value
                return _json(status, body)
            if kind in ("route", "fallback"):
                extension.setdefault(f"{kind}s", []).append(value)
            if kind == "done":
                extension["cost"] = value["cost"]
                completion = to_openai_chat_completion(identity, value)
                return _json(
                    200,
                    {**completion, "model": identity.model, "catalyst": extension},
                    _cost_headers(value["cost"]),
                )
    finally:
        await parts.aclose()  # type: ignore[attr-defined]
    return _json(500, openai_error_body("the answer ended without a result", "server_error", None))


async def _stream_answer(
    identity: CompletionIdentity,
    parts: AsyncIterator[_Part],
    include_usage: bool,
    state: RequestState,
) -> Response:
    """A streaming answer: ``chat.completion.chunk``s, a finish chunk carrying the ``catalyst``
    extension, a usage chunk with ``stream_options.include_usage``, then ``data: [DONE]``. A
    failure before the first part is an HTTP error; after it, a ``data: {"error": …}`` line (which
    the SDKs raise as an APIError)."""
    try:
        first = await parts.__anext__()
    except StopAsyncIteration:
        first = None
    except BaseException:
        await parts.aclose()  # type: ignore[attr-defined]
        raise
    if first is not None and first[0] == "error":
        await parts.aclose()  # type: ignore[attr-defined]
        status, body = first[1]
        return _json(status, body)
    # Only a stream that started logs itself at its end (an HTTP error above logs its code).
    state.streaming = True
    return _ChunkStream(_chunks(identity, first, parts, include_usage))


def _data(value: Any) -> bytes:
    return (
        b"data: " + (value.encode() if isinstance(value, str) else json_text.dumps(value)) + b"\n\n"
    )


async def _chunks(
    identity: CompletionIdentity,
    first: _Part | None,
    parts: AsyncIterator[_Part],
    include_usage: bool,
) -> AsyncIterator[bytes]:
    extension: dict[str, Any] = {"cost": None}
    try:
        yield _data(
            to_openai_chunk(
                identity, {"delta": {"role": "assistant", "content": ""}, "finishReason": None}
            )
        )
        part = first
        while part is not None:
            kind, value = part
            if kind == "text":
                yield _data(
                    to_openai_chunk(identity, {"delta": {"content": value}, "finishReason": None})
                )
            elif kind == "tool-call-delta":
                call: dict[str, Any] = {"index": value["index"]}
                if value.get("id") is not None:
                    call["id"] = value["id"]
                    call["type"] = "function"
                function: dict[str, Any] = {}
                if value.get("name") is not None:
                    function["name"] = value["name"]
                function["arguments"] = value["argumentsDelta"]
                call["function"] = function
                yield _data(
                    to_openai_chunk(
                        identity, {"delta": {"tool_calls": [call]}, "finishReason": None}
                    )
                )
            elif kind in ("route", "fallback"):
                extension.setdefault(f"{kind}s", []).append(value)
            elif kind == "done":
                extension["cost"] = value["cost"]
                finish = to_openai_finish_reason(value["finishReason"])
                yield _data(
                    {
                        **to_openai_chunk(identity, {"delta": {}, "finishReason": finish}),
                        "catalyst": extension,
                    }
                )
                if include_usage:
                    yield _data(to_openai_chunk(identity, None, value["usage"]))
                yield _data("[DONE]")
                return
            elif kind == "error":
                yield _data(value[1])
                return
            try:
                part = await parts.__anext__()
            except StopAsyncIteration:
                part = None
    except Exception as error:  # noqa: BLE001 - a failure mid-stream ends it with an error line
        yield _data(openai_error_body(str(error), "server_error", None))
    finally:
        await parts.aclose()  # type: ignore[attr-defined]


class _ChunkStream(Response):
    """The chunks of a streamed answer; the gateway's ``run_response`` around it cancels the
    stream (closing the parts, so the provider call or workflow run) when the client leaves."""

    def __init__(self, body: AsyncIterator[bytes]) -> None:
        super().__init__(status_code=200)
        self.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in SSE_HEADERS.items()
        ]
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for chunk in self._body:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self._body.aclose()  # type: ignore[attr-defined]


def _model_not_found(message: str) -> Response:
    return openai_error(404, message, "invalid_request_error", "model_not_found", "model")


def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        content=json_text.dumps(body),
        status_code=status,
        headers={"content-type": "application/json", **(headers or {})},
    )


def _cost_headers(cost: Mapping[str, Any] | None) -> dict[str, str]:
    return {} if cost is None else {COST_HEADER: format_double(cost["totalUsd"])}


def _parse_json(text: str) -> Any:
    try:
        return json_text.loads(text)
    except ValueError:
        return None


def _sum_usage(usages: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    total = {key: 0 for key in empty_usage()}
    for usage in usages:
        for key in total:
            total[key] += usage.get(key) or 0
    return total
