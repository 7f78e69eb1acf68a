"""A lean HTTP/1.1 client for the providers' streamed POSTs, beside the ``httpx.AsyncClient`` it
stands in for.

Under load, httpx with httpcore, h11 and anyio was half of the generated service's CPU
(``bench/results/hot-path-python.md``, Round 3): httpcore checks every idle pooled connection's
readability (a ``poll`` per connection) on every request start and close, the request goes out in
two writes, and every read crosses anyio's stream wrappers. This client is an asyncio protocol
over the event loop's transport with ``httptools`` (installed with ``uvicorn[standard]``, as in
every generated service) parsing the response: one write per request, a keep-alive pool per
origin that forgets a connection when the transport reports it closed (instead of polling every
idle one), bytes handed to the reader as they arrive.

It is used only for a client that httpx would send straight to the origin
(:func:`lean_client_for`: httpx's own transport, no proxy or mount for the URL, no auth, no event
hooks, HTTP/1.1 only, a plain TCP connection), so everything else still goes through httpx.
It behaves as httpx does where a caller can notice: the same request bytes (the headers httpx
builds, in its order), the same connection (``pool._network_backend.connect_tcp``, so connect
failures and their texts are httpcore's), the same pool limits and keep-alive expiry, the same
TLS context (the pool's), the response body decoded by httpx's own decoders, and httpx's exception
types (``ConnectError``, ``ConnectTimeout``, ``ReadTimeout``, ``RemoteProtocolError``,
``PoolTimeout``) with h11's texts for the faults a peer can cause. The SDK oracle tests run every
simulated fault through both clients (``python/tests/sdk_compat/test_openai_wire_oracle.py``).

Example::

    lean = lean_client_for(client, "http://127.0.0.1:8080/v1/chat/completions")
    if lean is not None:
        response = await lean.send(url, headers, content, timeout)
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpcore
import httptools
import httpx

from catalyst_runtime.providers.shared.connection_pool import LinearConnectionPool

__all__ = [
    "LeanHttp1Client",
    "LeanResponse",
    "NotTakenOver",
    "ResponseHeaders",
    "lean_client_for",
]

# What this client needs of the transport it takes over from anyio.
_TRANSPORT_METHODS = (
    "set_protocol",
    "set_write_buffer_limits",
    "is_reading",
    "pause_reading",
    "resume_reading",
    "write",
    "close",
    "abort",
)
# Past this many unread bytes the transport stops reading until the consumer catches up.
_HIGH_WATER = 256 * 1024


def lean_client_for(client: httpx.AsyncClient, url: httpx.URL) -> LeanHttp1Client | None:
    """The lean client standing in for ``client`` for requests to ``url``, or None when httpx
    would do more than send the request straight to the origin (a proxy or mounted transport,
    an injected transport, auth, event hooks, HTTP/2, a Unix socket, a local address, socket
    options, retries, a scheme other than http and https)."""
    if url.scheme not in ("http", "https"):
        return None
    existing = getattr(client, "_catalyst_lean_client", None)
    if isinstance(existing, LeanHttp1Client):
        return existing if existing.usable else None
    try:
        return _take_over(client, url)
    except AttributeError:
        # httpx or httpcore without the attributes this reads (another release): httpx it is.
        return None


def _take_over(client: httpx.AsyncClient, url: httpx.URL) -> LeanHttp1Client | None:
    transport = client._transport_for_url(url)
    if transport is not client._transport or type(transport) is not httpx.AsyncHTTPTransport:
        return None
    pool = transport._pool
    if type(pool) not in (httpcore.AsyncConnectionPool, LinearConnectionPool):
        return None
    hooks = client.event_hooks
    if client.auth is not None or hooks["request"] or hooks["response"]:
        return None
    if (
        pool._http2
        or not pool._http1
        or pool._uds is not None
        or pool._local_address is not None
        or pool._socket_options
        or pool._retries
    ):
        return None
    lean = LeanHttp1Client(pool)
    client._catalyst_lean_client = lean  # type: ignore[attr-defined]
    # Closing the httpx client closes this client's connections too.
    close_pool = pool.aclose

    async def aclose() -> None:
        await lean.aclose()
        await close_pool()

    pool.aclose = aclose  # type: ignore[method-assign]
    return lean


class LeanHttp1Client:
    """Keep-alive connections per origin with the limits of an ``httpcore`` pool."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool
        self._max_connections: int | None = pool._max_connections
        self._max_keepalive: int | None = pool._max_keepalive_connections
        self._keepalive_expiry: float | None = pool._keepalive_expiry
        self._ssl_context: ssl.SSLContext | None = pool._ssl_context
        self._idle: dict[tuple[bytes, bytes, int], deque[_Connection]] = {}
        self._open = 0
        self._connections: set[_Connection] = set()
        self._waiters: deque[asyncio.Future[None]] = deque()
        # False once a connection could not be taken over (another anyio or httpcore layout):
        # the caller then goes through httpx for this and every later request.
        self.usable = True

    async def send(
        self,
        url: httpx.URL,
        headers: Sequence[tuple[bytes, bytes]],
        content: bytes,
        timeout: httpx.Timeout,
    ) -> LeanResponse:
        """Sends ``POST url`` with these headers (httpx's, Content-Length included) and body in
        one write; the response once its head has arrived."""
        lines = [b"POST ", url.raw_path, b" HTTP/1.1\r\n"]
        for name, value in headers:
            lines += (name, b": ", value, b"\r\n")
        lines += (b"\r\n", content)
        payload = b"".join(lines)
        key = (url.raw_scheme, url.raw_host, url.port or (443 if url.scheme == "https" else 80))
        connection = await self._acquire(key, timeout)
        response = LeanResponse(connection, timeout.read)
        connection.start(response)
        connection.transport.write(payload)
        await response.wait_for_head()
        return response

    async def aclose(self) -> None:
        """Closes every connection, as closing httpcore's pool does."""
        for connection in list(self._connections):
            connection.abort()
        self._idle.clear()

    # --- the pool --------------------------------------------------------------------------

    async def _acquire(self, key: tuple[bytes, bytes, int], timeout: httpx.Timeout) -> _Connection:
        loop = asyncio.get_running_loop()
        deadline = None if timeout.pool is None else loop.time() + timeout.pool
        while True:
            idle = self._idle.get(key)
            if idle:
                # The most recently used first: the one least likely to be closing on the
                # server's keep-alive clock. Idle past httpcore's expiry: closed, as it does.
                expiry = self._keepalive_expiry
                now = loop.time() if expiry is not None else 0.0
                while idle:
                    connection = idle.pop()
                    if expiry is not None and now - connection.idle_since > expiry:
                        connection.close()
                        continue
                    return connection
            if self._max_connections is None or self._open < self._max_connections:
                break
            if not self._close_an_idle_connection():
                await self._wait_for_room(deadline)
        self._open += 1
        try:
            return await self._connect(key, timeout)
        except BaseException:
            self._forget()
            raise

    def _close_an_idle_connection(self) -> bool:
        """At the limit, an idle connection to another origin makes room (as in httpcore)."""
        for idle in self._idle.values():
            if idle:
                idle.popleft().close()
                return True
        return False

    async def _wait_for_room(self, deadline: float | None) -> None:
        """Until a connection is released or closed (httpx's PoolTimeout at the deadline)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter
        except TimeoutError:
            raise httpx.PoolTimeout("") from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _connect(self, key: tuple[bytes, bytes, int], timeout: httpx.Timeout) -> _Connection:
        scheme, host, port = key
        text_host = host.decode("ascii")
        # httpcore's own connect (name resolution, happy eyeballs, its errors and their texts),
        # then the socket's transport is taken over by this client's protocol.
        try:
            stream = await self._pool._network_backend.connect_tcp(
                host=text_host, port=port, timeout=timeout.connect
            )
        except httpcore.ConnectTimeout as error:
            raise httpx.ConnectTimeout(str(error)) from error
        except httpcore.ConnectError as error:
            raise httpx.ConnectError(str(error)) from error
        transport: Any = getattr(getattr(stream, "_stream", None), "_transport", None)
        # asyncio's or uvloop's transport (uvloop's does not derive from asyncio.Transport).
        if not all(hasattr(transport, name) for name in _TRANSPORT_METHODS):
            # Not the anyio stream this was written against: hand the request back to httpx.
            self.usable = False
            await stream.aclose()
            raise NotTakenOver()
        connection = _Connection(self, key)
        transport.set_protocol(connection)
        # anyio turns off write buffering (asyncio's defaults let a write return at once) and
        # reads only while a receive waits.
        transport.set_write_buffer_limits()
        if not transport.is_reading():
            transport.resume_reading()
        connection.connection_made(transport)
        if scheme == b"https":
            # Until the handshake completes the connection is not the pool's: a failure (or a
            # cancellation) aborts the socket and the caller gives its place back.
            connection.closed = True
            loop = asyncio.get_running_loop()
            context = self._ssl_context or ssl.create_default_context()
            # As httpcore does on every HTTP/1.1 connection (on the same shared context).
            context.set_alpn_protocols(["http/1.1"])
            try:
                async with asyncio.timeout(timeout.connect):
                    tls = await loop.start_tls(
                        transport, connection, context, server_hostname=text_host
                    )
            except TimeoutError as error:
                transport.abort()
                raise httpx.ConnectTimeout("") from error
            except (OSError, ssl.SSLError) as error:
                transport.abort()
                raise httpx.ConnectError(str(error)) from error
            except BaseException:
                transport.abort()
                raise
            if tls is None:
                transport.abort()
                raise httpx.ConnectError("the TLS handshake did not complete")
            connection.transport = tls
            connection.closed = False
        self._connections.add(connection)
        return connection

    def _release(self, connection: _Connection) -> None:
        if connection.closed:
            return
        idle = self._idle.setdefault(connection.key, deque())
        if self._max_keepalive is not None and self._idle_count() >= self._max_keepalive:
            connection.close()
            return
        connection.idle_since = asyncio.get_running_loop().time()
        idle.append(connection)
        self._wake_one()

    def _idle_count(self) -> int:
        return sum(len(idle) for idle in self._idle.values())

    def _forget(self, connection: _Connection | None = None) -> None:
        """A connection closed (or never opened): room for a waiting request."""
        if connection is not None:
            self._connections.discard(connection)
            idle = self._idle.get(connection.key)
            if idle is not None and connection in idle:
                idle.remove(connection)
        self._open -= 1
        self._wake_one()


class NotTakenOver(Exception):
    """The connection's transport could not be taken over; the caller uses httpx."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: the transport's protocol and the response parser's callbacks."""

    def __init__(self, client: LeanHttp1Client, key: tuple[bytes, bytes, int]) -> None:
        self.client = client
        self.key = key
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.closed = False
        self.idle_since = 0.0
        self.response: LeanResponse | None = None
        self._parser: Any = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._paused = False
        self._informational = False

    def start(self, response: LeanResponse) -> None:
        self.response = response
        self._headers = []
        self._parser = httptools.HttpResponseParser(self)

    def close(self) -> None:
        if not self.closed:
            self.transport.close()
            self._lost(None)

    def abort(self) -> None:
        if not self.closed:
            self.transport.abort()
            self._lost(None)

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        response = self.response
        if response is None:
            # Bytes on an idle connection (httpcore would find it readable and drop it).
            self.abort()
            return
        response.received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            response.fail(httpx.RemoteProtocolError("the server switched protocols"))
            self.abort()
        except httptools.HttpParserError as error:
            response.fail(httpx.RemoteProtocolError(str(error)))
            self.abort()
        else:
            if response.buffered > _HIGH_WATER and not self._paused:
                self._paused = True
                self.transport.pause_reading()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost(exc)

    def resume(self) -> None:
        if self._paused and not self.closed:
            self._paused = False
            self.transport.resume_reading()

    def _lost(self, exc: Exception | None) -> None:
        if self.closed:
            return
        self.closed = True
        self.client._forget(self)
        response, self.response = self.response, None
        if response is not None:
            response.lost(exc)

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200:
            # An informational response (103 Early Hints …): skipped, as h11 does; the real
            # one follows on the same parser.
            self._informational = True
            self._headers = []
            return
        response = self.response
        if response is not None:
            response.head(status, self._headers)

    def on_body(self, body: bytes) -> None:
        response = self.response
        if response is not None:
            response.body(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        response = self.response
        self.response = None
        keep_alive = self._parser.should_keep_alive()
        if response is not None:
            response.complete()
        if keep_alive:
            self.client._release(self)
        else:
            self.close()


class LeanResponse:
    """A response whose head has arrived; the body is read with :meth:`aiter_bytes` (decoded as
    httpx decodes it) and :meth:`aclose` returns the connection or, before the end, closes it."""

    def __init__(self, connection: _Connection, read_timeout: float | None) -> None:
        self.status_code = 0
        self.headers: ResponseHeaders = None  # type: ignore[assignment]
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.received = False
        self.buffered = 0
        self._connection: _Connection | None = connection
        self._read_timeout = read_timeout
        self._chunks: deque[bytes] = deque()
        self._complete = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._has_head = False
        self._expected: int | None = None
        self._received_bytes = 0
        self._chunked = False
        self._encoded = False

    # from the connection

    def head(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.raw_headers = headers
        self.headers = ResponseHeaders(headers)
        self._has_head = True
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"content-length":
                self._expected = int(value) if value.isdigit() else None
            elif lowered == b"transfer-encoding":
                self._chunked = b"chunked" in value.lower()
            elif lowered == b"content-encoding":
                self._encoded = True
        self._wake()

    def body(self, data: bytes) -> None:
        self._chunks.append(data)
        self.buffered += len(data)
        self._received_bytes += len(data)
        self._wake()

    def complete(self) -> None:
        self._complete = True
        self._connection = None
        self._wake()

    def fail(self, error: BaseException) -> None:
        if self._error is None and not self._complete:
            self._error = error
        self._wake()

    def lost(self, exc: Exception | None) -> None:
        if self._complete:
            return
        if exc is not None:
            # What a reset socket raises through anyio, httpcore and httpx: an empty ReadError
            # (anyio's BrokenResourceError has no text), caused by the socket's error.
            error = httpx.ReadError("")
            error.__cause__ = exc
            self.fail(error)
        elif not self._has_head:
            self.fail(httpx.RemoteProtocolError("Server disconnected without sending a response."))
        elif not self._chunked and self._expected is None:
            # A body that ends with the connection.
            self._complete = True
            self._wake()
        elif self._chunked:
            self.fail(
                httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    "(incomplete chunked read)"
                )
            )
        else:
            self.fail(
                httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    f"(received {self._received_bytes} bytes, expected {self._expected})"
                )
            )

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # for the reader

    async def _wait(self) -> None:
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self._waiter = waiter
        timer = None
        if self._read_timeout is not None:
            timer = loop.call_later(self._read_timeout, _expire, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    @property
    def finished(self) -> bool:
        """The whole body has arrived (the connection is back in the pool)."""
        return self._complete

    async def wait_for_head(self) -> None:
        """Waits for the status line and headers (httpx's errors for what goes wrong first)."""
        try:
            while not self._has_head:
                if self._error is not None:
                    raise self._error
                await self._wait()
        except TimeoutError:
            self._discard()
            raise httpx.ReadTimeout("") from None
        except BaseException:
            self._discard()
            raise

    def _take(self) -> bytes | None:
        """The body bytes buffered so far (None when there are none), reading resumed."""
        chunks = self._chunks
        if not chunks:
            return None
        data = b"".join(chunks) if len(chunks) > 1 else chunks[0]
        chunks.clear()
        self.buffered = 0
        connection = self._connection
        if connection is not None:
            connection.resume()
        return data

    async def _more(self) -> None:
        """Waits for more of the body: the connection's error, or httpx's ``ReadTimeout``."""
        if self._error is not None:
            raise self._error
        try:
            await self._wait()
        except TimeoutError:
            raise httpx.ReadTimeout("") from None

    async def aiter_bytes(self) -> AsyncGenerator[bytes, None]:
        """The body as it arrives, content-decoded as httpx decodes it."""
        decoder: Any = None
        if self._encoded:
            decoder = httpx.Response(200, headers=self.raw_headers)._get_content_decoder()
        try:
            while True:
                data = self._take()
                if data is not None:
                    if decoder is not None:
                        data = decoder.decode(data)
                    if data:
                        yield data
                    continue
                if self._complete:
                    if decoder is not None:
                        tail = decoder.flush()
                        if tail:
                            yield tail
                    return
                await self._more()
        finally:
            if not self._complete:
                self._discard()

    async def aread(self) -> bytes:
        """The whole raw (not content-decoded) body."""
        pieces: list[bytes] = []
        try:
            while True:
                data = self._take()
                if data is not None:
                    pieces.append(data)
                    continue
                if self._complete:
                    return b"".join(pieces)
                await self._more()
        finally:
            if not self._complete:
                self._discard()

    async def aclose(self) -> None:
        """Releases the response: a complete one has already returned its connection; an
        unfinished one closes it (the upstream sees the request abandoned)."""
        if not self._complete:
            self._discard()

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.response = None
            connection.abort()


class ResponseHeaders:
    """A response's headers, looked up as ``httpx.Headers`` looks them up (names without case,
    repeated values joined with ", "), without building one per response."""

    __slots__ = ("_httpx", "raw")

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw
        self._httpx: httpx.Headers | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of ``name``, or ``default``."""
        key = name.lower().encode("ascii")
        values = [value for header, value in self.raw if header.lower() == key]
        if not values:
            return default
        if all(value.isascii() for value in values):
            return ", ".join(value.decode("ascii") for value in values)
        # httpx picks one encoding for all headers (ASCII, else UTF-8, else Latin-1): its own
        # reading for a value that is not ASCII.
        if self._httpx is None:
            self._httpx = httpx.Headers(self.raw)
        value: str | None = self._httpx.get(name, default)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())
