"""The same vector traced by both runtimes: ``catalyst serve`` (TypeScript, OTLP/HTTP JSON) and the
Python app (OTLP/HTTP protobuf) export to one OTLP/HTTP receiver started here, and their span
trees must match — names, kinds, parents, status, attributes and span events, ids and times
aside. Each run joins the caller's ``traceparent``, and the provider requests carry it."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

REPO = Path(__file__).resolve().parents[3]
# Attributes whose value is a measurement or an id of one request: compared by presence only.
VARYING = frozenset({"catalyst.time_to_first_token_ms", "gen_ai.response.id"})
# Both runtimes trace the same run: one caller trace id each, so each tree is told apart.
CALLERS = {
    "typescript": "00-11111111111111111111111111111111-1111111111111111-01",
    "python": "00-22222222222222222222222222222222-2222222222222222-01",
}


class Receiver:
    """An OTLP/HTTP traces receiver on 127.0.0.1: every export request, decoded."""

    def __init__(self) -> None:
        self.exports: list[tuple[str, ExportTraceServiceRequest]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self._body()
                content_type = self.headers.get("content-type", "")
                receiver.exports.append((self.path, _decode(content_type, body)))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def _body(self) -> bytes:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        chunk = self.rfile.read(size)
                        self.rfile.readline()
                        if size == 0:
                            break
                        chunks.append(chunk)
                    body = b"".join(chunks)
                else:
                    body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.headers.get("content-encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                return body

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def spans(self) -> list[tuple[str, Any]]:
        """Every span received so far, with its resource's ``service.name``."""
        found: list[tuple[str, Any]] = []
        for _, export in list(self.exports):
            for resource_spans in export.resource_spans:
                service = next(
                    (
                        attribute.value.string_value
                        for attribute in resource_spans.resource.attributes
                        if attribute.key == "service.name"
                    ),
                    "",
                )
                for scope_spans in resource_spans.scope_spans:
                    found.extend((service, span) for span in scope_spans.spans)
        return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _hex_ids_to_base64(value: Any) -> Any:
    """OTLP/JSON writes trace and span ids as hex; protobuf's JSON mapping wants base64."""
    if isinstance(value, list):
        return [_hex_ids_to_base64(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("traceId", "spanId", "parentSpanId") and isinstance(item, str):
            converted[key] = base64.b64encode(bytes.fromhex(item)).decode()
        else:
            converted[key] = _hex_ids_to_base64(item)
    return converted


def _decode(content_type: str, body: bytes) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    if content_type.startswith("application/json"):
        json_format.ParseDict(_hex_ids_to_base64(json.loads(body)), request)
    else:
        request.ParseFromString(body)
    return request


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    if kind in ("int_value", "double_value"):
        # JavaScript has one number type: 0.5 and 2 are doubles or ints by value, not by type.
        return float(getattr(value, kind))
    return getattr(value, kind) if kind else None


def _attributes(attributes: Any) -> dict[str, Any]:
    return {
        attribute.key: "(present)" if attribute.key in VARYING else _value(attribute.value)
        for attribute in attributes
    }


def span_tree(spans: list[Any], trace_id: str) -> list[dict[str, Any]]:
    """The spans of one trace as plain records, each naming its parent by name, sorted."""
    mine = [span for span in spans if span.trace_id.hex() == trace_id]
    names = {span.span_id: span.name for span in mine}
    records = [
        {
            "name": span.name,
            "kind": span.kind,
            "parent": names.get(span.parent_span_id, "(caller)"),
            "status": span.status.code,
            "attributes": _attributes(span.attributes),
            "events": [(event.name, _attributes(event.attributes)) for event in span.events],
        }
        for span in mine
    ]
    return sorted(records, key=lambda record: (record["name"], json.dumps(record, default=str)))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.close()


def _vector(name: str) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads(
        (REPO / "conformance" / "workflows" / name).read_text(encoding="utf-8")
    )
    if isinstance(vector["workflow"], str):
        vector["workflow"] = json.loads((REPO / vector["workflow"]).read_text(encoding="utf-8"))
    return vector


@pytest.mark.parametrize(
    "vector_name",
    [
        "chat-stream.json",
        "router-fallback-overloaded.json",
        "fault-auth-stream.json",
        "embeddings-openai-float.json",
    ],
)
def test_both_runtimes_make_the_same_span_tree(
    vector_name: str,
    receiver: Receiver,
    serve_both: Callable[..., tuple[str, str]],
    simulator: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vector = _vector(vector_name)
    # Export at once (the batch processors' delay is 5 s by default), in both runtimes.
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
    typescript, python = serve_both(
        vector["workflow"],
        environment={
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
            "OTEL_SERVICE_NAME": "catalyst-cross-runtime",
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        },
    )
    simulator.use_scenario(vector.get("scenario") or {"rules": []})
    endpoint = vector["request"].get("endpoint", "run")
    sent: dict[str, list[str]] = {}
    for runtime, url in (("typescript", typescript), ("python", python)):
        simulator.reset()
        response = httpx.post(
            f"{url}/workflows/{vector['workflow']['id']}/{endpoint}",
            json=vector["request"]["input"],
            headers={"traceparent": CALLERS[runtime]},
            timeout=30,
        )
        assert response.status_code == vector["expected"]["status"]
        sent[runtime] = [
            str(request["headers"].get("traceparent"))  # type: ignore[attr-defined]
            for request in simulator.requests()
        ]
    simulator.clear_scenario()

    trace_ids = {runtime: caller.split("-")[1] for runtime, caller in CALLERS.items()}
    deadline = time.monotonic() + 20
    trees: dict[str, list[dict[str, Any]]] = {}
    while time.monotonic() < deadline:
        spans = [span for _, span in receiver.spans()]
        trees = {runtime: span_tree(spans, trace_id) for runtime, trace_id in trace_ids.items()}
        # Complete when both runs' spans (ended last) have arrived.
        if all(any(record["parent"] == "(caller)" for record in tree) for tree in trees.values()):
            break
        time.sleep(0.05)
    time.sleep(0.2)  # the stragglers of the last batch
    spans = [span for _, span in receiver.spans()]
    trees = {runtime: span_tree(spans, trace_id) for runtime, trace_id in trace_ids.items()}

    assert {path for path, _ in receiver.exports} == {"/v1/traces"}
    assert {service for service, _ in receiver.spans()} == {"catalyst-cross-runtime"}
    workflow_id = vector["workflow"]["id"]
    assert [record["parent"] for record in trees["typescript"]].count("(caller)") == 1
    assert any(record["name"] == f"workflow {workflow_id}" for record in trees["typescript"])
    # At least one provider call (a CLIENT span, kind 3) under a node.
    assert any(
        record["kind"] == 3 and record["parent"].startswith("node ")
        for record in trees["typescript"]
    )
    assert trees["python"] == trees["typescript"]
    # Each chat request named a span of its own runtime's trace (embeddings requests carry none,
    # in either runtime).
    carried = {
        runtime: [header.startswith(f"00-{trace_ids[runtime]}-") for header in headers]
        for runtime, headers in sent.items()
    }
    assert carried["typescript"], "no provider request"
    assert carried["python"] == carried["typescript"]
    if any(record["name"].startswith("chat ") for record in trees["typescript"]):
        assert all(carried["typescript"])
