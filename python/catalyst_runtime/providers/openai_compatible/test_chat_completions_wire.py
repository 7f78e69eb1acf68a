"""The direct Chat Completions path keeps one upstream connection for sequential streams, and
closes it when a stream is abandoned (the SDK comparison is in tests/sdk_compat)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from catalyst_runtime.providers.openai_compatible.chat_completions_wire import (
    ChatCompletionsWire,
    _parse_chunk,
    read_chunks,
)

pytestmark = pytest.mark.asyncio


def _frame(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)


class _Upstream:
    """A keep-alive HTTP/1.1 server answering every request with a chunked SSE stream; counts
    connections, records request heads, notices when a client closes one mid-stream, and sets a
    cookie with the first reply when asked."""

    def __init__(self, *, stall_after_first: bool = False, cookie: bool = False) -> None:
        self.connections = 0
        self.heads: list[bytes] = []
        self._cookie = cookie
        self.closed_by_client = asyncio.Event()
        self._stall = stall_after_first
        self._server: asyncio.Server | None = None
        self.url = ""

    async def __aenter__(self) -> _Upstream:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                self.heads.append(head)
                cookie = b"set-cookie: session=abc; Path=/\r\n" if len(self.heads) == 1 else b""
                if not self._cookie:
                    cookie = b""
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    + cookie
                    + b"transfer-encoding: chunked\r\n\r\n"
                )
                chunk = {"model": "m", "choices": [{"index": 0, "delta": {"content": "hi"}}]}
                writer.write(_frame(b"data: " + json.dumps(chunk).encode() + b"\n\n"))
                await writer.drain()
                if self._stall:
                    if await reader.read(1) == b"":
                        self.closed_by_client.set()
                    return
                writer.write(_frame(b"data: [DONE]\n\n") + b"0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


async def _texts(chunks: AsyncIterator[dict[str, object]]) -> list[object]:
    return [chunk["choices"] async for chunk in chunks]


@pytest.mark.parametrize("lean", [True, False])
async def test_sequential_streams_reuse_one_connection(lean: bool) -> None:
    async with _Upstream() as upstream, httpx.AsyncClient() as client:
        wire = ChatCompletionsWire(
            client=client,
            base_url=upstream.url,
            api_key="sk-test",
            headers={},
            timeout_seconds=None,
            user_agent="test",
            lean=lean,
        )
        for _ in range(3):
            response = await wire.open({"model": "m", "messages": [], "stream": True})
            assert len(await _texts(read_chunks(response))) == 1
        assert upstream.connections == 1


@pytest.mark.parametrize("lean", [True, False])
async def test_an_abandoned_stream_closes_its_connection(lean: bool) -> None:
    async with _Upstream(stall_after_first=True) as upstream, httpx.AsyncClient() as client:
        wire = ChatCompletionsWire(
            client=client,
            base_url=upstream.url,
            api_key=None,
            headers={},
            timeout_seconds=None,
            user_agent="test",
            lean=lean,
        )
        response = await wire.open({"model": "m", "messages": [], "stream": True})
        chunks = read_chunks(response)
        assert await anext(chunks)
        await chunks.aclose()
        await asyncio.wait_for(upstream.closed_by_client.wait(), timeout=10)


async def test_the_lean_client_sends_what_httpx_sends_cookies_and_own_headers_included() -> None:
    heads: list[list[bytes]] = []
    for lean in (False, True):
        async with _Upstream(cookie=True) as upstream, httpx.AsyncClient() as client:
            wire = ChatCompletionsWire(
                client=client,
                base_url=upstream.url,
                api_key="sk-test",
                headers={"X-Extra": "1"},
                timeout_seconds=None,
                user_agent="test",
                lean=lean,
            )
            for headers in (None, None, {"traceparent": "00-abc-def-01"}):
                response = await wire.open({"model": "m", "messages": [], "stream": True}, headers)
                assert len(await _texts(read_chunks(response))) == 1
            # The port differs between the two servers; everything else must not.
            heads.append(
                [head.replace(upstream.url[7:-3].encode(), b"HOST") for head in upstream.heads]
            )
    assert heads[1] == heads[0]
    # The cookie of the first reply goes back with the next requests.
    assert [b"session=abc" in head for head in heads[0]] == [False, True, True]


@pytest.mark.parametrize(
    "data",
    [
        '{"choices":[{"delta":{"content":"Hi"}}],"a":1,"a":2}',
        '{"x":18446744073709551615}',
        '{"x":18446744073709551616}',  # beyond 64 bits: an int, not orjson's float
        '{"x":-9223372036854775809}',
        '{"text":"call 1234567890123456789"}',
        '{"x":1e400}',
        '{"x":NaN}',
        '{"s":"\\ud800"}',
        '{"x":-0.0,"y":0.1,"z":1E5}',
        "[1,2] x",
        "",
    ],
)
async def test_chunks_parse_as_json_loads_parses_them(data: str) -> None:
    # The SDKs' parser is json.loads: the same value (repr tells int from float and -0.0 from 0.0)
    # or the same error.
    try:
        expected: object = repr(json.loads(data))
    except json.JSONDecodeError as error:
        expected = ("error", str(error))
    try:
        actual: object = repr(_parse_chunk(data))
    except json.JSONDecodeError as error:
        actual = ("error", str(error))
    assert actual == expected
