"""The access log (TypeScript ``request-log``): one line per request, JSON lines when stderr is
not a terminal, one readable line when it is; the same field names as ``catalyst serve``. Log
records of dependencies (provider SDKs, httpx) are withheld: they can hold user content.

Example::

    logger = ServerLogger(stream=sys.stderr, level="info")
    logger.message("info", "stopped")
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from catalyst_runtime.javascript import json_text
from catalyst_runtime.server.server_config import LOG_LEVELS

__all__ = ["REQUEST_LOG_FIELDS", "ServerLogger", "capture_dependency_logs"]

REQUEST_LOG_FIELDS: tuple[str, ...] = (
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
)
"""The fields of an access-log line, in the order ``catalyst serve`` writes them."""


class _Stream(Protocol):
    def write(self, text: str, /) -> Any: ...


class ServerLogger:
    """Writes log lines to ``stream`` at ``level`` and above (``silent``: nothing)."""

    def __init__(self, *, stream: _Stream | TextIO, level: str, json_lines: bool | None = None):
        self.level = level
        self._stream = stream
        is_terminal = bool(getattr(stream, "isatty", lambda: False)())
        self._json = (not is_terminal) if json_lines is None else json_lines

    def enabled(self, level: str) -> bool:
        """Whether a line at ``level`` is written."""
        return self.level != "silent" and LOG_LEVELS.index(level) >= LOG_LEVELS.index(self.level)

    def request(self, record: Mapping[str, Any]) -> None:
        """One access-log line; ``record`` holds :data:`REQUEST_LOG_FIELDS`."""
        if not self.enabled(str(record["level"])):
            return
        ordered = {name: record.get(name) for name in REQUEST_LOG_FIELDS}
        self._write(json_text.dumps(ordered).decode() if self._json else _readable(ordered))

    def message(self, level: str, text: str, **fields: Any) -> None:
        """Anything else (startup, shutdown, an unexpected error); ``stack`` only at debug."""
        if not self.enabled(level):
            return
        stack = fields.pop("stack", None)
        if self.level == "debug" and stack is not None:
            fields["stack"] = stack
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if self._json:
            line = {"time": now, "level": level, "message": text, **fields}
            self._write(json_text.dumps(line).decode())
        else:
            extra = " ".join(
                f"{key}={value if isinstance(value, str) else json_text.dumps(value).decode()}"
                for key, value in fields.items()
            )
            self._write(f"{now} {level} {text}{' ' + extra if extra else ''}")

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        flush = getattr(self._stream, "flush", None)
        if flush is not None:
            flush()


def _readable(record: Mapping[str, Any]) -> str:
    # `12:00:00.123Z POST /workflows/chat/stream 200 1520 ms ttft 310 ms 42 tok $0.000120 [id]`
    parts = [
        str(record["time"]),
        str(record["method"]),
        str(record["path"]),
        str(record["status"]),
        f"{record['durationMs']} ms",
    ]
    if record["timeToFirstTokenMs"] is not None:
        parts.append(f"ttft {record['timeToFirstTokenMs']} ms")
    if record["tokens"] is not None:
        parts.append(f"{record['tokens']} tok")
    if record["costUsd"] is not None:
        parts.append(f"${record['costUsd']:.6f}")
    if record["errorKind"] is not None:
        parts.append(f"error {record['errorKind']}")
    parts.append(f"[{record['requestId']}]")
    return " ".join(parts)


# The loggers of the SDKs and HTTP clients a service uses; at debug some print raw upstream
# chunks (user content).
_DEPENDENCY_LOGGERS = ("openai", "anthropic", "groq", "google_genai", "httpx", "httpcore")


class _WithheldHandler(logging.Handler):
    def __init__(self, logger: ServerLogger) -> None:
        super().__init__(level=logging.DEBUG)
        self._logger = logger

    def emit(self, record: logging.LogRecord) -> None:
        try:
            characters = len(record.getMessage())
        except Exception:  # noqa: BLE001 - a broken record must not break a request
            characters = 0
        self._logger.message(
            "debug",
            "log output of a dependency withheld (it can hold user content)",
            source=record.name,
            characters=characters,
        )


def capture_dependency_logs(logger: ServerLogger) -> None:
    """Route the dependencies' log records to ``logger`` as a debug line giving only the source
    and the length, never the text (``captureConsole`` in TypeScript)."""
    handler = _WithheldHandler(logger)
    for name in _DEPENDENCY_LOGGERS:
        dependency = logging.getLogger(name)
        dependency.handlers = [handler]
        dependency.propagate = False
