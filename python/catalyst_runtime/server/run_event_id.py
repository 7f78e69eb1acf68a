"""Event ids of a streamed run (TypeScript ``run-event-id``): ``RUN:SEQ`` on every Server-Sent
Event, so a client can resume with ``Last-Event-ID`` (docs/protocol.md, "Resuming a stream").

Example::

    run_id = create_run_id()  # "0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d"
    format_event_id(run_id, 3)  # "0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d:3"
    parse_event_id("0b9a1c2e-6f3d-4a5b-8c7d-9e0f1a2b3c4d:3")  # (run_id, 3)
"""

from __future__ import annotations

import re
import uuid

__all__ = [
    "RUN_ID_HEADER",
    "create_run_id",
    "format_event_id",
    "is_run_id",
    "next_sequence",
    "parse_event_id",
]

RUN_ID_HEADER = "x-catalyst-run-id"
"""The response header that names the run of an event stream, so a client can resume it even
before the first event arrived."""

_EVENT_ID = re.compile(r"([0-9A-Za-z_-]{1,128}):(0|[1-9][0-9]{0,15})")
_RUN_ID = re.compile(r"[0-9A-Za-z_-]{1,128}")
# What JavaScript's String.prototype.trim removes: whitespace and line terminators.
_JS_WHITESPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def create_run_id() -> str:
    """A run id: a random (version 4) UUID in lower case (hex and dashes, never a colon)."""
    return str(uuid.uuid4())


def is_run_id(value: str) -> bool:
    """Whether ``value`` can be a run id (ours, or one a resume names): 1-128 of
    ``[0-9A-Za-z_-]``."""
    return _RUN_ID.fullmatch(value) is not None


def format_event_id(run_id: str, seq: int) -> str:
    """The ``id:`` of the ``seq``-th event of a run (the first event is 1)."""
    return f"{run_id}:{seq}"


def parse_event_id(value: str) -> tuple[str, int] | None:
    """A ``Last-Event-ID`` split into run and sequence number; None when it is not one of ours.
    ``RUN:0`` asks for the whole run. The number is read as JavaScript's ``Number`` reads it (a
    double), so a 16-digit one rounds the same way in both runtimes."""
    match = _EVENT_ID.fullmatch(value.strip(_JS_WHITESPACE))
    if match is None:
        return None
    return match.group(1), int(float(match.group(2)))


def next_sequence(seq: int) -> int:
    """``seq + 1`` as JavaScript computes it (a double: exact up to 2**53, rounded beyond)."""
    return int(float(seq) + 1)
