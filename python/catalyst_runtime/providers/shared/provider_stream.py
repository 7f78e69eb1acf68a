"""The one streaming loop every provider shares; mirrors Catalyst's TypeScript provider stream.

Opens attempts, forwards tokens the moment they arrive, retries retryable errors before the first
token (honouring retry-after, with exponential back-off and jitter), enforces the first-token,
idle, attempt and total timeouts, assembles tool calls and usage, prices the call, and ends with
exactly one ``done`` or ``error`` event. Cancelling the consuming task cancels the attempt, whose
adapter closes the HTTP response at once; the cancellation then propagates (asyncio's convention),
so no terminal event follows a cancellation.
"""

from __future__ import annotations

import asyncio
import random as random_module
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Literal

from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.config.provider_environment import (
    DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
    DEFAULT_IDLE_TIMEOUT_MS,
)
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


Clock = Literal["first token", "idle", "attempt", "total"]


class _AttemptTimeout(Exception):
    """One of an attempt's clocks rang: which, after how many milliseconds."""

    def __init__(self, clock: Clock, milliseconds: float) -> None:
        super().__init__(clock)
        self.clock: Clock = clock
        self.milliseconds = milliseconds


def _describe_timeout(clock: Clock, milliseconds: float) -> str:
    amount = _ms_text(milliseconds)
    if clock == "first token":
        return f"no first token within {amount} ms"
    if clock == "idle":
        return f"the stream stalled: nothing for {amount} ms after the last chunk (idleTimeoutMs)"
    if clock == "attempt":
        return f"no complete answer within the attempt timeout of {amount} ms (timeoutMs)"
    return f"no complete answer within the total timeout of {amount} ms"


def _active_timeout(*candidates: float | None) -> float | None:
    """The first timeout given, or None when it is 0 (off) or none is."""
    chosen = next((value for value in candidates if value is not None), None)
    return None if chosen is None or chosen <= 0 else chosen


async def provider_stream(
    *,
    provider: str,
    request: Any,
    catalog: ModelCatalog,
    open_attempt: OpenAttempt,
    to_provider_error: Callable[[BaseException], ProviderError],
    default_first_token_timeout_ms: float | None = None,
    default_idle_timeout_ms: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    random: Callable[[], float] = random_module.random,
) -> AsyncIterator[dict[str, Any]]:
    """Stream events of one call; ``request`` is a ``ChatRequest`` (of ``create_provider``).

    ``open_attempt`` returns an async generator of raw parts for one attempt; closing it must
    close the HTTP response. The ``default_*`` timeouts are the provider's (from the
    environment); the request's own values win, and the built-in defaults apply when neither is
    set (docs/protocol.md, "Timeouts").
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
    max_retries = request.max_retries if request.max_retries is not None else 2
    response_format = request.response_format
    json_mode = response_format is not None and response_format.get("type") != "text"
    first_token_ms = _active_timeout(
        request.first_token_timeout_ms,
        default_first_token_timeout_ms,
        DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
    )
    idle_ms = _active_timeout(
        request.idle_timeout_ms, default_idle_timeout_ms, DEFAULT_IDLE_TIMEOUT_MS
    )
    attempt_ms = _active_timeout(request.attempt_timeout_ms)

    attempt = 0
    while True:
        attempt_start = loop.time()
        # One watchdog per attempt: first the first-token clock, then, from the first token on,
        # the idle clock re-armed by every chunk. No provider can hold a stream open in silence.
        watchdog = _deadline("first token", first_token_ms, attempt_start)
        clocks = [
            _deadline("attempt", attempt_ms, attempt_start),
            _deadline("total", total_ms, started_at),
        ]
        state = StreamState()
        started = False
        parts = open_attempt()
        alarm = _Alarm(loop)
        try:
            try:
                while True:
                    try:
                        part = await alarm.next_part(parts, _earliest(watchdog, clocks))
                    except StopAsyncIteration:
                        break
                    is_token = (isinstance(part, TextPart) and part.text != "") or isinstance(
                        part, ToolCallDeltaPart
                    )
                    if started or is_token:
                        watchdog = _deadline("idle", idle_ms, loop.time())
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
                alarm.stop()
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


_Deadline = tuple[float, Clock, float] | None
"""When a clock rings (loop time), which clock, and its length in milliseconds."""


def _deadline(clock: Clock, milliseconds: float | None, start: float) -> _Deadline:
    return None if milliseconds is None else (start + milliseconds / 1000, clock, milliseconds)


def _earliest(watchdog: _Deadline, clocks: list[_Deadline]) -> _Deadline:
    earliest = watchdog
    for clock in clocks:
        if clock is not None and (earliest is None or clock[0] < earliest[0]):
            earliest = clock
    return earliest


class _Alarm:
    """The attempt's clocks on one timer, for the wait for each part.

    ``asyncio.timeout_at`` around every wait cost a timer scheduled and cancelled per chunk (and
    the idle clock moves with every chunk). Here the timer is armed once and, when it rings
    before the clock it stands for (the clock moved on in the meantime), re-armed for the clock's
    new time: a few timers per attempt instead of one per chunk. The wait is cancelled only
    while it is waiting, as ``asyncio.timeout_at`` cancels only inside its block; a clock that
    rang between two waits interrupts the next wait at its first suspension, as a
    ``timeout_at`` entered after its deadline does.
    """

    __slots__ = ("_armed_at", "_cancelling", "_deadline", "_handle", "_loop", "_rang", "_task")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = 0.0
        self._deadline: _Deadline = None
        # The task waiting for a part, while it waits; None between waits.
        self._task: asyncio.Task[Any] | None = None
        self._cancelling = 0
        self._rang = False

    async def next_part(self, parts: AsyncIterator[RawPart], deadline: _Deadline) -> RawPart:
        """The next part, or :class:`_AttemptTimeout` when ``deadline`` passes first."""
        if deadline is None:
            self._deadline = None
            return await anext(parts)
        self._deadline = deadline
        if self._handle is None or deadline[0] < self._armed_at:
            self._arm(deadline[0])
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a provider stream must be read inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._rang = False
        try:
            return await anext(parts)
        except asyncio.CancelledError:
            if self._rang:
                self._rang = False
                # Only this alarm's cancellation becomes a timeout; another one (the consumer
                # went away) stays a cancellation, as with asyncio.timeout_at.
                if task.uncancel() <= self._cancelling:
                    _, clock, milliseconds = deadline
                    raise _AttemptTimeout(clock, milliseconds) from None
            raise
        finally:
            self._task = None
            if self._rang:
                # It rang, but the wait ended otherwise (a part, another error): take the
                # cancellation back, as asyncio.timeout_at does on leaving its block.
                self._rang = False
                task.uncancel()

    def stop(self) -> None:
        """Cancels the timer (the attempt is over)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._armed_at = when
        self._handle = self._loop.call_at(when, self._ring)

    def _ring(self) -> None:
        self._handle = None
        deadline = self._deadline
        if self._task is None or deadline is None or self._rang:
            # Between two waits, or no clock: the next wait arms the timer again.
            return
        if self._loop.time() < deadline[0]:
            self._arm(deadline[0])
            return
        self._rang = True
        self._task.cancel()


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
    if isinstance(thrown, _AttemptTimeout):
        # The whole call's clock is never retried; an attempt's clocks are, before a token.
        return create_provider_error(
            provider=provider,
            kind="timeout",
            model=model,
            detail=_describe_timeout(thrown.clock, thrown.milliseconds),
            retryable=False if thrown.clock == "total" else None,
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
