"""The linear pool keeps, reuses and closes connections exactly as httpcore's own pool does, and
is installed only where it mirrors httpcore."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from catalyst_runtime.providers.create_provider import _default_http_client
from catalyst_runtime.providers.shared.connection_pool import LinearConnectionPool, use_linear_pool

pytestmark = pytest.mark.asyncio


async def _serve(handle: Callable[[], Awaitable[None]]) -> tuple[asyncio.Server, list[int]]:
    """A keep-alive HTTP/1.1 server answering ``ok``; the list counts connections opened, then
    closed (by the client)."""
    counts = [0, 0]

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counts[0] += 1
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await handle()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            counts[1] += 1
        except asyncio.CancelledError:
            pass  # the server closing at the end of the test
        finally:
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    return server, counts


async def _scenario(linear: bool) -> list[object]:
    gate = asyncio.Event()

    async def handle() -> None:
        await gate.wait()

    server, counts = await _serve(handle)
    port = server.sockets[0].getsockname()[1]
    # At most 2 kept alive of at most 3: the surplus is closed, and a fourth request waits.
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=3, max_keepalive_connections=2))
    assert use_linear_pool(client) is linear or not linear
    url = f"http://127.0.0.1:{port}/"
    try:
        pending = [asyncio.ensure_future(client.get(url)) for _ in range(4)]
        await asyncio.sleep(0.05)
        opened_while_busy = counts[0]
        gate.set()
        statuses = [response.status_code for response in await asyncio.gather(*pending)]
        for _ in range(3):
            await client.get(url)
        await asyncio.sleep(0.05)
        return [statuses, opened_while_busy, counts[0], counts[1]]
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


async def test_the_linear_pool_keeps_reuses_and_closes_as_httpcore_does() -> None:
    stock = await _scenario(linear=False)
    linear = await _scenario(linear=True)
    assert linear == stock
    # Three connections at most while four requests were in flight; the surplus over the
    # keep-alive limit was closed, on both.
    assert stock[:2] == [[200, 200, 200, 200], 3] and stock[3] != 0


async def test_it_is_installed_only_on_the_default_transport() -> None:
    built = _default_http_client("openai")
    try:
        assert isinstance(built._transport._pool, LinearConnectionPool)
    finally:
        await built.aclose()
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200)))
    try:
        assert use_linear_pool(mocked) is False
    finally:
        await mocked.aclose()
