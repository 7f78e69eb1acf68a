"""Provider errors: the same kinds, messages, redaction and retry timing as the TypeScript runtime.

Every failure of a provider call becomes one :class:`ProviderError` whose message says what to do
next and never holds a key. The message templates are those of ``createProviderError`` in
``packages/providers/src/shared/create-provider-error.ts``, byte for byte.

Example::

    error = create_provider_error(
        provider="openai", kind="rate_limit", status=429, retry_after_ms=2000
    )
    error.message  # 'OpenAI rate limit reached (HTTP 429). Retry after 2.0 s.'
"""

from __future__ import annotations

import email.utils
import errno
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict, get_args

from catalyst_runtime.javascript.strings import js_parse_float, js_trim
from catalyst_runtime.providers.config.provider_environment import PROVIDER_ENVIRONMENT

__all__ = [
    "RETRYABLE_KINDS",
    "TRANSPORT_FAILURE",
    "ProviderError",
    "ProviderErrorInfo",
    "ProviderErrorKind",
    "create_provider_error",
    "describe_transport_failure",
    "kind_from_status",
    "missing_key_error",
    "redact_secrets",
    "retry_after_from_headers",
    "retry_delay",
    "with_more_detail",
]

ProviderErrorKind = Literal[
    "auth",
    "model_not_found",
    "invalid_request",
    "context_length",
    "rate_limit",
    "overloaded",
    "server",
    "timeout",
    "network",
    "aborted",
    "content_filter",
]
"""What went wrong, in terms a caller can act on."""

PROVIDER_ERROR_KINDS: tuple[ProviderErrorKind, ...] = get_args(ProviderErrorKind)

RETRYABLE_KINDS: frozenset[ProviderErrorKind] = frozenset(
    {"rate_limit", "overloaded", "server", "timeout", "network"}
)
"""Kinds worth retrying on their own."""


class ProviderErrorInfo(TypedDict):
    """The serialisable part of a provider error, keys in the TypeScript ``toJSON`` order."""

    kind: ProviderErrorKind
    message: str
    provider: str
    retryable: bool
    status: NotRequired[int]
    retryAfterMs: NotRequired[float]
    model: NotRequired[str]
    requestId: NotRequired[str]


class ProviderError(Exception):
    """The one error type the provider layer raises; ``str(error)`` is the message.

    ``detail`` keeps the provider's own words (trimmed, secrets redacted) apart from the sentence
    around them, so an error can be rebuilt with more words without cutting its message apart.
    It stays out of :meth:`to_json`: events and bodies carry the message only.
    """

    def __init__(
        self,
        *,
        kind: ProviderErrorKind,
        message: str,
        provider: str,
        retryable: bool,
        status: int | None = None,
        retry_after_ms: float | None = None,
        model: str | None = None,
        request_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: ProviderErrorKind = kind
        self.message = message
        self.provider = provider
        self.retryable = retryable
        self.status = status
        self.retry_after_ms = retry_after_ms
        self.model = model
        self.request_id = request_id
        self.detail = detail

    def to_json(self) -> ProviderErrorInfo:
        """The plain-data form, as it travels in events and HTTP bodies."""
        info: ProviderErrorInfo = {
            "kind": self.kind,
            "message": self.message,
            "provider": self.provider,
            "retryable": self.retryable,
        }
        if self.status is not None:
            info["status"] = self.status
        if self.retry_after_ms is not None:
            info["retryAfterMs"] = self.retry_after_ms
        if self.model is not None:
            info["model"] = self.model
        if self.request_id is not None:
            info["requestId"] = self.request_id
        return info


def kind_from_status(status: int) -> ProviderErrorKind:
    """The usual kind for an HTTP status."""
    if status in (401, 403):
        return "auth"
    if status == 404:
        return "model_not_found"
    if status == 408:
        return "timeout"
    if status == 413:
        return "context_length"
    if status == 429:
        return "rate_limit"
    if status in (503, 529):
        return "overloaded"
    if status >= 500:
        return "server"
    return "invalid_request"


def _format_wait(milliseconds: float) -> str:
    # `250 ms`, `7 s`: whole numbers only (Math.round / Math.ceil), as the TypeScript runtime.
    if milliseconds < 1000:
        return f"{_js_round(milliseconds)} ms"
    return f"{math.ceil(milliseconds / 1000)} s"


TRANSPORT_FAILURE: Mapping[str, str] = {
    "refused": "the connection was refused",
    "hostNotFound": "the host name could not be resolved",
    "closed": "the connection closed before the response was complete",
    "timedOut": "the connection timed out",
    "failed": "the connection failed",
    "malformed": "the response stream was malformed",
}
"""Stable wording for transport failures, as ``describe-transport-failure.ts`` words them, so a
failure reads the same whatever HTTP stack saw it."""

_ERRNO_FAILURES = {
    errno.ECONNREFUSED: "refused",
    errno.ECONNRESET: "closed",
    errno.EPIPE: "closed",
    errno.ETIMEDOUT: "timedOut",
}
_CLOSED_MESSAGES = (
    "terminated",
    "other side closed",
    "socket hang up",
    "premature close",
    "peer closed connection",
    "server disconnected",
    "incomplete chunked read",
    "connection reset",
)
_HOST_MESSAGES = (
    "name or service not known",
    "nodename nor servname",
    "name resolution",
    "getaddrinfo failed",
)


def describe_transport_failure(error: BaseException) -> str:
    """Which transport failure an exception chain describes, in the shared wording."""
    current: BaseException | None = error
    seen: set[int] = set()
    for _ in range(5):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        code = getattr(current, "errno", None)
        if isinstance(code, int) and code in _ERRNO_FAILURES:
            return TRANSPORT_FAILURE[_ERRNO_FAILURES[code]]
        name = type(current).__name__
        message = str(current).lower()
        if "connection refused" in message:
            return TRANSPORT_FAILURE["refused"]
        if any(fragment in message for fragment in _HOST_MESSAGES):
            return TRANSPORT_FAILURE["hostNotFound"]
        if name in ("RemoteProtocolError", "ReadError", "WriteError") or any(
            fragment in message for fragment in _CLOSED_MESSAGES
        ):
            return TRANSPORT_FAILURE["closed"]
        if name in ("ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout"):
            return TRANSPORT_FAILURE["timedOut"]
        current = current.__cause__ or current.__context__
    return TRANSPORT_FAILURE["failed"]


def create_provider_error(
    *,
    provider: str,
    kind: ProviderErrorKind,
    detail: str | None = None,
    status: int | None = None,
    retry_after_ms: float | None = None,
    model: str | None = None,
    request_id: str | None = None,
    secrets: Sequence[str | None] = (),
    retryable: bool | None = None,
) -> ProviderError:
    """The :class:`ProviderError` for these facts, with the TypeScript runtime's message."""
    names = PROVIDER_ENVIRONMENT[provider]
    text = js_trim(redact_secrets(detail, secrets)) if detail else ""
    status_text = f" (HTTP {status})" if status is not None else ""
    # The provider's words end with a full stop so the advice reads as its own sentence.
    said = f": {text}{'' if text[-1:] in ('.', '!', '?') else '.'}" if text else "."
    model_text = f' "{model}"' if model else ""
    label = names.label
    if kind == "auth":
        variable = " or ".join(names.api_key)
        message = (
            f"{label} rejected the credentials{status_text}{said} Set {variable or 'the API key'}"
            " to a valid key, or pass apiKey explicitly."
        )
    elif kind == "model_not_found":
        message = f"{label} does not serve the model{model_text}{status_text}{said}"
    elif kind == "context_length":
        message = (
            f"The request is longer than the context window of{model_text or ' the model'}"
            f"{status_text}{said} Shorten the input or choose a model with a larger window."
        )
    elif kind == "rate_limit":
        wait = (
            f" Retry after {_format_wait(retry_after_ms)}."
            if retry_after_ms is not None
            else " Retry later."
        )
        message = f"{label} rate limit reached{status_text}{said}{wait}"
    elif kind == "overloaded":
        message = (
            f"{label} is overloaded{status_text}{said} Retry later or fall back to another"
            " provider."
        )
    elif kind == "server":
        message = f"{label} had a server error{status_text}{said} It is usually temporary; retry."
    elif kind == "timeout":
        message = f"{label} did not answer in time{said}"
    elif kind == "network":
        where = f" Check {names.base_url} and the network." if names.base_url else ""
        message = f"Could not reach {label}{said}{where}"
    elif kind == "aborted":
        message = f"The call to {label} was aborted."
    elif kind == "content_filter":
        message = f"{label} blocked the content{status_text}{said}"
    elif kind == "invalid_request":
        message = f"{label} refused the request{status_text}{said}"
    else:  # pragma: no cover - exhaustive over ProviderErrorKind
        raise ValueError(f"unknown error kind {kind}")
    return ProviderError(
        kind=kind,
        message=message,
        provider=provider,
        retryable=retryable if retryable is not None else kind in RETRYABLE_KINDS,
        status=status,
        retry_after_ms=retry_after_ms,
        model=model,
        request_id=request_id,
        detail=text or None,
    )


# Credentials providers echo back in error messages; anything matching is replaced. re.ASCII
# makes \b the ASCII word boundary JavaScript's \b is.
_KEY_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.ASCII)
    for pattern in (
        r"\b(sk|pk|rk)-[A-Za-z0-9_*.-]{6,}",
        r"\bsk-ant-[A-Za-z0-9_*.-]{6,}",
        r"\bgsk_[A-Za-z0-9_*]{6,}",
        r"\bxai-[A-Za-z0-9_*]{6,}",
        r"\bpa-[A-Za-z0-9_*-]{10,}",
        r"\bAIza[A-Za-z0-9_*-]{10,}",
        r"\b(Bearer)\s+[A-Za-z0-9._~+/*-]{8,}=*",
    )
)


def missing_key_error(provider: str, model: str | None = None) -> ProviderError:
    """The error for a call made with no key configured: names the variable to set."""
    names = PROVIDER_ENVIRONMENT[provider]
    return create_provider_error(
        provider=provider,
        kind="auth",
        model=model,
        detail=f"no API key is configured ({' or '.join(names.api_key)} is not set)",
    )


def with_more_detail(
    error: ProviderError, more: str, secrets: Sequence[str | None] = ()
) -> ProviderError:
    """The same error with ``more`` words after the provider's own (e.g. the models on offer)."""
    if error.detail:
        words = f"{error.detail}{'' if error.detail[-1:] in ('.', '!', '?') else '.'}"
    else:
        # No words of the provider's: the whole message stands in for them, as the TypeScript
        # runtime does, so both runtimes keep writing the same bytes.
        words = error.message
    return create_provider_error(
        provider=error.provider,
        kind=error.kind,
        status=error.status,
        retry_after_ms=error.retry_after_ms,
        model=error.model,
        request_id=error.request_id,
        retryable=error.retryable,
        secrets=secrets,
        detail=f"{words} {more}",
    )


def _redaction(match: re.Match[str]) -> str:
    prefix = match.group(1) if match.re.groups else None
    return "Bearer [redacted]" if prefix == "Bearer" else "[redacted]"


def redact_secrets(text: str, secrets: Sequence[str | None] = ()) -> str:
    """Remove ``secrets`` (exact values of 8+ characters) and anything shaped like a key."""
    result = text
    for secret in secrets:
        if secret and len(secret) >= 8:
            result = result.replace(secret, "[redacted]")
    for pattern in _KEY_PATTERNS:
        result = pattern.sub(_redaction, result)
    return result


def retry_after_from_headers(
    headers: Mapping[str, str] | Any | None,
    now: Callable[[], float] = time.time,
) -> float | None:
    """Milliseconds a provider asked us to wait (``retry-after-ms``, then ``retry-after`` in
    seconds or as an HTTP date), or None. ``headers`` is any case-insensitive mapping."""
    if headers is None:
        return None
    milliseconds = js_parse_float(headers.get("retry-after-ms") or "")
    if math.isfinite(milliseconds) and milliseconds >= 0:
        return milliseconds
    value = headers.get("retry-after")
    if not value:
        return None
    seconds = js_parse_float(value)
    if math.isfinite(seconds) and seconds >= 0:
        return seconds * 1000
    if math.isfinite(seconds):
        # Date.parse reads a bare negative number as a year long past: wait 0 ms.
        return 0.0
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return float(max(0, round(date.timestamp() * 1000) - round(now() * 1000)))


_BASE_DELAY_MS = 500
_MAX_DELAY_MS = 8_000
_MAX_RETRY_AFTER_MS = 60_000


def retry_delay(
    *, attempt: int, retry_after_ms: float | None, random: Callable[[], float]
) -> float:
    """Milliseconds before retry ``attempt + 1``: the provider's retry-after (at most 60 s), else
    0.5 s · 2^attempt capped at 8 s, minus up to 25% jitter."""
    if retry_after_ms is not None:
        return min(max(0, retry_after_ms), _MAX_RETRY_AFTER_MS)
    step = min(_BASE_DELAY_MS * 2**attempt, _MAX_DELAY_MS)
    return _js_round(step * (1 - 0.25 * random()))


def _js_round(value: float) -> int:
    # Math.round: halves go up (Python's round() goes to even).
    return math.floor(value + 0.5)
