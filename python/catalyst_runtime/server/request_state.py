"""What one request did, filled in as it runs and logged when it ends (``RequestState`` of
TypeScript ``create-catalyst-app``); the HTTP gate puts it in the ASGI scope under
:data:`SCOPE_KEY`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SCOPE_KEY", "RequestState"]

SCOPE_KEY = "catalyst.request"
"""Where the gate leaves the :class:`RequestState` in the ASGI scope."""


@dataclass
class RequestState:
    """One request: its checked input (for the workflow routes) and what the access log needs."""

    input: Any = None
    has_input: bool = False
    workflow: str | None = None
    first_token_at: float | None = None
    tokens: int | None = None
    cost_usd: float | None = None
    error_kind: str | None = None
    streaming: bool = False
    """A stream logs itself when its terminal event went out, not when its headers did."""
    traceparent: str | None = None
    """The caller's W3C trace context, which the run's spans join."""
    tracestate: str | None = None
