"""OpenAI's error envelope and the status OpenAI would send for each provider error kind (the
twin of TypeScript ``openai-error-body``), so the official SDKs raise their typed exceptions.

Example::

    status, body = provider_error_response({"kind": "rate_limit", "message": "slow down"})
    # 429, {"error": {"message": "slow down", "type": "rate_limit_error", ...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["openai_error_body", "provider_error_response"]

# kind → (status, type, code), as OpenAI answers the same failure.
_STATUS_FOR_KIND: dict[str, tuple[int, str, str | None]] = {
    "invalid_request": (400, "invalid_request_error", None),
    "context_length": (400, "invalid_request_error", "context_length_exceeded"),
    "content_filter": (400, "invalid_request_error", "content_filter"),
    "auth": (401, "authentication_error", "invalid_api_key"),
    "model_not_found": (404, "invalid_request_error", "model_not_found"),
    "rate_limit": (429, "rate_limit_error", "rate_limit_exceeded"),
    # nginx's "client closed request": the client went away, nobody reads this.
    "aborted": (499, "api_error", "aborted"),
    "server": (500, "server_error", None),
    "network": (502, "server_error", None),
    "overloaded": (503, "server_error", "overloaded"),
    "timeout": (504, "server_error", "timeout"),
}


def openai_error_body(
    message: str, error_type: str, code: str | None, param: str | None = None
) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}``, keys in OpenAI's order."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def provider_error_response(error: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """The HTTP status and OpenAI-shaped body for a provider error (``kind``, ``message``)."""
    kind = str(error.get("kind"))
    status, error_type, code = _STATUS_FOR_KIND.get(kind, (500, "server_error", kind))
    return status, openai_error_body(str(error.get("message", "")), error_type, code)
