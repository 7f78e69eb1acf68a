"""The HTTP gate beyond the conformance vectors: API key files, CORS on actual responses, request
ids, HEAD, a chunked body over the limit, Connection: close on a stream, the access log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalyst_runtime.server.create_app import create_app
from catalyst_runtime.server.request_log import ServerLogger
from catalyst_runtime.server.server_config import ServerConfig, ServerLimits, read_server_config

pytestmark = pytest.mark.asyncio

WORKFLOW: dict[str, Any] = {
    "id": "echo",
    "name": "Echo",
    "input": {"type": "object", "properties": {"question": {"type": "string"}}},
    "nodes": [{"id": "input", "type": "input"}, {"id": "output", "type": "output"}],
    "edges": [{"from": "input", "to": "output"}],
}


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)


def _client(config: ServerConfig, log: _Lines | None = None) -> httpx.AsyncClient:
    app = create_app(
        [WORKFLOW],
        environment={},
        config=config,
        logger=ServerLogger(stream=log or _Lines(), level="info"),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x.test")


JSON = {"content-type": "application/json"}


async def test_keys_from_a_file_and_the_variable_and_malformed_values_name_the_variable(
    tmp_path: Path,
) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# team keys\nkey-from-file\n\n", encoding="utf-8")
    config = read_server_config({"CATALYST_API_KEYS": "a, b", "CATALYST_API_KEYS_FILE": str(keys)})
    assert config.api_keys == ("a", "b", "key-from-file")
    with pytest.raises(
        ValueError, match=r"^CATALYST_MAX_BODY_BYTES must be a whole number above 0"
    ):
        read_server_config({"CATALYST_MAX_BODY_BYTES": "0"})
    with pytest.raises(ValueError, match=r"^CATALYST_LOG_LEVEL must be one of"):
        read_server_config({"CATALYST_LOG_LEVEL": "loud"})
    with pytest.raises(ValueError, match=r"^CATALYST_API_KEYS_FILE: cannot read") as raised:
        read_server_config({"CATALYST_API_KEYS_FILE": str(tmp_path / "missing")})
    assert "key-from-file" not in str(raised.value)


async def test_a_key_from_the_file_is_accepted() -> None:
    async with _client(ServerConfig(api_keys=("key-from-file",))) as client:
        accepted = await client.post(
            "/workflows/echo/run",
            content=b'{"question":"hi"}',
            headers={**JSON, "authorization": "bearer  key-from-file"},
        )
        refused = await client.post(
            "/workflows/echo/run",
            content=b'{"question":"hi"}',
            headers={**JSON, "authorization": "Basic key-from-file"},
        )
    assert accepted.status_code == 200
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"


async def test_cors_headers_on_actual_responses_only_for_listed_origins() -> None:
    async with _client(ServerConfig(cors_origins=("https://app.example",))) as client:
        listed = await client.get("/health", headers={"origin": "https://app.example"})
        other = await client.get("/health", headers={"origin": "https://evil.example"})
    assert listed.headers["access-control-allow-origin"] == "https://app.example"
    assert listed.headers["access-control-expose-headers"] == "x-request-id, x-catalyst-run-id"
    assert listed.headers["vary"] == "Origin"
    assert "access-control-allow-origin" not in other.headers


async def test_request_ids_are_echoed_only_when_printable_and_short() -> None:
    async with _client(ServerConfig()) as client:
        good = await client.get("/health", headers={"x-request-id": "abc-123"})
        spaced = await client.get("/health", headers={"x-request-id": "has space"})
        long = await client.get("/health", headers={"x-request-id": "x" * 129})
    assert good.headers["x-request-id"] == "abc-123"
    for response in (spaced, long):
        generated = response.headers["x-request-id"]
        assert len(generated) == 36 and generated.count("-") == 4


async def test_head_answers_like_get_without_a_body_and_unknown_routes_stay_404() -> None:
    async with _client(ServerConfig()) as client:
        head = await client.head("/workflows")
        missing = await client.head("/nope")
    assert head.status_code == 200 and head.content == b""
    assert missing.status_code == 404


async def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"[" * 100

    async with _client(ServerConfig(limits=ServerLimits(max_body_bytes=1000))) as client:
        response = await client.post("/workflows/echo/run", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == (
        "the request body is larger than the limit of 1000 bytes"
    )
    # Reading stopped at the limit: far from all 100 chunks were pulled.
    assert len(sent) < 20


async def test_connection_close_is_honoured_on_a_stream() -> None:
    async with _client(ServerConfig()) as client:
        response = await client.post(
            "/workflows/echo/stream",
            content=b'{"question":"hi"}',
            headers={**JSON, "connection": "close"},
        )
    assert response.headers["connection"] == "close"
    assert response.text.rstrip().split("\n\n")[-1].split("\n")[1] == "event: done"


async def test_one_access_log_line_per_request_with_the_documented_fields() -> None:
    log = _Lines()
    async with _client(ServerConfig(), log) as client:
        await client.post(
            "/workflows/echo/stream",
            content=b'{"question":"secret prompt"}',
            headers={**JSON, "x-request-id": "client-42"},
        )
        await client.post(
            "/workflows/echo/run", content=b"x", headers={"content-type": "text/plain"}
        )
    records = [json.loads(line) for line in log.lines]
    assert len(records) == 2
    assert list(records[0]) == [
        "time",
        "level",
        "requestId",
        "method",
        "path",
        "workflow",
        "status",
        "timeToFirstTokenMs",
        "tokens",
        "costUsd",
        "errorKind",
        "durationMs",
    ]
    assert records[0]["requestId"] == "client-42" and records[0]["workflow"] == "echo"
    assert records[0]["level"] == "info" and records[0]["errorKind"] is None
    assert records[1]["level"] == "warn" and records[1]["errorKind"] == "unsupported_media_type"
    assert "secret prompt" not in "".join(log.lines)


async def test_stack_traces_only_at_debug() -> None:
    for level, shown in (("info", False), ("debug", True)):
        log = _Lines()
        ServerLogger(stream=log, level=level).message("error", "boom", stack="at x")
        assert ("stack" in json.loads(log.lines[0])) is shown
