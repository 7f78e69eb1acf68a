"""The one streaming loop every provider shares (``provider-stream.ts``).

Opens attempts, forwards tokens the moment they arrive, retries retryable errors before the first
token (honouring retry-after, with exponential back-off and jitter), enforces the first-token and
total timeouts, assembles tool calls and usage, prices the call, and ends with exactly one
``done`` or ``error`` event. Cancelling the consuming task cancels the attempt, whose adapter
closes the HTTP response at once; the cancellation then propagates (asyncio's convention), so no
terminal event follows a cancellation.
"""

from __future__ import annotations

import asyncio
import random as random_module
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Literal

from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.shared.provider_error import (
    ProviderError,
    create_provider_error,
    retry_delay,
    with_more_detail,
)
from catalyst_runtime.providers.shared.stream_state import (
    FinishPart,
    MetadataPart,
    RawPart,
    StreamState,
    TextPart,
    ToolCallDeltaPart,
    UsagePart,
)

__all__ = ["provider_stream"]

OpenAttempt = Callable[[], AsyncGenerator[RawPart, None]]


class _AttemptTimeout(Exception):
    def __init__(self, which: Literal["first", "total"]) -> None:
        super().__init__(which)
        self.which = which


async def provider_stream(
    *,
    provider: str,
    request: Any,
    catalog: ModelCatalog,
    open_attempt: OpenAttempt,
    to_provider_error: Callable[[BaseException], ProviderError],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    random: Callable[[], float] = random_module.random,
) -> AsyncIterator[dict[str, Any]]:
    """Stream events of one call; ``request`` is a ``ChatRequest`` (of ``create_provider``).

    ``open_attempt`` returns an async generator of raw parts for one attempt; closing it must
    close the HTTP response.
    """
    known = catalog.find(provider, request.model)
    retired = known.get("retired") if known else None
    if retired:
        replacements = " or ".join(f'"{model_id}"' for model_id in retired["replacements"])
        error = create_provider_error(
            provider=provider,
            kind="model_not_found",
            model=request.model,
            detail=f'"{request.model}" was retired on {retired["since"]}; '
            f"use {replacements} instead",
        )
        yield _error_event(error, "", StreamState())
        return

    loop = asyncio.get_running_loop()
    started_at = loop.time()
    total_ms = request.total_timeout_ms
    total_deadline = started_at + total_ms / 1000 if total_ms is not None else None
    max_retries = request.max_retries if request.max_retries is not None else 2
    response_format = request.response_format
    json_mode = response_format is not None and response_format.get("type") != "text"

    attempt = 0
    while True:
        first_ms = request.first_token_timeout_ms
        first_deadline = loop.time() + first_ms / 1000 if first_ms is not None else None
        state = StreamState()
        started = False
        parts = open_attempt()
        try:
            try:
                while True:
                    deadline = _earliest(None if started else first_deadline, total_deadline)
                    try:
                        part = await _next_part(parts, deadline, total_deadline)
                    except StopAsyncIteration:
                        break
                    if isinstance(part, TextPart):
                        if part.text == "":
                            continue
                        started = True
                        state.text += part.text
                        yield {"type": "token", "text": part.text}
                    elif isinstance(part, ToolCallDeltaPart):
                        started = True
                        state.add_tool_call_delta(
                            part.index, part.id, part.name, part.arguments_delta
                        )
                        event: dict[str, Any] = {
                            "type": "tool-call-delta",
                            "index": part.index,
                            "argumentsDelta": part.arguments_delta,
                        }
                        if part.id is not None:
                            event["id"] = part.id
                        if part.name is not None:
                            event["name"] = part.name
                        yield event
                    elif isinstance(part, UsagePart):
                        state.add_usage(part.usage)
                    elif isinstance(part, FinishPart):
                        state.finish_reason = part.finish_reason
                    elif isinstance(part, MetadataPart):
                        if part.model:
                            state.model = part.model
                        if part.request_id:
                            state.request_id = part.request_id
            finally:
                # Closing the adapter's generator closes the HTTP response (a consumer that
                # stopped early, a timeout, an error).
                await parts.aclose()
        except Exception as thrown:  # noqa: BLE001 - every failure becomes one typed error event
            error = _classify(
                thrown,
                provider=provider,
                request=request,
                catalog=catalog,
                to_provider_error=to_provider_error,
            )
            elapsed_ms = (loop.time() - started_at) * 1000
            delay = retry_delay(attempt=attempt, retry_after_ms=error.retry_after_ms, random=random)
            fits_total = total_ms is None or elapsed_ms + delay < total_ms
            if not started and error.retryable and attempt < max_retries and fits_total:
                yield {
                    "type": "retry",
                    "attempt": attempt + 1,
                    "delayMs": delay,
                    "error": error.to_json(),
                }
                await sleep(delay / 1000)
                attempt += 1
                continue
            yield _error_event(error, state.text, state)
            return

        usage = state.final_usage()
        model = state.model if state.model is not None else request.model
        for index, tool_call in state.assembled_tool_calls():
            yield {"type": "tool-call", "index": index, "toolCall": tool_call}
        cost = catalog.cost(provider, model, usage)
        if cost is None:
            cost = catalog.cost(provider, request.model, usage)
        result = state.result(
            provider=provider, requested_model=request.model, cost=cost, json_mode=json_mode
        )
        yield {"type": "done", **result}
        return


def _earliest(*deadlines: float | None) -> float | None:
    present = [deadline for deadline in deadlines if deadline is not None]
    return min(present) if present else None


async def _next_part(
    parts: AsyncIterator[RawPart], deadline: float | None, total_deadline: float | None
) -> RawPart:
    if deadline is None:
        return await anext(parts)
    timeout = asyncio.timeout_at(deadline)
    try:
        async with timeout:
            return await anext(parts)
    except TimeoutError:
        if not timeout.expired():
            raise
        which: Literal["first", "total"] = (
            "total" if total_deadline is not None and deadline >= total_deadline else "first"
        )
        raise _AttemptTimeout(which) from None


def _error_event(error: ProviderError, partial_text: str, state: StreamState) -> dict[str, Any]:
    return {
        "type": "error",
        "error": error.to_json(),
        "partialText": partial_text,
        "usage": state.final_usage(),
    }


def _classify(
    thrown: BaseException,
    *,
    provider: str,
    request: Any,
    catalog: ModelCatalog,
    to_provider_error: Callable[[BaseException], ProviderError],
) -> ProviderError:
    model = request.model
    if isinstance(thrown, _AttemptTimeout) and thrown.which == "total":
        return create_provider_error(
            provider=provider,
            kind="timeout",
            model=model,
            retryable=False,
            detail=(
                "no complete answer within the total timeout of "
                f"{_ms_text(request.total_timeout_ms)} ms"
            ),
        )
    if isinstance(thrown, _AttemptTimeout):
        return create_provider_error(
            provider=provider,
            kind="timeout",
            model=model,
            detail=f"no first token within {_ms_text(request.first_token_timeout_ms)} ms",
        )
    error = to_provider_error(thrown)
    if error.kind != "model_not_found":
        return error
    available = [info["id"] for info in catalog.list(provider)]
    if not available:
        return error
    return with_more_detail(error, f"Available models: {', '.join(available)}.")


def _ms_text(value: float | None) -> str:
    # A template literal prints numbers as Number.prototype.toString does.

    if value is None:
        return "undefined"
    return str(value) if isinstance(value, int) else format_double(value)
