"""Event-stream parsing for the tests, as the TypeScript harness does it
(``parseEventFrames`` of the runtime's conformance-vector module): every frame is exactly
``id: RUN:SEQ\\nevent: NAME\\ndata: JSON``; comments are skipped. Ids are random per run, so
vectors store none: :func:`check_event_ids` checks them by rule (conformance/README.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

RUN_ID_PATTERN = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
"""What every run id looks like: a random (version 4) UUID in lower case."""

_FRAME = re.compile(r"^(?:id: ([^\n]+)\n)?event: ([^\n]+)\ndata: ([^\n]*)$")


@dataclass(frozen=True)
class EventFrame:
    """One frame: its ``id:`` (None when it had none), name and data."""

    id: str | None
    name: str
    data: Any


def parse_event_frames(text: str) -> list[EventFrame]:
    """The frames of an event-stream body; anything but one event per frame fails."""
    frames: list[EventFrame] = []
    for block in text.split("\n\n"):
        if not block or block.startswith(":"):
            continue
        match = _FRAME.fullmatch(block)
        assert match is not None, f"not one event per frame: {block!r}"
        frames.append(EventFrame(match.group(1), match.group(2), json.loads(match.group(3))))
    return frames


def parse_events(text: str) -> list[list[Any]]:
    """``[name, data]`` pairs of an event-stream body, ids aside."""
    return [[frame.name, frame.data] for frame in parse_event_frames(text)]


def check_event_ids(text: str, run_id: str | None, *, resumed_after: str | None = None) -> None:
    """Every frame carries ``id: RUN:SEQ``: RUN the response's ``x-catalyst-run-id`` (a v4 UUID,
    or the run of ``resumed_after``), SEQ consecutive from 1 (or one past ``resumed_after``)."""
    assert run_id is not None, "the stream has no x-catalyst-run-id header"
    first = 1
    if resumed_after is None:
        assert RUN_ID_PATTERN.match(run_id), run_id
    else:
        resumed_run, _, resumed_seq = resumed_after.rpartition(":")
        assert run_id == resumed_run
        first = int(resumed_seq) + 1
    ids = [frame.id for frame in parse_event_frames(text)]
    assert ids == [f"{run_id}:{first + index}" for index in range(len(ids))]
