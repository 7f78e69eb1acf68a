"""The same workflow and input against ``catalyst serve`` (TypeScript) and the Python app, both on
one simulator: status, content type and body must be byte-identical, and so must the SSE event
sequence (keep-alive comments aside, whose timing differs)."""

from __future__ import annotations

import itertools
import socket
import time
from typing import Any

import httpx
import pytest

from tests.event_frames import check_event_ids, parse_event_frames

SIM_TOOL_CALL = (
    '[[sim {"reply":{"toolCalls":[{"id":"call_1","name":"lookup","arguments":{"q":"x"}}]}}]]'
)


def _node(node_id: str, node_type: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": node_type}
    if config is not None:
        node["config"] = config
    return node


def _chain(*ids: str) -> list[dict[str, str]]:
    return [{"from": a, "to": b} for a, b in itertools.pairwise(ids)]


QUESTION_INPUT = {
    "type": "object",
    "properties": {"question": {"type": "string", "minLength": 1}},
    "required": ["question"],
    "additionalProperties": False,
}


def single(node_type: str, config: dict[str, Any], workflow_id: str = "flow") -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": "Flow",
        "description": "Answers a question",
        "input": QUESTION_INPUT,
        "env": ["GREETING"],
        "nodes": [
            _node("input", "input"),
            _node("answer", node_type, config),
            _node("output", "output", {"value": {"answer": "{{ nodes.answer.text }}", "n": 1}}),
        ],
        "edges": _chain("input", "answer", "output"),
    }


def embed(config: dict[str, Any]) -> dict[str, Any]:
    """An ``embeddingGenerate`` node whose whole output is the run's output."""
    return {
        "id": "embed",
        "name": "Embed",
        "input": QUESTION_INPUT,
        "nodes": [
            _node("input", "input"),
            _node("answer", "embeddingGenerate", config),
            # No `value`: the node's output passes through untouched. (A whole object sent
            # through a CEL expression loses its key order in the Python engine.)
            _node("output", "output"),
        ],
        "edges": _chain("input", "answer", "output"),
    }


WORKFLOWS: dict[str, dict[str, Any]] = {
    "openai": single(
        "openaiCompletion", {"model": "gpt-4.1-mini", "prompt": "{{ input.question }}"}
    ),
    "anthropic": single(
        "anthropicCompletion",
        {"prompt": "{{ input.question }} {{ env.GREETING }}", "system": "Be brief."},
    ),
    "gemini": single("geminiCompletion", {"prompt": "{{ input.question }}"}),
    "groq": single("groqCompletion", {"prompt": "{{ input.question }}", "maxTokens": 50}),
    "xai": single("grokCompletion", {"prompt": "{{ input.question }}", "maxRetries": 0}),
    "json": single(
        "openaiCompletion",
        {"prompt": "{{ input.question }}", "responseFormat": "json_object"},
    ),
    "anthropic-json": single(
        "anthropicCompletion", {"prompt": "{{ input.question }}", "responseFormat": "json_object"}
    ),
    "retired": single("openaiCompletion", {"model": "gpt-4-32k", "prompt": "hi"}),
    "expression": single("openaiCompletion", {"prompt": "{{ input.nope + 1 }}"}),
    "no-retry": single("openaiCompletion", {"prompt": "{{ input.question }}", "maxRetries": 0}),
    "chain": {
        "id": "chain",
        "name": "Chain",
        "input": QUESTION_INPUT,
        "nodes": [
            _node("input", "input"),
            _node(
                "template",
                "promptTemplate",
                {
                    "system": "You answer in {{ variables.style }}.",
                    "variables": {"style": "haiku"},
                    "messages": [{"role": "user", "content": "Q: {{ input.question }}"}],
                },
            ),
            _node("first", "anthropicCompletion", {}),
            _node("second", "openaiCompletion", {}),
            _node("output", "output"),
        ],
        "edges": _chain("input", "template", "first", "second", "output"),
    },
    "embed-openai": embed(
        {
            "provider": "openai",
            "model": "text-embedding-3-small",
            "dimensions": 8,
            # The question last: a simulator directive in it steers the batch it ends.
            "input": ["{{ input.question }}", "a second text", "{{ input.question }}"],
            "batchSize": 1,
            "payload": {"source": "faq {{ input.question.size() }}"},
            "query": "{{ input.question }}",
            "topK": 2,
        }
    ),
    "embed-openai-float": embed(
        {
            "provider": "openai",
            "model": "text-embedding-3-large",
            "dimensions": 4,
            "encodingFormat": "float",
            "input": "{{ [input.question, 'other'] }}",
            "batchSize": 1,
            "points": False,
        }
    ),
    "embed-voyage": embed(
        {
            "provider": "voyage",
            "model": "voyage-4-lite",
            "inputType": "document",
            "dimensions": 256,
            "input": "{{ input.question }}",
        }
    ),
    "embed-gemini": embed(
        {
            "provider": "gemini",
            "model": "gemini-embedding-001",
            "dimensions": 8,
            "inputType": "query",
            "input": ["two", "three", "one {{ input.question }}"],
            "batchSize": 2,
            "maxRetries": 1,
        }
    ),
    "embed-not-text": embed(
        {
            "provider": "openai",
            "model": "text-embedding-3-small",
            "input": "{{ input.question.size() }}",
        }
    ),
    "branch": {
        "id": "branch",
        "name": "Branch",
        "input": QUESTION_INPUT,
        "nodes": [
            _node("input", "input"),
            _node(
                "answer",
                "openaiCompletion",
                {
                    "prompt": "{{ input.question }}",
                    "tools": [
                        {
                            "name": "lookup",
                            "description": "Looks something up",
                            "parameters": {
                                "type": "object",
                                "properties": {"q": {"type": "string"}},
                            },
                        }
                    ],
                },
            ),
            _node("tool", "output", {"value": "{{ nodes.answer.toolCalls[0].arguments }}"}),
            _node("text", "promptTemplate", {"messages": [{"role": "user", "content": "x"}]}),
        ],
        "edges": [
            {"from": "input", "to": "answer"},
            {"from": "answer", "fromHandle": "function_call", "to": "tool"},
            {"from": "answer", "to": "text"},
        ],
    },
}


def frames(response: httpx.Response) -> list[bytes]:
    """SSE frames without keep-alive comments, the event ids checked by rule and the random run
    id written as ``RUN``."""
    run_id = response.headers.get("x-catalyst-run-id")
    check_event_ids(response.text, run_id)
    parts = [part + b"\n\n" for part in response.content.split(b"\n\n") if part]
    return [
        part.replace(f"id: {run_id}:".encode(), b"id: RUN:", 1)
        for part in parts
        if not part.startswith(b":")
    ]


def call(url: str, method: str, path: str, content: bytes | None = None) -> httpx.Response:
    with httpx.Client(timeout=60) as client:
        headers = {"content-type": "application/json"} if content is not None else {}
        return client.request(method, f"{url}{path}", content=content, headers=headers)


def assert_same(typescript: httpx.Response, python: httpx.Response, stream: bool) -> None:
    assert python.status_code == typescript.status_code
    assert python.headers.get("content-type") == typescript.headers.get("content-type")
    if stream and typescript.status_code == 200:
        for name in ("cache-control", "x-accel-buffering", "connection"):
            assert python.headers.get(name) == typescript.headers.get(name)
        assert frames(python) == frames(typescript)
    else:
        assert python.content == typescript.content


CASES = [
    ("openai", "Hello there"),
    (
        "openai",
        'Quotes " and \\ and \n newline, ünïcödé 😀 [[sim {"reply":{"text":"é 😀 \\u2028"}}]]',
    ),
    ("anthropic", "Hello Claude"),
    ("gemini", "Hello Gemini"),
    ("groq", "Hello Groq"),
    ("xai", "Hello Grok"),
    ("json", 'give json [[sim {"reply":{"json":{"b":1,"a":[1.5,2]}}}]]'),
    ("anthropic-json", 'give json [[sim {"reply":{"json":{"b":1,"2":3}}}]]'),
    ("chain", "What is CEL?"),
    ("branch", f"call a tool {SIM_TOOL_CALL}"),
    ("branch", 'no tool this time [[sim {"reply":{"text":"plain answer"}}]]'),
    ("embed-openai", "What is a vector? ünïcödé 😀"),
    ("embed-openai", 'x [[sim {"fault":{"type":"http","kind":"auth"}}]]'),
    ("embed-openai-float", "Floats on the wire"),
    ("embed-voyage", "A document about Voyage"),
    ("embed-gemini", "Gemini in batches"),
    ("embed-gemini", 'retried [[sim {"fault":{"type":"http","kind":"overloaded"}}]]'),
    ("embed-not-text", "x"),
    ("retired", "x"),
    ("expression", "x"),
    ("openai", 'x [[sim {"fault":{"type":"http","kind":"auth"}}]]'),
    ("no-retry", 'x [[sim {"fault":{"type":"http","kind":"rate_limit","retryAfterMs":250}}]]'),
    ("no-retry", 'x [[sim {"fault":{"type":"http","kind":"server"}}]]'),
    ("no-retry", 'x [[sim {"fault":{"type":"http","kind":"overloaded"}}]]'),
    ("no-retry", 'a b c d [[sim {"fault":{"type":"disconnect","afterChunks":2}}]]'),
    ("no-retry", 'a b c d [[sim {"fault":{"type":"malformed","afterChunks":2}}]]'),
    ("no-retry", 'x [[sim {"fault":{"type":"reset"}}]]'),
    ("no-retry", 'a b [[sim {"fault":{"type":"stream-error","afterChunks":1,"kind":"server"}}]]'),
    ("anthropic", 'x [[sim {"fault":{"type":"http","kind":"overloaded"}}]]'),
    (
        "anthropic",
        'a b c [[sim {"fault":{"type":"stream-error","afterChunks":1,"kind":"overloaded"}}]]',
    ),
    ("gemini", 'x [[sim {"fault":{"type":"http","kind":"auth"}}]]'),
    ("xai", 'a b c d [[sim {"fault":{"type":"disconnect","afterChunks":1}}]]'),
]


@pytest.mark.parametrize(("workflow_name", "question"), CASES)
def test_run_and_stream_are_byte_identical(
    serve_both: Any, simulator: Any, workflow_name: str, question: str
) -> None:
    import json

    workflow = WORKFLOWS[workflow_name]
    typescript_url, python_url = serve_both(workflow)
    body = json.dumps({"question": question}).encode()
    for endpoint, stream in (("run", False), ("stream", True)):
        path = f"/workflows/{workflow['id']}/{endpoint}"
        typescript = call(typescript_url, "POST", path, body)
        python = call(python_url, "POST", path, body)
        assert_same(typescript, python, stream)


HTTP_CASES: list[tuple[str, str, bytes | None]] = [
    ("GET", "/health", None),
    ("GET", "/workflows", None),
    ("GET", "/openapi.json", None),
    ("POST", "/workflows/flow/run", b""),
    ("POST", "/workflows/flow/stream", b"  \n"),
    ("POST", "/workflows/flow/run", b'{"question":'),
    ("POST", "/workflows/flow/run", b"NaN"),
    ("POST", "/workflows/flow/stream", b'{"question":"","extra":1,"0":true}'),
    ("POST", "/workflows/flow/run", b"{}"),
    ("POST", "/workflows/flow/run", b"[1]"),
    ("POST", "/workflows/flow/run", b'{"question": 1.0}'),
    ("POST", "/workflows/nope/run", b"{}"),
    ("GET", "/nope", None),
    ("GET", "/workflows/flow/run", None),
    ("POST", "/health", b"{}"),
    ("GET", "/health/", None),
]


@pytest.mark.parametrize(("method", "path", "content"), HTTP_CASES)
def test_http_answers_are_byte_identical(
    serve_both: Any, method: str, path: str, content: bytes | None
) -> None:
    typescript_url, python_url = serve_both(WORKFLOWS["openai"])
    typescript = call(typescript_url, method, path, content)
    python = call(python_url, method, path, content)
    assert_same(typescript, python, stream=False)


def test_keep_alive_comments_while_the_provider_is_silent(serve_both: Any) -> None:
    _, python_url = serve_both(WORKFLOWS["openai"], keep_alive_ms=60)
    body = b'{"question":"hi [[sim {\\"timing\\":{\\"firstTokenMs\\":300}}]]"}'
    response = call(python_url, "POST", "/workflows/flow/stream", body)
    assert b": keep-alive\n\n" in response.content
    assert parse_event_frames(response.text)[-1].name == "done"


@pytest.mark.parametrize("endpoint", ["stream", "run"])
def test_client_disconnect_closes_the_provider_connection(
    serve_both: Any, simulator: Any, endpoint: str
) -> None:
    # Without a reconnect grace a stream's run stops with its connection (with one, it stops
    # when the grace is over: tests/runtime/test_stream_resume.py).
    no_grace = {"CATALYST_STREAM_RECONNECT_MS": "0"}
    _, python_url = serve_both(WORKFLOWS["openai"], environment=no_grace)
    simulator.reset()
    question = 'a b c d e f g h i j k l m n o p [[sim {"timing":{"tokenDelayMs":100}}]]'
    import json

    body = json.dumps({"question": question}).encode()
    if endpoint == "stream":
        url = f"{python_url}/workflows/flow/stream"
        headers = {"content-type": "application/json"}
        with (
            httpx.Client(timeout=30) as client,
            client.stream("POST", url, content=body, headers=headers) as r,
        ):
            for chunk in r.iter_raw():
                if b"event: token" in chunk:
                    break
        # Leaving the block closed the connection mid-response.
    else:
        # /run answers only at the end: send the request on a raw socket and hang up mid-run.
        host, port = python_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as connection:
            head = (
                f"POST /workflows/flow/run HTTP/1.1\r\nHost: {host}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            connection.sendall(head.encode() + body)
            time.sleep(0.5)
    closed_early = None
    for _ in range(80):
        time.sleep(0.025)
        chats = [entry for entry in simulator.requests() if entry.get("operation") == "chat"]
        if chats and chats[-1].get("finished"):
            closed_early = chats[-1].get("clientClosedEarly")
            break
    assert closed_early is True


def _router(config: dict[str, Any], routers: int = 1) -> dict[str, Any]:
    """``routers`` llmRouter nodes in a row (they share the server's router state)."""
    ids = [f"r{index}" for index in range(1, routers + 1)]
    return {
        "id": "router",
        "name": "Router",
        "input": QUESTION_INPUT,
        "env": ["GREETING"],
        "nodes": [
            _node("input", "input"),
            *(_node(node_id, "llmRouter", config) for node_id in ids),
            _node("output", "output"),
        ],
        "edges": _chain("input", *ids, "output"),
    }


_GROQ = {"provider": "groq", "model": "llama-3.1-8b-instant"}
_MINI = {"provider": "openai", "model": "gpt-4.1-mini"}
_HAIKU = {"provider": "anthropic", "model": "claude-haiku-4-5"}
_CHAIN = {"prompt": "{{ input.question }}", "default": [_GROQ, _MINI, _HAIKU]}


def _fault(provider: str, **fault: Any) -> dict[str, Any]:
    return {"match": {"provider": provider}, "fault": fault}


ROUTER_CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]], str]] = [
    (
        "conditions",
        _router(
            {
                "system": "Be brief.",
                "prompt": "{{ input.question }}",
                "routes": [
                    {"name": "long", "condition": "prompt_tokens > 40", "target": _HAIKU},
                    {"condition": 'env.GREETING.startsWith("hello")', "target": [_GROQ, _MINI]},
                ],
                "default": _MINI,
            }
        ),
        [],
        "What is CEL? ünïcödé 😀",
    ),
    (
        "long-route",
        _router(
            {
                "prompt": "{{ input.question }}",
                "routes": [{"name": "long", "condition": "prompt_tokens > 40", "target": _HAIKU}],
                "default": _MINI,
            }
        ),
        [],
        "word " * 60,
    ),
    (
        "fallbacks",
        _router(_CHAIN),
        [
            _fault("groq", type="http", kind="rate_limit"),
            _fault("openai", type="http", kind="server"),
        ],
        "Hello",
    ),
    (
        "exhausted",
        _router(_CHAIN),
        [
            _fault("groq", type="http", kind="overloaded"),
            _fault("openai", type="reset"),
            _fault("anthropic", type="http", kind="overloaded"),
        ],
        "Hi",
    ),
    ("not-listed", _router(_CHAIN), [_fault("groq", type="http", kind="auth")], "Hi"),
    ("cut", _router(_CHAIN), [_fault("groq", type="disconnect", afterChunks=2)], "a b c d e f"),
    (
        "restart",
        _router({**_CHAIN, "afterTokens": "restart"}),
        [_fault("groq", type="disconnect", afterChunks=2)],
        "a b c d e f",
    ),
    (
        "context-length",
        _router(
            {
                "prompt": "{{ input.question }}",
                "default": [
                    _GROQ,
                    {"provider": "openai", "model": "gpt-4o-mini"},
                    {"provider": "gemini", "model": "gemini-2.5-flash"},
                ],
            }
        ),
        [_fault("groq", type="http", kind="context_length")],
        "Hello",
    ),
    (
        "cooldown",
        _router({**_CHAIN, "cooldown": {"failures": 1, "seconds": 60}}, routers=2),
        [_fault("groq", type="http", kind="rate_limit")],
        "Hi",
    ),
    (
        "weighted",
        _router(
            {
                "prompt": "{{ input.question }}",
                "strategy": "weighted",
                "default": [{**_MINI, "weight": 2}, {**_HAIKU, "weight": 1}],
            },
            routers=4,
        ),
        [],
        "Hi",
    ),
    (
        "cheapest",
        _router(
            {
                "prompt": "{{ input.question }}",
                "strategy": "cheapest",
                "maxTokens": 150000,
                "responseFormat": "json_object",
                "default": [_HAIKU, {"provider": "openai", "model": "gpt-4o"}, _MINI, _GROQ],
            }
        ),
        [],
        "Hello",
    ),
    (
        "bad-condition",
        _router({**_CHAIN, "routes": [{"condition": "input.question", "target": _MINI}]}),
        [],
        "Hi",
    ),
]


@pytest.mark.parametrize(
    ("workflow", "rules", "question"),
    [case[1:] for case in ROUTER_CASES],
    ids=[case[0] for case in ROUTER_CASES],
)
def test_router_is_byte_identical(
    serve_both: Any, simulator: Any, workflow: dict[str, Any], rules: list[Any], question: str
) -> None:
    import json
    import urllib.request

    def scenario(method: str, body: bytes | None) -> None:
        request = urllib.request.Request(f"{simulator.url}/_sim/scenario", method=method, data=body)
        urllib.request.urlopen(request).close()

    scenario("PUT", json.dumps({"rules": rules}).encode())
    try:
        typescript_url, python_url = serve_both(workflow)
        body = json.dumps({"question": question}).encode()
        # Each server keeps its router state across calls; both see the same sequence.
        for endpoint, stream in (("run", False), ("stream", True), ("run", False)):
            path = f"/workflows/{workflow['id']}/{endpoint}"
            typescript = call(typescript_url, "POST", path, body)
            python = call(python_url, "POST", path, body)
            assert_same(typescript, python, stream)
    finally:
        scenario("DELETE", None)
