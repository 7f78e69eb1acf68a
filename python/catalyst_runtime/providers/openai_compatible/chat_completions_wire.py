"""Chat Completions spoken directly over the provider's pooled ``httpx.AsyncClient``.

The official SDKs (openai, groq) cost a pydantic model per chunk, and the openai SDK closes the
upstream connection after every stream: it stops reading at ``data: [DONE]`` and closes the
response, so httpx cannot return the connection to its pool and every call opens a new TCP
(against a real API, TLS) connection. This module sends the same request and reads the same
Server-Sent Events as the SDKs do, raises errors carrying the same facts as the SDKs' exceptions
(so the adapter maps them to the same typed errors), and reads every stream to its end so the
connection is reused. The SDKs stay in the test suite as the oracle
(``python/tests/sdk_compat/test_openai_wire_oracle.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import httpx
import orjson

from catalyst_runtime.providers.shared.lean_http1_client import (
    LeanHttp1Client,
    LeanResponse,
    NotTakenOver,
    lean_client_for,
)

__all__ = [
    "ChatCompletionsWire",
    "SseDecoder",
    "WireStatusError",
    "WireStreamError",
    "WireTimeoutError",
    "WireTransportError",
]

# After ``data: [DONE]`` the rest of the body (the chunked terminator, usually already received)
# is read so the connection goes back to the pool; a server that keeps the response open longer
# than this gets its connection closed, as the SDKs close every one.
_DRAIN_SECONDS = 0.25
# The SDKs' default when no timeoutMs is configured: ten minutes, five seconds to connect.
_DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)


class WireStatusError(Exception):
    """An HTTP error status, with the facts the SDKs' ``APIStatusError`` carries: ``message``
    (``Error code: N - body``), ``body`` (the JSON body's ``error`` member, the JSON body, or the
    text), ``status_code`` and ``response``."""

    def __init__(self, message: str, *, body: object, response: httpx.Response) -> None:
        super().__init__(message)
        self.message = message
        self.body = body
        self.status_code = response.status_code
        self.response = response


class WireStreamError(Exception):
    """An ``error`` member inside the stream (the SDKs raise a bare ``APIError``: no status)."""

    def __init__(self, message: str, *, body: object) -> None:
        super().__init__(message)
        self.message = message
        self.body = body


class WireTimeoutError(Exception):
    """The request timed out before the response head arrived (the SDKs' ``APITimeoutError``)."""


class WireTransportError(Exception):
    """The request failed before the response head arrived (the SDKs' ``APIConnectionError``);
    the cause is the transport's exception."""


class SseDecoder:
    """Server-Sent Events from bytes, event for event as the SDKs' ``SSEDecoder`` yields them
    (lines end at ``\\r\\n``, ``\\r`` or ``\\n``; the last event id is kept across events), but
    line by line as bytes arrive instead of per event block."""

    __slots__ = ("_data", "_event", "_id", "_pending", "_retry", "_skip_newline")

    def __init__(self) -> None:
        self._pending = b""
        self._skip_newline = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[tuple[str | None, str]]:
        """The ``(event, data)`` pairs the bytes complete."""
        if self._skip_newline and chunk.startswith(b"\n"):
            # The \n of a \r\n split across two reads: the \r already ended the line.
            chunk = chunk[1:]
        self._skip_newline = False
        buffer = self._pending + chunk if self._pending else chunk
        if b"\r" in buffer:
            self._skip_newline = buffer.endswith(b"\r")
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._pending = lines.pop()
        events: list[tuple[str | None, str]] = []
        for raw in lines:
            event = self._line(raw)
            if event is not None:
                events.append(event)
        return events

    def _line(self, raw: bytes) -> tuple[str | None, str] | None:
        if not raw:
            if not self._event and not self._data and not self._id and self._retry is None:
                return None
            event = (self._event, "\n".join(self._data))
            self._event = None
            self._data = []
            self._retry = None
            return event
        if raw.startswith(b"data: "):
            self._data.append(raw[6:].decode("utf-8"))
            return None
        line = raw.decode("utf-8")
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            with contextlib.suppress(ValueError):
                self._retry = int(value)
        return None


class ChatCompletionsWire:
    """``POST {base_url}/chat/completions`` with ``stream: true`` on a shared client.

    ``api_key`` None leaves ``Authorization`` off (servers that need no key); ``headers`` are the
    configured extra headers, sent on every call as the SDKs' ``default_headers``.
    """

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        base_url: str,
        api_key: str | None,
        headers: Mapping[str, str],
        timeout_seconds: float | None,
        user_agent: str,
        lean: bool = True,
    ) -> None:
        self._client = client
        # The lean HTTP/1.1 client when httpx would send straight to the origin (``lean`` False:
        # always httpx, as the oracle tests compare both).
        self._use_lean = lean
        self._lean: LeanHttp1Client | None = None
        # httpx's request headers for a call without headers of its own, Content-Length last
        # (its value is each body's length): built by httpx once, then reused.
        self._lean_headers: list[tuple[bytes, bytes]] | None = None
        self.base_url = base_url.rstrip("/")
        # Parsed on the first request (where a malformed one fails, as before), then kept: a URL
        # given as text is parsed again on every request.
        self._chat_url: httpx.URL | None = None
        self._timeout: httpx.Timeout | float = (
            _DEFAULT_TIMEOUT if timeout_seconds is None else timeout_seconds
        )
        common: dict[str, str] = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": user_agent,
        }
        if api_key is not None:
            common["Authorization"] = f"Bearer {api_key}"
        # The openai SDK reads these from the environment on every client it builds.
        organization = os.environ.get("OPENAI_ORG_ID")
        project = os.environ.get("OPENAI_PROJECT_ID")
        if organization is not None:
            common["OpenAI-Organization"] = organization
        if project is not None:
            common["OpenAI-Project"] = project
        self._headers = {**common, **headers}

    async def open(
        self, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> httpx.Response | LeanResponse:
        """Sends the request (``headers``: this call's own, e.g. ``traceparent``, over the
        configured ones); the streamed response, or a ``Wire*Error``."""
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if self._chat_url is None:
            self._chat_url = httpx.URL(f"{self.base_url}/chat/completions")
            if self._use_lean:
                self._lean = lean_client_for(self._client, self._chat_url)
        lean = self._lean
        if lean is not None and lean.usable:
            try:
                return await self._open_lean(lean, content, headers)
            except NotTakenOver:
                self._lean = None
        request = self._client.build_request(
            "POST",
            self._chat_url,
            content=content,
            headers={**self._headers, **headers} if headers else self._headers,
            timeout=self._timeout,
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as error:
            raise WireTimeoutError("Request timed out.") from error
        except Exception as error:
            raise WireTransportError("Connection error.") from error
        if response.status_code >= 400:
            try:
                await response.aread()
            except Exception as error:
                await response.aclose()
                raise WireTransportError("Connection error.") from error
            raise _status_error(response)
        return response

    async def _open_lean(
        self, lean: LeanHttp1Client, content: bytes, headers: Mapping[str, str] | None
    ) -> LeanResponse:
        assert self._chat_url is not None
        if headers or self._client.cookies:
            # This call's own headers, or cookies a response set (httpx sends them back): the
            # headers httpx builds for this very request.
            request_headers = self._request_headers({**self._headers, **(headers or {})})
        else:
            if self._lean_headers is None:
                self._lean_headers = self._request_headers(self._headers)
            request_headers = self._lean_headers
        timeout = self._timeout
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
            self._timeout = timeout
        # The same headers as httpx sends; only Content-Length is this body's.
        request_headers = [*request_headers, (b"Content-Length", str(len(content)).encode())]
        try:
            response = await lean.send(self._chat_url, request_headers, content, timeout)
        except httpx.TimeoutException as error:
            raise WireTimeoutError("Request timed out.") from error
        except NotTakenOver:
            raise
        except Exception as error:
            raise WireTransportError("Connection error.") from error
        if response.headers.get("set-cookie") is not None:
            # httpx keeps every response's cookies in the client's jar.
            self._client.cookies.extract_cookies(
                httpx.Response(
                    response.status_code,
                    headers=response.raw_headers,
                    request=httpx.Request("POST", self._chat_url),
                )
            )
        if response.status_code >= 400:
            try:
                raw = await response.aread()
            except Exception as error:
                await response.aclose()
                raise WireTransportError("Connection error.") from error
            # An httpx response for the error's facts (its text decoded as httpx decodes it).
            full = httpx.Response(
                response.status_code,
                headers=response.raw_headers,
                content=raw,
                request=httpx.Request("POST", self._chat_url),
            )
            raise _status_error(full)
        return response

    def _request_headers(self, headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
        """The headers httpx would send with this request, but Content-Length."""
        request = self._client.build_request("POST", self._chat_url or "", headers=headers)
        return [
            (name, value)
            for name, value in request.headers.raw
            if name.lower() not in (b"content-length", b"transfer-encoding")
        ]

    async def list_models(self) -> list[str]:
        """The ids of ``GET {base_url}/models``."""
        response = await self._client.get(
            f"{self.base_url}/models", headers=self._headers, timeout=self._timeout
        )
        response.raise_for_status()
        return [str(item["id"]) for item in response.json()["data"]]


def _status_error(response: httpx.Response) -> WireStatusError:
    # As openai-python's _make_status_error_from_response and _make_status_error.
    text = response.text.strip()
    body: object = text
    try:
        body = json.loads(text)
        message = f"Error code: {response.status_code} - {body}"
    except Exception:  # noqa: BLE001 - a body that is not JSON is kept as text
        message = text or f"Error code: {response.status_code}"
    data = body.get("error", body) if isinstance(body, Mapping) else body
    return WireStatusError(message, body=data, response=response)


async def read_chunks(
    response: httpx.Response | LeanResponse, *, groq_events: bool = False
) -> AsyncGenerator[dict[str, Any], None]:
    """The ``chat.completion.chunk`` objects of a streamed response, as the SDKs yield them
    (``to_dict()``), until ``data: [DONE]``; then the rest of the body is read, so the connection
    returns to the pool. Closing the generator early closes the response (and its connection).

    Named events (``event:``) are read as each SDK reads them: the openai SDK passes over
    Assistants ``thread.*`` events and reads the others as chunks; the groq SDK (``groq_events``)
    passes over every named event but ``error``.
    """
    decoder = SseDecoder()
    received = response.aiter_bytes()
    try:
        async for data_bytes in received:
            for event, data in decoder.feed(data_bytes):
                if data.startswith("[DONE]"):
                    if not (isinstance(response, LeanResponse) and response.finished):
                        # Still arriving: read to the end so the connection can be reused.
                        await _drain(received)
                    return
                chunk = _parse_chunk(data)
                if event is not None and (
                    event.startswith("thread.") if not groq_events else event != "error"
                ):
                    continue
                if isinstance(chunk, dict) and chunk.get("error"):
                    error = chunk["error"]
                    message = error.get("message") if isinstance(error, Mapping) else None
                    if not message or not isinstance(message, str):
                        message = "An error occurred during streaming"
                    raise WireStreamError(message, body=error)
                if groq_events and event is not None:
                    # A groq ``error`` event without an error member: wrapped by the SDK.
                    continue
                if not isinstance(chunk, dict):
                    raise TypeError(f"'{type(chunk).__name__}' object has no attribute 'to_dict'")
                yield chunk
    finally:
        await response.aclose()


# 19 digits in a row: maybe an integer beyond 64 bits, which orjson reads as a float.
_LONG_DIGITS = re.compile(r"[0-9]{19}")


def _parse_chunk(data: str) -> Any:
    """``json.loads(data)``, the SDKs' parser, by way of orjson (a fifth of the time per chunk).
    Whatever orjson refuses (``NaN``, an escaped lone surrogate, ``1e400``, broken JSON) or
    would read otherwise (integers beyond 64 bits, which it makes floats) goes to
    ``json.loads``, which gives the SDKs' value or their error; on the rest both agree (same
    types, key order, last duplicate key wins, correctly rounded floats)."""
    if _LONG_DIGITS.search(data):
        return json.loads(data)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


async def _drain(received: AsyncIterator[bytes]) -> None:
    try:
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in received:
                pass
    except Exception:  # noqa: BLE001 - the reply is complete; a failing tail only costs the socket
        return
