"""Graceful shutdown as an operator sees it: a real uvicorn process, a real SIGTERM
(``serve-shutdown.test.ts`` does the same to ``catalyst serve``)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[2]
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "tests.runtime.uvicorn_app:create"]
SHUTTING_DOWN = "the server is shutting down; retry the request"
STREAM_END = (
    b'event: error\ndata: {"kind":"unavailable","message":"the server is shutting down; '
    b'retry the request","retryable":true}\n\n'
)


class Uvicorn:
    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url
        self.stderr = b""

    def wait(self, timeout: float) -> int:
        _, stderr = self.process.communicate(timeout=timeout)
        self.stderr += stderr
        return self.process.returncode


@pytest.fixture
def start_uvicorn(simulator: Any) -> Iterator[Any]:
    started: list[Uvicorn] = []

    def start(**environment: str) -> Uvicorn:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "ANTHROPIC_API_KEY": "sk-ant-test-0000",
            "ANTHROPIC_BASE_URL": simulator.url,
            **environment,
        }
        process = subprocess.Popen(
            [*UVICORN, "--host", "127.0.0.1", "--port", "0", "--no-access-log"],
            cwd=PYTHON_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        seen = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            seen += line
            match = re.search(rb"running on (http://[\d.]+:\d+)", line)
            if match:
                server = Uvicorn(process, match.group(1).decode())
                server.stderr = seen
                started.append(server)
                return server
            if not line and process.poll() is not None:
                break
        process.kill()
        raise AssertionError(f"uvicorn did not start: {seen.decode(errors='replace')}")

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def _stream(url: str, question: str, received: list[bytes], first_token: threading.Event) -> None:
    body = json.dumps({"question": question})
    headers = {"content-type": "application/json"}
    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", f"{url}/workflows/chat/stream", content=body, headers=headers) as r,
    ):
        for chunk in r.iter_raw():
            received.append(chunk)
            if b"event: token" in b"".join(received):
                first_token.set()
    first_token.set()


def test_sigterm_ends_a_run_past_the_grace_period_with_unavailable_and_exits_0(
    start_uvicorn: Any,
) -> None:
    server = start_uvicorn(CATALYST_SHUTDOWN_GRACE_MS="300")
    received: list[bytes] = []
    first_token = threading.Event()
    question = "word " * 40 + '[[sim {"timing":{"tokenDelayMs":100}}]]'
    reader = threading.Thread(target=_stream, args=(server.url, question, received, first_token))
    reader.start()
    assert first_token.wait(20)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.1)
    # During the grace period: still listening, refusing new work.
    refused = httpx.post(
        f"{server.url}/workflows/chat/run",
        content=b'{"question":"hi"}',
        headers={"content-type": "application/json"},
    )
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert refused.json() == {
        "error": {
            "kind": "unavailable",
            "message": "the server is shutting down; retry the request",
        }
    }
    reader.join(20)
    body = b"".join(received)
    assert body.count(b"event: token") > 0
    assert body.endswith(STREAM_END)
    assert server.wait(timeout=20) == 0
    lines = [
        json.loads(line)
        for line in server.stderr.decode().splitlines()
        if line.startswith("{") and '"path":"/workflows/chat/stream"' in line
    ]
    assert len(lines) == 1
    assert lines[0]["status"] == 200 and lines[0]["errorKind"] == "unavailable"
    assert lines[0]["workflow"] == "chat" and lines[0]["timeToFirstTokenMs"] >= 0
    # No prompt or reply text in the log.
    assert b"word word" not in server.stderr


def test_a_run_that_ends_within_the_grace_period_finishes_with_done(start_uvicorn: Any) -> None:
    server = start_uvicorn(CATALYST_SHUTDOWN_GRACE_MS="10000")
    received: list[bytes] = []
    first_token = threading.Event()
    question = 'short answer [[sim {"timing":{"tokenDelayMs":30}}]]'
    reader = threading.Thread(target=_stream, args=(server.url, question, received, first_token))
    reader.start()
    assert first_token.wait(20)
    server.process.send_signal(signal.SIGTERM)
    reader.join(20)
    frames = [frame for frame in b"".join(received).split(b"\n\n") if b"\nevent: " in frame]
    assert b"\nevent: done\n" in frames[-1]
    assert server.wait(timeout=20) == 0


def test_sigterm_when_idle_exits_0_at_once(start_uvicorn: Any) -> None:
    server = start_uvicorn()
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    # Far below the 25 s grace period; the interpreter's exit with every SDK loaded takes a
    # second or two on a busy machine.
    assert time.monotonic() - started < 5


def test_a_malformed_variable_stops_the_server_at_start_naming_it(simulator: Any) -> None:
    completed = subprocess.run(
        UVICORN,
        cwd=PYTHON_DIR,
        env={"PATH": os.environ.get("PATH", ""), "CATALYST_IDLE_TIMEOUT_MS": "soon"},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode != 0
    assert b"CATALYST_IDLE_TIMEOUT_MS must be a whole number of milliseconds" in completed.stderr
