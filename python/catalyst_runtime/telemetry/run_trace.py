"""The spans of one run — the run's, one per node, one per provider call — with the span names,
tree and attributes of the TypeScript ``run-trace`` module (docs/telemetry.md).

Example::

    run_trace = RunTrace(telemetry=telemetry, workflow=workflow, providers=pool.get,
                         embedders=pool.embedder, traceparent=request.headers.get("traceparent"))
    async for event in execute_workflow(..., providers_for_node=run_trace.providers_for_node):
        run_trace.observe(event)
    run_trace.end()
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from catalyst_runtime.engine.node_context import NodeProviders, ProviderResolver
from catalyst_runtime.providers.embeddings.embeddings import Embedder
from catalyst_runtime.telemetry.telemetry import Telemetry
from catalyst_runtime.telemetry.trace_context import context_from_traceparent
from catalyst_runtime.telemetry.traced_providers import traced_resolvers

__all__ = ["RunTrace"]


def _target(target: Mapping[str, Any]) -> str:
    return f"{target['provider']}/{target['model']}"


class RunTrace:
    """Starts the span of a run (``workflow ID``, kind SERVER, a child of the caller's
    ``traceparent`` when it sent one). Node spans (``node ID``) start as the node starts and end
    when it finishes, with its usage and cost; an ``llmRouter``'s decision is on its span, each
    fallback a span event."""

    def __init__(
        self,
        *,
        telemetry: Telemetry,
        workflow: Mapping[str, Any],
        providers: ProviderResolver,
        embedders: Callable[[str], Embedder] | None = None,
        traceparent: str | None = None,
        tracestate: str | None = None,
    ) -> None:
        self._telemetry = telemetry
        self._providers = providers
        self._embedders = embedders
        caller = context_from_traceparent(traceparent, tracestate)
        self._run_span = telemetry.tracer.start_span(
            f"workflow {workflow['id']}",
            context=caller,
            kind=SpanKind.SERVER,
            attributes={"catalyst.workflow.id": workflow["id"]},
        )
        self._run_context = trace.set_span_in_context(self._run_span, caller)
        self._node_spans: dict[str, Span] = {}
        # Nodes that finished; their span waits for the `partial` that carries usage and cost.
        self._finishing: dict[str, int] = {}
        self._ended = False

    def providers_for_node(self, node: Mapping[str, Any]) -> NodeProviders:
        """The providers and embedders ``node`` calls, traced under the node's span (which this
        starts)."""
        span = self._telemetry.tracer.start_span(
            f"node {node['id']}",
            context=self._run_context,
            attributes={"catalyst.node.id": node["id"], "catalyst.node.type": node["type"]},
        )
        self._node_spans[node["id"]] = span
        providers, embedders = traced_resolvers(
            providers=self._providers,
            embedders=self._embedders,
            telemetry=self._telemetry,
            parent=trace.set_span_in_context(span, self._run_context),
        )
        return NodeProviders(providers=providers, embedders=embedders)

    def _end_finishing(self, except_node: str | None = None) -> None:
        for node, end_time in list(self._finishing.items()):
            if node == except_node:
                continue
            span = self._node_spans.pop(node, None)
            if span is not None:
                span.set_status(Status(StatusCode.OK))
                span.end(end_time=end_time)
            del self._finishing[node]

    def observe(self, event: Mapping[str, Any]) -> None:
        """Feeds each event of the run, in order: ends node spans, records routes and
        fallbacks, ends the run's span at the terminal event."""
        if self._ended:
            return
        kind = event["type"]
        self._end_finishing(event["node"] if kind == "partial" else None)
        if kind == "node":
            if event["status"] == "finished":
                self._finishing[event["node"]] = time.time_ns()
        elif kind == "partial":
            self._partial(event)
            self._end_finishing()
        elif kind == "route":
            self._route(event)
        elif kind == "fallback":
            span = self._node_spans.get(event["node"])
            if span is not None:
                span.add_event(
                    "catalyst.fallback",
                    {
                        "catalyst.fallback.from": _target(event["from"]),
                        "catalyst.fallback.to": _target(event["to"]),
                        "error.type": event["error"]["kind"],
                        "catalyst.fallback.discard": event["discard"],
                    },
                )
        elif kind == "done":
            attributes: dict[str, Any] = {"catalyst.tokens": event["tokenCount"]}
            if event.get("cost") is not None:
                attributes["catalyst.cost_usd"] = event["cost"]["totalUsd"]
            self._run_span.set_attributes(attributes)
            self._run_span.set_status(Status(StatusCode.OK))
            self._finish()
        elif kind == "error":
            node_span = self._node_spans.get(event["node"]) if event.get("node") else None
            for span in [node_span, self._run_span] if node_span else [self._run_span]:
                span.set_attribute("error.type", event["kind"])
                span.set_status(Status(StatusCode.ERROR, event["message"]))
            self._finish()

    def _partial(self, event: Mapping[str, Any]) -> None:
        span = self._node_spans.get(event["node"])
        output = event.get("output")
        if span is None or not isinstance(output, dict):
            return
        cost = output.get("cost")
        if isinstance(cost, dict) and isinstance(cost.get("totalUsd"), (int, float)):
            span.set_attribute("catalyst.cost_usd", cost["totalUsd"])
        if isinstance(output.get("provider"), str):
            span.set_attribute("catalyst.provider", output["provider"])
        if isinstance(output.get("model"), str):
            span.set_attribute("catalyst.model", output["model"])

    def _route(self, event: Mapping[str, Any]) -> None:
        span = self._node_spans.get(event["node"])
        if span is None:
            return
        attributes: dict[str, Any] = {
            "catalyst.route.index": event["route"] if event.get("route") is not None else -1,
        }
        if event.get("name") is not None:
            attributes["catalyst.route.name"] = event["name"]
        attributes["catalyst.route.strategy"] = event["strategy"]
        attributes["catalyst.route.targets"] = [_target(target) for target in event["targets"]]
        attributes["catalyst.route.reason"] = event["reason"]
        attributes["catalyst.route.prompt_tokens"] = event["promptTokens"]
        span.set_attributes(attributes)

    def end(self) -> None:
        """Ends whatever is still open (a run stopped before its terminal event)."""
        if self._ended:
            return
        self._run_span.set_attribute("error.type", "aborted")
        self._run_span.set_status(Status(StatusCode.ERROR, "the run was cancelled"))
        self._finish()

    def _finish(self) -> None:
        self._end_finishing()
        # Nodes still running when the run ended (cancelled with it).
        for span in self._node_spans.values():
            span.end()
        self._node_spans.clear()
        self._run_span.end()
        self._ended = True
