"""The shared streaming loop: retries, timeouts, one terminal event, closing on cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.create_provider import ChatRequest
from catalyst_runtime.providers.shared.provider_error import ProviderError, create_provider_error
from catalyst_runtime.providers.shared.provider_stream import provider_stream
from catalyst_runtime.providers.shared.stream_state import (
    FinishPart,
    MetadataPart,
    RawPart,
    TextPart,
    UsagePart,
)

pytestmark = pytest.mark.asyncio


def _error(_: BaseException) -> ProviderError:
    if isinstance(_, ProviderError):
        return _
    return create_provider_error(provider="openai", kind="network", detail=str(_))


async def _collect(
    request: ChatRequest, attempts: list[Any], sleeps: list[float], **defaults: Any
) -> list[Any]:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def open_attempt() -> AsyncGenerator[RawPart, None]:
        parts: AsyncGenerator[RawPart, None] = attempts.pop(0)()
        return parts

    return [
        event
        async for event in provider_stream(
            provider="openai",
            request=request,
            catalog=ModelCatalog.default(),
            open_attempt=open_attempt,
            to_provider_error=_error,
            sleep=sleep,
            random=lambda: 0.0,
            **defaults,
        )
    ]


async def _ok() -> AsyncGenerator[RawPart, None]:
    yield MetadataPart(model="gpt-4.1-mini-2025-04-14")
    yield TextPart("Hi")
    yield TextPart("!")
    yield UsagePart({"inputTokens": 3, "outputTokens": 2})
    yield FinishPart("stop")


async def _rate_limited() -> AsyncGenerator[RawPart, None]:
    raise create_provider_error(
        provider="openai", kind="rate_limit", status=429, retry_after_ms=250
    )
    yield TextPart("")  # pragma: no cover


async def test_retries_before_the_first_token_honouring_retry_after() -> None:
    sleeps: list[float] = []
    events = await _collect(ChatRequest(model="gpt-4.1-mini"), [_rate_limited, _ok], sleeps)
    assert [event["type"] for event in events] == ["retry", "token", "token", "done"]
    assert events[0]["delayMs"] == 250 and sleeps == [0.25]
    done = events[-1]
    assert done["text"] == "Hi!" and done["model"] == "gpt-4.1-mini-2025-04-14"
    assert done["usage"]["totalTokens"] == 5 and done["cost"] is not None


async def test_gives_up_after_max_retries_with_one_error_event() -> None:
    sleeps: list[float] = []
    request = ChatRequest(model="gpt-4.1-mini", max_retries=1)
    events = await _collect(request, [_rate_limited, _rate_limited], sleeps)
    assert [event["type"] for event in events] == ["retry", "error"]
    assert events[-1]["error"]["kind"] == "rate_limit"


async def test_first_token_timeout() -> None:
    async def silent() -> AsyncGenerator[RawPart, None]:
        await asyncio.sleep(10)
        yield TextPart("late")

    request = ChatRequest(model="gpt-4.1-mini", first_token_timeout_ms=20, max_retries=0)
    events = await _collect(request, [silent], [])
    assert events[-1]["error"]["message"] == (
        "OpenAI did not answer in time: no first token within 20 ms."
    )


async def _stall_after_one() -> AsyncGenerator[RawPart, None]:
    yield TextPart("one ")
    await asyncio.sleep(10)
    yield TextPart("two ")


async def _silent() -> AsyncGenerator[RawPart, None]:
    await asyncio.sleep(10)
    yield TextPart("late")


async def test_first_token_timeout_is_retried_then_fails_retryable() -> None:
    request = ChatRequest(model="gpt-4.1-mini", first_token_timeout_ms=20, max_retries=1)
    events = await _collect(request, [_silent, _silent], [])
    assert [event["type"] for event in events] == ["retry", "error"]
    assert events[-1]["error"]["kind"] == "timeout" and events[-1]["error"]["retryable"]


async def test_idle_timeout_ends_a_stream_that_stalls_after_a_token_without_retry() -> None:
    request = ChatRequest(model="gpt-4.1-mini", idle_timeout_ms=30, max_retries=2)
    events = await _collect(request, [_stall_after_one], [])
    assert [event["type"] for event in events] == ["token", "error"]
    assert events[-1]["error"]["message"] == (
        "OpenAI did not answer in time: the stream stalled: nothing for 30 ms after the last "
        "chunk (idleTimeoutMs)."
    )
    assert events[-1]["partialText"] == "one "


async def test_idle_clock_is_rearmed_by_every_chunk() -> None:
    async def steady() -> AsyncGenerator[RawPart, None]:
        for word in ("a ", "b ", "c ", "d "):
            await asyncio.sleep(0.02)
            yield TextPart(word)

    # 80 ms in all, never 40 ms of silence: no timeout.
    request = ChatRequest(model="gpt-4.1-mini", idle_timeout_ms=40)
    events = await _collect(request, [steady], [])
    assert events[-1]["type"] == "done" and events[-1]["text"] == "a b c d "


async def test_a_clock_never_cancels_what_the_consumer_awaits_between_parts() -> None:
    # The idle clock runs out while the consumer, not the stream, is busy: its own sleep is not
    # cut short, and the next part, already there, is still taken (no wait, nothing to time out).
    async def ready() -> AsyncGenerator[RawPart, None]:
        yield TextPart("a ")
        yield TextPart("b ")
        yield FinishPart("stop")

    request = ChatRequest(model="gpt-4.1-mini", idle_timeout_ms=10)
    events: list[Any] = []
    async for event in provider_stream(
        provider="openai",
        request=request,
        catalog=ModelCatalog.default(),
        open_attempt=ready,
        to_provider_error=_error,
    ):
        events.append(event)
        if event["type"] == "token":
            await asyncio.sleep(0.03)  # raises CancelledError if the clock cancelled it
    assert [event["type"] for event in events] == ["token", "token", "done"]


async def test_a_timeout_leaves_the_task_uncancelled_and_a_cancel_stays_a_cancel() -> None:
    request = ChatRequest(model="gpt-4.1-mini", idle_timeout_ms=20, max_retries=0)
    events = await _collect(request, [_stall_after_one], [])
    assert events[-1]["type"] == "error"
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0

    # The consumer going away while the stream waits: a cancellation, never a timeout event.
    started = asyncio.Event()

    async def consume() -> list[Any]:
        seen: list[Any] = []
        slow = ChatRequest(model="gpt-4.1-mini", idle_timeout_ms=60_000)
        async for event in provider_stream(
            provider="openai",
            request=slow,
            catalog=ModelCatalog.default(),
            open_attempt=_stall_after_one,
            to_provider_error=_error,
        ):
            seen.append(event)
            started.set()
        return seen

    consumer = asyncio.ensure_future(consume())
    await started.wait()
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer


async def test_the_provider_default_applies_when_the_request_sets_none() -> None:
    request = ChatRequest(model="gpt-4.1-mini", max_retries=0)
    events = await _collect(request, [_silent], [], default_first_token_timeout_ms=25)
    assert events[-1]["error"]["message"] == (
        "OpenAI did not answer in time: no first token within 25 ms."
    )
    # 0 on the request turns the clock off, whatever the default.
    off = ChatRequest(model="gpt-4.1-mini", first_token_timeout_ms=0, idle_timeout_ms=0)

    async def slow_start() -> AsyncGenerator[RawPart, None]:
        await asyncio.sleep(0.06)
        yield TextPart("ok")

    events = await _collect(off, [slow_start], [], default_first_token_timeout_ms=20)
    assert events[-1]["type"] == "done"


async def test_attempt_timeout_retries_before_a_token_and_names_timeout_ms() -> None:
    request = ChatRequest(model="gpt-4.1-mini", attempt_timeout_ms=30, max_retries=1)
    events = await _collect(request, [_silent, _ok], [])
    assert [event["type"] for event in events] == ["retry", "token", "token", "done"]
    events = await _collect(request, [_stall_after_one], [])
    assert [event["type"] for event in events] == ["token", "error"]
    assert events[-1]["error"]["message"] == (
        "OpenAI did not answer in time: no complete answer within the attempt timeout of 30 ms "
        "(timeoutMs)."
    )


async def test_total_timeout_is_not_retried() -> None:
    request = ChatRequest(model="gpt-4.1-mini", total_timeout_ms=30, max_retries=3)
    events = await _collect(request, [_silent], [])
    assert [event["type"] for event in events] == ["error"]
    assert not events[-1]["error"]["retryable"]


async def test_retired_model_names_the_replacements() -> None:
    events = await _collect(ChatRequest(model="gpt-4-32k"), [], [])
    assert events[0]["type"] == "error"
    assert "was retired on" in events[0]["error"]["message"]


async def test_cancelling_the_consumer_closes_the_attempt() -> None:
    closed = asyncio.Event()

    async def slow() -> AsyncGenerator[RawPart, None]:
        try:
            yield TextPart("a")
            await asyncio.sleep(10)
            yield TextPart("b")
        finally:
            closed.set()

    async def consume() -> None:
        await _collect(ChatRequest(model="gpt-4.1-mini"), [slow], [])

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed.is_set()
