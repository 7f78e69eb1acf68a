"""Streams outlive their connection (docs/protocol.md, "Resuming a stream"), over real sockets:
a client cut mid-run reconnects with ``Last-Event-ID`` and gets the rest of the same run (one
provider call), on the same server or on another one sharing Redis — a Python app resuming a
TypeScript server's run and the other way round. The TypeScript runtime's own tests are
``packages/runtime/src/server/resumable-streams.test.ts``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.event_frames import EventFrame, parse_event_frames
from tests.redis_server import redis_server
from tests.runtime.conftest import PythonServer, TypeScriptServer, provider_environment

CHAT: dict[str, Any] = {
    "id": "chat",
    "name": "Chat",
    "input": {
        "type": "object",
        "properties": {"question": {"type": "string"}},
        "required": ["question"],
    },
    "nodes": [
        {"id": "input", "type": "input"},
        {
            "id": "answer",
            "type": "openaiCompletion",
            "config": {"model": "gpt-4.1-mini", "prompt": "{{ input.question }}"},
        },
        {"id": "output", "type": "output", "config": {"value": "{{ nodes.answer.text }}"}},
    ],
    "edges": [{"from": "input", "to": "answer"}, {"from": "answer", "to": "output"}],
}

# A reply of 16 tokens, 60 ms apart: long enough to cut in the middle.
SLOW_QUESTION = 'a b c d e f g h i j k l m n o p [[sim {"timing":{"tokenDelayMs":60}}]]'
UNKNOWN_RUN = "0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def serve(simulator: Any, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Starts a server of either runtime for the chat workflow; returns its URL."""
    started: list[PythonServer | TypeScriptServer] = []

    def start(runtime: str = "python", **environment: str) -> str:
        full = {**provider_environment(simulator.url), **environment}
        if runtime == "python":
            python = PythonServer(CHAT, full, 15_000)
            python.start()
            started.append(python)
            return python.url
        workflow_file = tmp_path / "chat.json"
        workflow_file.write_text(json.dumps(CHAT), encoding="utf-8")
        typescript = TypeScriptServer(workflow_file, full, 15_000)
        started.append(typescript)
        return typescript.url

    simulator.clear_scenario()
    yield start
    for server in started:
        server.stop()


def _read_then_cut(url: str, count: int) -> tuple[str, str]:
    """Starts a slow run, reads ``count`` events, then closes the connection."""
    text = ""
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "POST", f"{url}/workflows/chat/stream", json={"question": SLOW_QUESTION}
        ) as response,
    ):
        run_id = response.headers["x-catalyst-run-id"]
        for chunk in response.iter_text():
            text += chunk
            complete = text[: text.rfind("\n\n") + 2]
            if len(parse_event_frames(complete)) >= count:
                break
    return run_id, text[: text.rfind("\n\n") + 2]


def _resume(url: str, last_event_id: str) -> httpx.Response:
    return httpx.post(
        f"{url}/workflows/chat/stream",
        content=b"{}",
        headers={"content-type": "application/json", "last-event-id": last_event_id},
        timeout=30,
    )


def _tokens(frames: list[EventFrame]) -> str:
    return "".join(frame.data["text"] for frame in frames if frame.name == "token")


def _chat_requests(simulator: Any) -> list[dict[str, Any]]:
    return [call for call in simulator.requests() if call.get("operation") == "chat"]


def _until(condition: Callable[[], bool], timeout_s: float = 5) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _expect_rest_of_run(
    before: str, response: httpx.Response, run_id: str, after: int
) -> list[EventFrame]:
    assert response.status_code == 200
    assert response.headers["x-catalyst-run-id"] == run_id
    frames = parse_event_frames(response.text)
    assert [frame.id for frame in frames] == [
        f"{run_id}:{after + 1 + index}" for index in range(len(frames))
    ]
    assert frames[-1].name == "done"
    assert _tokens(parse_event_frames(before)) + _tokens(frames) == frames[-1].data["text"]
    return frames


def test_a_cut_connection_resumes_from_last_event_id_without_a_second_run(
    serve: Callable[..., str], simulator: Any
) -> None:
    url = serve()
    run_id, before = _read_then_cut(url, 5)
    # node input started/finished, answer started, then two tokens.
    assert [frame.id for frame in parse_event_frames(before)] == [
        f"{run_id}:{seq}" for seq in range(1, 6)
    ]
    # The run goes on while nobody reads: those events come back from the buffer.
    time.sleep(0.2)
    _expect_rest_of_run(before, _resume(url, f"{run_id}:5"), run_id, 5)
    calls = _chat_requests(simulator)
    assert len(calls) == 1 and calls[0]["clientClosedEarly"] is False


def test_event_source_replays_a_finished_run_and_an_expired_run_gets_one_error(
    serve: Callable[..., str], simulator: Any
) -> None:
    url = serve(CATALYST_STREAM_RETENTION_MS="1500")
    response = httpx.post(f"{url}/workflows/chat/stream", json={"question": "hello"}, timeout=30)
    run_id = response.headers["x-catalyst-run-id"]
    full = parse_event_frames(response.text)
    replay = httpx.get(f"{url}/workflows/chat/runs/{run_id}/stream", timeout=30)
    assert parse_event_frames(replay.text) == full
    after_two = httpx.get(
        f"{url}/workflows/chat/runs/{run_id}/stream",
        headers={"last-event-id": f"{run_id}:2"},
        timeout=30,
    )
    assert parse_event_frames(after_two.text) == full[2:]
    other_run = httpx.get(
        f"{url}/workflows/chat/runs/{run_id}/stream",
        headers={"last-event-id": f"{UNKNOWN_RUN}:2"},
        timeout=30,
    )
    assert other_run.status_code == 400
    assert other_run.json()["error"]["kind"] == "invalid_last_event_id"
    # A path that cannot name a run is an unknown resource.
    malformed = httpx.get(f"{url}/workflows/chat/runs/not%20a%20run/stream", timeout=30)
    assert malformed.status_code == 404
    assert malformed.json()["error"] == {
        "kind": "not_found",
        "message": 'no run "not a run" of workflow "chat": a run id is 1 to 128 letters, '
        'digits, "_" or "-"',
    }

    time.sleep(2)
    expired = _resume(url, f"{run_id}:2")
    assert expired.text == (
        f"id: {run_id}:3\nevent: error\n"
        f'data: {{"kind":"expired","message":"run \\"{run_id}\\" of workflow \\"chat\\" cannot be '
        "resumed: this server keeps a finished run's events for 1.5 s (and at most 200000 events "
        'of finished runs) and has none for it; start a new run","retryable":false}\n\n'
    )
    assert len(_chat_requests(simulator)) == 1


def test_a_run_nobody_reconnects_to_stops_after_the_reconnect_grace(
    serve: Callable[..., str], simulator: Any
) -> None:
    url = serve(CATALYST_STREAM_RECONNECT_MS="300")
    _read_then_cut(url, 4)
    time.sleep(0.1)
    # Still running inside the grace period…
    assert _chat_requests(simulator)[0]["finished"] is False
    # …and stopped after it: the provider connection is closed early.
    _until(lambda: _chat_requests(simulator)[0]["clientClosedEarly"] is True)
    assert _chat_requests(simulator)[0]["clientClosedEarly"] is True


def test_zero_reconnect_grace_stops_the_run_with_its_connection(
    serve: Callable[..., str], simulator: Any
) -> None:
    url = serve(CATALYST_STREAM_RECONNECT_MS="0")
    _read_then_cut(url, 4)
    _until(lambda: _chat_requests(simulator)[0]["clientClosedEarly"] is True, timeout_s=2)
    assert _chat_requests(simulator)[0]["clientClosedEarly"] is True


@pytest.mark.parametrize(
    ("runs_on", "resumes_on"),
    [("python", "python"), ("python", "typescript"), ("typescript", "python")],
)
def test_a_run_resumes_on_another_server_sharing_redis(
    serve: Callable[..., str], simulator: Any, runs_on: str, resumes_on: str
) -> None:
    with redis_server() as redis_url:
        first = serve(runs_on, REDIS_URL=redis_url, CATALYST_STREAM_RECONNECT_MS="2000")
        second = serve(resumes_on, REDIS_URL=redis_url)
        run_id, before = _read_then_cut(first, 5)
        # Reconnect to the other server while the run still streams on the first.
        _expect_rest_of_run(before, _resume(second, f"{run_id}:5"), run_id, 5)
        calls = _chat_requests(simulator)
        assert len(calls) == 1 and calls[0]["clientClosedEarly"] is False
        # The whole run again, from the other server, byte for byte what it stored.
        replay = httpx.get(f"{second}/workflows/chat/runs/{run_id}/stream", timeout=30)
        assert parse_event_frames(replay.text)[:5] == parse_event_frames(before)
        # An unknown run there: the expired error, not a hang.
        unknown = parse_event_frames(_resume(second, f"{UNKNOWN_RUN}:0").text)
        assert [(frame.id, frame.name) for frame in unknown] == [(f"{UNKNOWN_RUN}:1", "error")]
