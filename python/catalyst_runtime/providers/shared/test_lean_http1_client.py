"""The lean HTTP/1.1 client against httpx, fault for fault, on a scripted local server.

Each scenario is a server that reads one request and then answers (or fails) in a scripted way;
the same request goes once through ``httpx.AsyncClient.send`` and once through the lean client,
and what a caller sees must be the same: the request bytes on the wire, the status, the decoded
body, or the exception's type and text. Every test runs on asyncio's event loop and on uvloop's
(the generated service's, whose transports are not ``asyncio.Transport`` subclasses).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gzip
import ipaddress
import socket
import ssl
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvloop
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from catalyst_runtime.providers.shared.lean_http1_client import ResponseHeaders, lean_client_for

Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
Script = Callable[[Reader, Writer], Awaitable[None]]

_BODY = b'{"model":"m","stream":true}'
_HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk-test"}


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + await reader.readexactly(length)


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _chunked(*pieces: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)


_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
)


def _answer(raw: bytes, *, then_wait: float = 0, reset: bool = False) -> Script:
    """A script that reads the request, sends ``raw``, waits ``then_wait`` seconds, then closes
    the connection (or resets it)."""

    async def script(reader: Reader, writer: Writer) -> None:
        await _read_request(reader)
        if raw:
            writer.write(raw)
            await writer.drain()
        if then_wait:
            await asyncio.sleep(then_wait)
        if reset:
            _reset(writer)
        else:
            writer.close()

    return script


_FIRST_CHUNK = _SSE_HEAD + _chunked(b"data: a\n\n")
_GZIPPED_ERROR = gzip.compress(b'{"error": {"message": "packed"}}')

_complete = _answer(_SSE_HEAD + _chunked(b"data: a\n\n", b"data: [DONE]\n\n") + b"0\r\n\r\n")
_close_before_response = _answer(b"")
_reset_before_response = _answer(b"", reset=True)
_close_mid_chunked = _answer(_FIRST_CHUNK)
_reset_mid_chunked = _answer(_FIRST_CHUNK, then_wait=0.05, reset=True)
_short_content_length = _answer(
    b'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 40\r\n\r\n{"error":'
)
_until_close = _answer(b"HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: a\n\n")
_gzip_error = _answer(
    b"HTTP/1.1 429 Too Many Requests\r\ncontent-encoding: gzip\r\nretry-after: 1\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_GZIPPED_ERROR), _GZIPPED_ERROR)
)
_malformed_head = _answer(b"NOT HTTP AT ALL\r\n\r\n")
_stall_head = _answer(b"", then_wait=1)
_stall_body = _answer(_FIRST_CHUNK, then_wait=1)


async def _early_hints(reader: Reader, writer: Writer) -> None:
    await _read_request(reader)
    writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\n")
    await writer.drain()
    await _complete(reader, writer)


SCENARIOS: dict[str, Script] = {
    "early-hints-first": _early_hints,
    "complete": _complete,
    "close-before-response": _close_before_response,
    "reset-before-response": _reset_before_response,
    "close-mid-chunked": _close_mid_chunked,
    "reset-mid-chunked": _reset_mid_chunked,
    "short-content-length": _short_content_length,
    "body-until-close": _until_close,
    "gzip-error": _gzip_error,
    "malformed-head": _malformed_head,
    "stall-before-head": _stall_head,
    "stall-in-body": _stall_body,
}


async def _serve(script: Script, requests: list[bytes]) -> tuple[asyncio.Server, httpx.URL]:
    async def handle(reader: Reader, writer: Writer) -> None:
        # Records the request bytes, then replays them to the script.
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        request = head + await reader.readexactly(length)
        requests.append(request)
        replay = asyncio.StreamReader()
        replay.feed_data(request)
        with contextlib.suppress(ConnectionError, OSError):
            await script(replay, writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, httpx.URL(f"http://127.0.0.1:{port}/v1/chat/completions")


def _outcome(status: int | None, body: bytes, error: BaseException | None) -> dict[str, Any]:
    if error is not None:
        return {"error": type(error).__name__, "text": str(error)}
    return {"status": status, "body": body}


async def _through_httpx(client: httpx.AsyncClient, url: httpx.URL) -> dict[str, Any]:
    request = client.build_request("POST", url, content=_BODY, headers=_HEADERS, timeout=0.3)
    status: int | None = None
    pieces: list[bytes] = []
    try:
        response = await client.send(request, stream=True)
        status = response.status_code
        try:
            async for piece in response.aiter_bytes():
                pieces.append(piece)
        finally:
            await response.aclose()
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error
        return _outcome(status, b"", error)
    return _outcome(status, b"".join(pieces), None)


async def _through_lean(client: httpx.AsyncClient, url: httpx.URL) -> dict[str, Any]:
    lean = lean_client_for(client, url)
    assert lean is not None
    request = client.build_request("POST", url, content=_BODY, headers=_HEADERS)
    status: int | None = None
    pieces: list[bytes] = []
    try:
        response = await lean.send(url, list(request.headers.raw), _BODY, httpx.Timeout(0.3))
        status = response.status_code
        try:
            async for piece in response.aiter_bytes():
                pieces.append(piece)
        finally:
            await response.aclose()
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error
        return _outcome(status, b"", error)
    return _outcome(status, b"".join(pieces), None)


@pytest.mark.asyncio
@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_a_fault_reads_as_it_does_through_httpx(scenario: str) -> None:
    await _check_fault(scenario)


async def _check_fault(scenario: str) -> None:
    outcomes = []
    requests: list[bytes] = []
    server, url = await _serve(SCENARIOS[scenario], requests)
    try:
        for through in (_through_httpx, _through_lean):
            client = httpx.AsyncClient()
            try:
                outcomes.append(await through(client, url))
            finally:
                await client.aclose()
    finally:
        server.close()
        await server.wait_closed()
    if scenario == "malformed-head":
        # The same error type (so the same typed provider error), but each parser words what
        # it found in its own way (h11: "illegal status line: …", httptools: "Expected HTTP/…").
        assert outcomes[1]["error"] == outcomes[0]["error"] == "RemoteProtocolError"
    else:
        assert outcomes[1] == outcomes[0]
    # Byte for byte the request httpx sends.
    assert len(requests) == 2
    assert requests[1] == requests[0]


@pytest.mark.asyncio
async def test_a_refused_connection_reads_as_it_does_through_httpx() -> None:
    await _check_refused()


async def _check_refused() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    url = httpx.URL(f"http://127.0.0.1:{port}/v1/chat/completions")
    outcomes = []
    for through in (_through_httpx, _through_lean):
        client = httpx.AsyncClient()
        try:
            outcomes.append(await through(client, url))
        finally:
            await client.aclose()
    assert outcomes[0]["error"] == "ConnectError"
    assert outcomes[1] == outcomes[0]


@pytest.mark.asyncio
async def test_keep_alive_reuses_one_connection_and_notices_a_closed_one() -> None:
    await _check_keep_alive()


async def _check_keep_alive() -> None:
    connections: list[asyncio.StreamWriter] = []

    async def handle(reader: Reader, writer: Writer) -> None:
        connections.append(writer)
        try:
            while True:
                await _read_request(reader)
                writer.write(_SSE_HEAD + _chunked(b"data: [DONE]\n\n") + b"0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = httpx.URL(f"http://127.0.0.1:{port}/v1/chat/completions")
    client = httpx.AsyncClient()
    try:
        for _ in range(3):
            assert (await _through_lean(client, url))["status"] == 200
        assert len(connections) == 1
        # The server closes the idle connection: the next request opens a new one, no error.
        connections[0].close()
        await asyncio.sleep(0.05)
        assert (await _through_lean(client, url))["status"] == 200
        assert len(connections) == 2
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


@pytest.mark.asyncio
async def test_an_abandoned_stream_closes_its_connection() -> None:
    await _check_abandoned()


async def _check_abandoned() -> None:
    closed = asyncio.Event()

    async def handle(reader: Reader, writer: Writer) -> None:
        await _read_request(reader)
        writer.write(_SSE_HEAD + _chunked(b"data: a\n\n"))
        await writer.drain()
        await reader.read()  # until the client goes away
        closed.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = httpx.URL(f"http://127.0.0.1:{port}/v1/chat/completions")
    client = httpx.AsyncClient()
    try:
        lean = lean_client_for(client, url)
        assert lean is not None
        request = client.build_request("POST", url, content=_BODY)
        response = await lean.send(url, list(request.headers.raw), _BODY, httpx.Timeout(5))
        pieces = response.aiter_bytes()
        assert await anext(pieces) == b"data: a\n\n"
        await pieces.aclose()
        await asyncio.wait_for(closed.wait(), 2)
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


@pytest.mark.asyncio
async def test_only_a_plain_client_gets_the_lean_client() -> None:
    url = httpx.URL("http://127.0.0.1:1/v1/chat/completions")
    plain = httpx.AsyncClient()
    injected = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200)))
    proxied = httpx.AsyncClient(proxy="http://127.0.0.1:3128")
    hooked = httpx.AsyncClient(event_hooks={"request": [lambda _: None]})
    retrying = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(retries=1))
    try:
        assert lean_client_for(plain, url) is not None
        assert lean_client_for(plain, url) is lean_client_for(plain, url)
        for client in (injected, proxied, hooked, retrying):
            assert lean_client_for(client, url) is None
        assert lean_client_for(plain, httpx.URL("ftp://127.0.0.1/")) is None
        # A pool without the attributes read here (another httpcore release): httpx keeps it.
        odd = httpx.AsyncClient()
        del odd._transport._pool._http2  # type: ignore[attr-defined]
        assert lean_client_for(odd, url) is None
        odd._transport._pool._http2 = False  # type: ignore[attr-defined]
        await odd.aclose()
    finally:
        for client in (plain, injected, proxied, hooked, retrying):
            await client.aclose()


@pytest.mark.asyncio
async def test_at_the_connection_limit_a_request_waits_for_a_released_connection() -> None:
    await _check_limit()


async def _check_limit() -> None:
    connections: list[Writer] = []
    release = asyncio.Event()

    async def handle(reader: Reader, writer: Writer) -> None:
        connections.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await _read_request(reader)
                writer.write(_SSE_HEAD + _chunked(b"data: a\n\n"))
                await release.wait()
                writer.write(b"0\r\n\r\n")
                await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = httpx.URL(f"http://127.0.0.1:{port}/v1/chat/completions")
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=1))
    try:
        lean = lean_client_for(client, url)
        assert lean is not None
        headers = list(client.build_request("POST", url, content=_BODY).headers.raw)
        first = await lean.send(url, headers, _BODY, httpx.Timeout(5))
        # The one connection is busy: a short pool timeout ends in httpx's PoolTimeout.
        with pytest.raises(httpx.PoolTimeout):
            await lean.send(url, headers, _BODY, httpx.Timeout(5, pool=0.1))
        second = asyncio.ensure_future(lean.send(url, headers, _BODY, httpx.Timeout(5)))
        await asyncio.sleep(0.05)
        assert not second.done()
        release.set()
        assert b"".join([piece async for piece in first.aiter_bytes()]) == b"data: a\n\n"
        response = await asyncio.wait_for(second, 2)
        assert b"".join([piece async for piece in response.aiter_bytes()]) == b"data: a\n\n"
        assert len(connections) == 1
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


def test_response_headers_read_as_httpx_headers_do() -> None:
    raw = [
        (b"X-Request-Id", b"req_1"),
        (b"set-cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
        (b"x-note", "caf\u00e9".encode()),
        (b"x-latin", b"\xe9t\xe9"),
    ]
    ours, theirs = ResponseHeaders(raw), httpx.Headers(raw)
    for name in ("x-request-id", "X-REQUEST-ID", "set-cookie", "x-note", "missing"):
        assert ours.get(name) == theirs.get(name)
        assert (name in ours) == (name in theirs)
    assert ResponseHeaders([(b"x-latin", b"\xe9t\xe9")]).get("x-latin") == httpx.Headers(
        [(b"x-latin", b"\xe9t\xe9")]
    ).get("x-latin")


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made for this test run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = directory / "certificate.pem", directory / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_path, key_path


async def _check_tls(directory: Path) -> None:
    certificate, key = _self_signed(directory)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)
    requests: list[bytes] = []

    async def handle(reader: Reader, writer: Writer) -> None:
        with contextlib.suppress(ConnectionError, OSError, asyncio.IncompleteReadError):
            requests.append(await _read_request(reader))
            writer.write(_SSE_HEAD + _chunked(b"data: a\n\n", b"data: [DONE]\n\n") + b"0\r\n\r\n")
            await writer.drain()
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    url = httpx.URL(f"https://127.0.0.1:{port}/v1/chat/completions")
    trusting = ssl.create_default_context(cafile=str(certificate))
    try:
        for verify in (trusting, ssl.create_default_context()):
            outcomes = []
            for through in (_through_httpx, _through_lean):
                client = httpx.AsyncClient(verify=verify)
                try:
                    outcomes.append(await through(client, url))
                finally:
                    await client.aclose()
            # Trusted: the same reply over TLS; not trusted: httpx's ConnectError, same text.
            assert outcomes[1] == outcomes[0]
            assert ("error" in outcomes[0]) == (verify is not trusting)
        assert len(requests) == 2
        assert requests[1] == requests[0]
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.asyncio
async def test_https_goes_through_the_pools_tls_context(tmp_path: Path) -> None:
    await _check_tls(tmp_path)


def test_everything_reads_the_same_on_uvloop(tmp_path: Path) -> None:
    # The generated service runs on uvloop, whose transports are not asyncio.Transport
    # subclasses: the whole comparison again on its loop.
    async def everything() -> None:
        for scenario in SCENARIOS:
            await _check_fault(scenario)
        await _check_refused()
        await _check_keep_alive()
        await _check_abandoned()
        await _check_limit()
        await _check_tls(tmp_path)

    uvloop.run(everything())
