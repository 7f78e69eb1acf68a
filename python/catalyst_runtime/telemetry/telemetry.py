"""Where a server's spans go, and whether the standard ``OTEL_*`` variables ask for any (the
TypeScript ``telemetry`` module's twin).

The OpenTelemetry SDK and its OTLP/HTTP exporter are imported only by
:func:`create_otlp_telemetry`, only when an endpoint is set: a service without
``OTEL_EXPORTER_OTLP_ENDPOINT`` never loads them (nor needs them installed).

Example::

    telemetry = create_otlp_telemetry(os.environ)  # None unless OTEL_EXPORTER_OTLP_ENDPOINT is set
"""

from __future__ import annotations

import importlib
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from opentelemetry.trace import Tracer

__all__ = [
    "TELEMETRY_ENVIRONMENT",
    "Telemetry",
    "capture_content_requested",
    "create_otlp_telemetry",
    "tracing_requested",
]


@dataclass
class Telemetry:
    """A tracer, whether prompts and completions are recorded, and how to flush and stop."""

    tracer: Tracer
    capture_content: bool
    """Record prompt and completion text (``gen_ai.input.messages``, ``gen_ai.output.messages``).
    Off unless ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``: they hold user data."""
    shutdown: Callable[[], None]
    """Sends the spans still buffered and stops (blocking: run it off the event loop)."""


TELEMETRY_ENVIRONMENT: Mapping[str, str] = {
    "endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
    "traces_endpoint": "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "headers": "OTEL_EXPORTER_OTLP_HEADERS",
    "traces_headers": "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "service_name": "OTEL_SERVICE_NAME",
    "sdk_disabled": "OTEL_SDK_DISABLED",
    "capture_content": "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
}
"""The environment variables that turn tracing on and shape it (the standard OTLP ones)."""


def _value(environment: Mapping[str, str | None], key: str) -> str:
    return (environment.get(TELEMETRY_ENVIRONMENT[key]) or "").strip()


def tracing_requested(environment: Mapping[str, str | None]) -> bool:
    """Whether the environment asks for traces (an OTLP endpoint is set, the SDK not disabled)."""
    if _value(environment, "sdk_disabled").lower() == "true":
        return False
    return bool(_value(environment, "traces_endpoint") or _value(environment, "endpoint"))


def capture_content_requested(environment: Mapping[str, str | None]) -> bool:
    """Whether ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` is ``true``."""
    return _value(environment, "capture_content").lower() == "true"


def _parse_header_list(value: str) -> dict[str, str]:
    """``a=1,b=2`` (values percent-decoded, as the OTLP specification says) as headers."""
    headers: dict[str, str] = {}
    for pair in value.split(","):
        name, separator, raw = pair.partition("=")
        if not separator or not name.strip():
            continue
        headers[name.strip()] = urllib.parse.unquote(raw.strip())
    return headers


def create_otlp_telemetry(environment: Mapping[str, str | None]) -> Telemetry | None:
    """Telemetry exporting over OTLP/HTTP (protobuf) as the standard variables say, or None when
    they ask for none:

    - traces go to ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, else ``OTEL_EXPORTER_OTLP_ENDPOINT`` +
      ``/v1/traces``;
    - ``OTEL_EXPORTER_OTLP_HEADERS`` / ``…_TRACES_HEADERS``: ``name=value`` pairs, comma-separated;
    - ``OTEL_SERVICE_NAME`` (default ``catalyst``);
    - ``OTEL_SDK_DISABLED=true`` turns it off.

    Raises ``ModuleNotFoundError`` when the SDK or the exporter is not installed.
    """
    if not tracing_requested(environment):
        return None
    # By name, so that nothing imports the SDK unless tracing was asked for.
    sdk_trace: Any = importlib.import_module("opentelemetry.sdk.trace")
    sdk_export: Any = importlib.import_module("opentelemetry.sdk.trace.export")
    sdk_resources: Any = importlib.import_module("opentelemetry.sdk.resources")
    otlp: Any = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    base = _value(environment, "endpoint").rstrip("/")
    url = _value(environment, "traces_endpoint") or f"{base}/v1/traces"
    headers = {
        **_parse_header_list(_value(environment, "headers")),
        **_parse_header_list(_value(environment, "traces_headers")),
    }
    resource = sdk_resources.Resource.create(
        {"service.name": _value(environment, "service_name") or "catalyst"}
    )
    provider = sdk_trace.TracerProvider(resource=resource)
    exporter = otlp.OTLPSpanExporter(endpoint=url, headers=headers)
    provider.add_span_processor(sdk_export.BatchSpanProcessor(exporter))
    tracer: Tracer = provider.get_tracer("catalyst")
    return Telemetry(
        tracer=tracer,
        capture_content=capture_content_requested(environment),
        shutdown=provider.shutdown,
    )
