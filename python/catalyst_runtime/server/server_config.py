"""Everything about serving that the environment sets (TypeScript ``server-config`` and
``server-limits``): the same variable names, defaults and messages in both runtimes
(docs/protocol.md, "Server environment").

Example::

    config = read_server_config(os.environ)
    config.limits.max_body_bytes  # 1048576 unless CATALYST_MAX_BODY_BYTES says otherwise
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from catalyst_runtime.providers.config.provider_environment import (
    TIMEOUT_ENVIRONMENT,
    read_milliseconds_variable,
)
from catalyst_runtime.server.resumable_streams import (
    DEFAULT_STREAM_RECONNECT_MS,
    DEFAULT_STREAM_RETAINED_EVENTS,
    DEFAULT_STREAM_RETENTION_MS,
)

__all__ = [
    "DEFAULT_SHUTDOWN_GRACE_MS",
    "LOG_LEVELS",
    "SERVER_ENVIRONMENT",
    "ServerConfig",
    "ServerLimits",
    "read_server_config",
]

LOG_LEVELS: tuple[str, ...] = ("debug", "info", "warn", "error", "silent")
"""The log levels in order; each includes the ones after it."""


@dataclass(frozen=True)
class ServerLimits:
    """Input limits. 1 MiB holds a long conversation many times over while keeping a paid prompt
    bounded; 64 levels of nesting are far beyond any workflow input and far below a parser's
    stack; 8 KiB is the URL limit of nginx and most proxies."""

    max_body_bytes: int = 1_048_576
    """Largest request body in bytes (413 above); ``CATALYST_MAX_BODY_BYTES``."""
    max_json_depth: int = 64
    """Deepest nesting of arrays and objects in a JSON body (400 above)."""
    max_url_bytes: int = 8192
    """Longest request target (path and query) in bytes (414 above)."""


DEFAULT_SHUTDOWN_GRACE_MS = 25_000
"""Kubernetes sends SIGKILL 30 s after SIGTERM; 25 s lets most streams finish and leaves time to
send the rest their ``unavailable`` event."""

SERVER_ENVIRONMENT: Mapping[str, str] = {
    "max_body_bytes": "CATALYST_MAX_BODY_BYTES",
    "api_keys": "CATALYST_API_KEYS",
    "api_keys_file": "CATALYST_API_KEYS_FILE",
    "cors_origins": "CATALYST_CORS_ORIGINS",
    "shutdown_grace_ms": "CATALYST_SHUTDOWN_GRACE_MS",
    "log_level": "CATALYST_LOG_LEVEL",
    "stream_retention_ms": "CATALYST_STREAM_RETENTION_MS",
    "stream_reconnect_ms": "CATALYST_STREAM_RECONNECT_MS",
    "stream_retained_events": "CATALYST_STREAM_RETAINED_EVENTS",
}
"""The variables of :class:`ServerConfig`."""


@dataclass(frozen=True)
class ServerConfig:
    """How a server serves: limits, API keys, CORS origins, shutdown grace, log level and how
    long streamed runs stay resumable."""

    limits: ServerLimits = field(default_factory=ServerLimits)
    api_keys: tuple[str, ...] = ()
    """Accepted ``Authorization: Bearer`` keys; empty: no authentication."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call from a browser (``*`` for any); empty: CORS off."""
    shutdown_grace_ms: int = DEFAULT_SHUTDOWN_GRACE_MS
    log_level: str = "info"
    stream_retention_ms: int = DEFAULT_STREAM_RETENTION_MS
    """How long a streamed run stays resumable after it ended (0: only while it runs)."""
    stream_reconnect_ms: int = DEFAULT_STREAM_RECONNECT_MS
    """How long a run nobody reads keeps running, waiting for a reconnect (0: stop at once)."""
    stream_retained_events: int = DEFAULT_STREAM_RETAINED_EVENTS
    """Events of finished runs kept in memory for resuming, at most (oldest runs go first)."""


def read_server_config(environment: Mapping[str, str | None]) -> ServerConfig:
    """Read the serving configuration. ``CATALYST_API_KEYS`` is comma-separated;
    ``CATALYST_API_KEYS_FILE`` names a file with one key per line (blank lines and ``#`` comments
    skipped); both may be set. A malformed value raises ``ValueError`` naming the variable, never
    the value of a key. The stream timeout variables are checked here too, so a typo stops the
    server at start."""
    api_keys = _split_list(environment.get(SERVER_ENVIRONMENT["api_keys"]))
    keys_file = (environment.get(SERVER_ENVIRONMENT["api_keys_file"]) or "").strip()
    if keys_file:
        try:
            text = Path(keys_file).read_text(encoding="utf-8")
        except OSError as error:
            code = type(error).__name__
            raise ValueError(
                f"{SERVER_ENVIRONMENT['api_keys_file']}: cannot read {keys_file} ({code})"
            ) from None
        for line in text.splitlines():
            key = line.strip()
            if key and not key.startswith("#"):
                api_keys.append(key)
    log_level = (environment.get(SERVER_ENVIRONMENT["log_level"]) or "").strip() or "info"
    if log_level not in LOG_LEVELS:
        raise ValueError(
            f"{SERVER_ENVIRONMENT['log_level']} must be one of {', '.join(LOG_LEVELS)}, "
            f'got "{log_level}"'
        )
    for name in TIMEOUT_ENVIRONMENT.values():
        read_milliseconds_variable(name, environment)
    max_body = _whole_number(environment, SERVER_ENVIRONMENT["max_body_bytes"], zero_allowed=False)
    grace = _whole_number(environment, SERVER_ENVIRONMENT["shutdown_grace_ms"], zero_allowed=True)
    retention = _whole_number(
        environment, SERVER_ENVIRONMENT["stream_retention_ms"], zero_allowed=True
    )
    reconnect = _whole_number(
        environment, SERVER_ENVIRONMENT["stream_reconnect_ms"], zero_allowed=True
    )
    retained = _whole_number(
        environment, SERVER_ENVIRONMENT["stream_retained_events"], zero_allowed=True
    )
    return ServerConfig(
        limits=ServerLimits(max_body_bytes=max_body if max_body is not None else 1_048_576),
        api_keys=tuple(api_keys),
        cors_origins=tuple(_split_list(environment.get(SERVER_ENVIRONMENT["cors_origins"]))),
        shutdown_grace_ms=grace if grace is not None else DEFAULT_SHUTDOWN_GRACE_MS,
        log_level=log_level,
        stream_retention_ms=retention if retention is not None else DEFAULT_STREAM_RETENTION_MS,
        stream_reconnect_ms=reconnect if reconnect is not None else DEFAULT_STREAM_RECONNECT_MS,
        stream_retained_events=(
            retained if retained is not None else DEFAULT_STREAM_RETAINED_EVENTS
        ),
    )


def _split_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _whole_number(
    environment: Mapping[str, str | None], name: str, *, zero_allowed: bool
) -> int | None:
    raw = (environment.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw) if "_" not in raw else -1.0
    except ValueError:
        value = -1.0
    if not value.is_integer() or value < (0 if zero_allowed else 1):
        above = "" if zero_allowed else " above 0"
        raise ValueError(f'{name} must be a whole number{above}, got "{raw}"')
    return int(value)
