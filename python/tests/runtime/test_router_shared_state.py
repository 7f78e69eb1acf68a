"""Router state shared through one Redis by several servers of both runtimes: two TypeScript
servers (``catalyst serve``) and the Python app. A cooldown one records, the others honour; a time
to first token one measures, the others decide by."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.event_frames import parse_events
from tests.redis_server import redis_server
from tests.runtime.conftest import PythonServer, TypeScriptServer, provider_environment

TARGETS = [
    {"provider": "groq", "model": "llama-3.1-8b-instant"},
    {"provider": "openai", "model": "gpt-4.1-mini"},
]


def _workflow(strategy: str, targets: list[dict[str, str]]) -> dict[str, Any]:
    config: dict[str, Any] = {"prompt": "{{ input.question }}", "default": targets}
    if strategy == "cooldown":
        config["cooldown"] = {"failures": 1, "seconds": 60}
    else:
        config["strategy"] = strategy
    return {
        "id": "shared",
        "name": "Shared",
        "input": {"type": "object", "properties": {"question": {"type": "string"}}},
        "nodes": [
            {"id": "input", "type": "input"},
            {"id": "route", "type": "llmRouter", "config": config},
            {"id": "output", "type": "output"},
        ],
        "edges": [{"from": "input", "to": "route"}, {"from": "route", "to": "output"}],
    }


def _put_scenario(simulator_url: str, scenario: dict[str, Any] | None) -> None:
    method, body = ("PUT", json.dumps(scenario).encode()) if scenario else ("DELETE", None)
    request = urllib.request.Request(f"{simulator_url}/_sim/scenario", method=method, data=body)
    urllib.request.urlopen(request).close()


def _route_and_names(url: str) -> tuple[dict[str, Any], list[str]]:
    with httpx.Client(timeout=30) as client:
        response = client.post(f"{url}/workflows/shared/stream", json={"question": "Hi"})
    route: dict[str, Any] = {}
    names: list[str] = []
    for name, data in parse_events(response.text):
        names.append(name)
        if name == "route":
            route = data
    return route, names


@pytest.fixture
def servers(simulator: Any, tmp_path: Path) -> Iterator[Any]:
    """Starts, for a workflow, two TypeScript servers and one Python app on a fresh Redis."""
    started: list[Any] = []

    def start(workflow: dict[str, Any], redis_url: str) -> tuple[str, str, str]:
        environment = {**provider_environment(simulator.url), "REDIS_URL": redis_url}
        workflow_file = tmp_path / "shared.json"
        workflow_file.write_text(json.dumps(workflow), encoding="utf-8")
        first = TypeScriptServer(workflow_file, environment, 15_000)
        started.append(first)
        second = TypeScriptServer(workflow_file, environment, 15_000)
        started.append(second)
        python = PythonServer(workflow, environment, 15_000)
        python.start()
        started.append(python)
        return first.url, second.url, python.url

    yield start
    for server in started:
        server.stop()
    _put_scenario(simulator.url, None)
    simulator.reset()


def test_a_cooldown_recorded_by_one_server_is_honoured_by_the_others(
    servers: Any, simulator: Any
) -> None:
    rate_limited = {"match": {"provider": "groq"}, "fault": {"type": "http", "kind": "rate_limit"}}
    _put_scenario(simulator.url, {"rules": [rate_limited]})
    simulator.reset()  # the request log is the session's: count from here
    with redis_server() as redis_url:
        typescript, other_typescript, python = servers(_workflow("cooldown", TARGETS), redis_url)
        route, names = _route_and_names(typescript)
        assert route["skipped"] == [] and "fallback" in names and names[-1] == "done"
        for url in (other_typescript, python):
            route, names = _route_and_names(url)
            assert route["targets"] == [TARGETS[1]]
            assert route["skipped"] == [{**TARGETS[0], "reason": "cooldown"}]
            assert "fallback" not in names and names[-1] == "done"
            assert "stateWarning" not in route
    groq_calls = [call for call in simulator.requests() if call.get("provider") == "groq"]
    assert len(groq_calls) == 1


def test_latency_measured_by_one_runtime_steers_the_other(servers: Any, simulator: Any) -> None:
    slow_openai = {"match": {"provider": "openai"}, "timing": {"firstTokenMs": 400}}
    _put_scenario(simulator.url, {"rules": [slow_openai]})
    targets = [TARGETS[1], {"provider": "anthropic", "model": "claude-haiku-4-5"}]
    with redis_server() as redis_url:
        typescript, other_typescript, python = servers(_workflow("fastest", targets), redis_url)
        # Untried targets go first: the Python app measures OpenAI, a TypeScript server Anthropic.
        assert _route_and_names(python)[0]["targets"][0] == targets[0]
        assert _route_and_names(typescript)[0]["targets"][0] == targets[1]
        # Both are measured now, in Redis: every server prefers the faster Anthropic.
        for url in (other_typescript, python):
            assert _route_and_names(url)[0]["targets"] == [targets[1], targets[0]]
