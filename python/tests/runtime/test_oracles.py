"""Python helpers against the TypeScript functions they mirror, run by node on the same inputs:
JSON encoding, provider error messages, redaction, retry-after, input validation, cost."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from catalyst_runtime.engine.validate_input import validate_input
from catalyst_runtime.javascript import json_text
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog
from catalyst_runtime.providers.shared.provider_error import (
    PROVIDER_ERROR_KINDS,
    create_provider_error,
    redact_secrets,
    retry_after_from_headers,
)

NodeEval = Callable[[str], Any]


def _imports(name: str, path: str) -> str:
    return f"const {{ {name} }} = await import(`${{PACKAGES}}{path}`);\n"


JSON_VALUES: list[Any] = [
    1.2e-05,
    0.1 + 0.2,
    1.0,
    -0.0,
    1e21,
    1e-7,
    123456789.125,
    5e-324,
    1.7976931348623157e308,
    2**53 + 1,
    '\x00\x1f\x7f\u2028\u2029"\\/é😀',
    {"b": 1, "10": 2, "2": 3, "a": [True, None], "01": 4, "4294967295": 5},
    [[], {}, ""],
]


def test_json_matches_json_stringify(node_eval: NodeEval) -> None:
    # The values travel to node as JSON text that JSON.parse reads back to the same numbers.
    source = json.dumps(JSON_VALUES, ensure_ascii=True)
    expected = node_eval(
        f"const values = JSON.parse({json.dumps(source)});\n"
        "console.log(JSON.stringify(values.map((value) => JSON.stringify(value))));"
    )
    assert [json_text.dumps_text(value) for value in JSON_VALUES] == expected


def test_json_accepts_what_json_parse_accepts() -> None:
    for text in ("NaN", "Infinity", "-Infinity", "{'a':1}", "[1,]"):
        try:
            json_text.loads(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} should be refused")
    assert json_text.dumps_text(json_text.loads('{"x": 1.0, "y": 1e400}')) == '{"x":1,"y":null}'


ERROR_FACTS: list[dict[str, Any]] = []
for provider in ("openai", "anthropic", "gemini", "azure", "groq", "xai", "openai-compatible"):
    for kind in PROVIDER_ERROR_KINDS:
        ERROR_FACTS.append({"provider": provider, "kind": kind})
ERROR_FACTS += [
    {
        "provider": "openai",
        "kind": "auth",
        "status": 401,
        "detail": "Incorrect API key sk-abc123456789",
    },
    {"provider": "openai", "kind": "rate_limit", "status": 429, "retryAfterMs": 250},
    {
        "provider": "openai",
        "kind": "rate_limit",
        "status": 429,
        "retryAfterMs": 2500.5,
        "detail": "slow down!",
    },
    {"provider": "openai", "kind": "rate_limit", "retryAfterMs": 999.5},
    {
        "provider": "anthropic",
        "kind": "context_length",
        "model": "claude-haiku-4-5",
        "detail": "  too long \n",
    },
    {
        "provider": "gemini",
        "kind": "model_not_found",
        "status": 404,
        "model": "gemini-x",
        "detail": "nope?",
    },
    {
        "provider": "xai",
        "kind": "server",
        "status": 500,
        "detail": "key xai-abcdefghijkl leaked",
        "secrets": ["my-secret-value"],
    },
    {
        "provider": "groq",
        "kind": "invalid_request",
        "detail": "with my-secret-value inside",
        "secrets": ["my-secret-value"],
    },
    {
        "provider": "openai",
        "kind": "invalid_request",
        "detail": "Authorization: Bearer abcdefgh12345==",
    },
]


def test_provider_error_messages_match_create_provider_error(node_eval: NodeEval) -> None:
    expected = node_eval(
        _imports("createProviderError", "providers/dist/shared/create-provider-error.js")
        + f"const facts = {json.dumps(ERROR_FACTS)};\n"
        "console.log(JSON.stringify(facts.map((f) => createProviderError(f).toJSON())));"
    )
    actual = []
    for facts in ERROR_FACTS:
        error = create_provider_error(
            provider=facts["provider"],
            kind=facts["kind"],
            detail=facts.get("detail"),
            status=facts.get("status"),
            retry_after_ms=facts.get("retryAfterMs"),
            model=facts.get("model"),
            secrets=facts.get("secrets", ()),
        )
        actual.append(json.loads(json_text.dumps_text(error.to_json())))
    assert actual == expected


REDACTION_SAMPLES = [
    "sk-proj-abcdef123456 and sk-ant-api03-xyzxyzxyz",
    "gsk_abcdefghij AIzaSyA1234567890abc pa-1234567890abcd",
    "Bearer abc.def-ghi+jkl/== tail",
    "ask-question sk-short",
    "é-sk-abcdefgh",
]


def test_redaction_matches_redact_secrets(node_eval: NodeEval) -> None:
    expected = node_eval(
        _imports("redactSecrets", "providers/dist/shared/redact-secrets.js")
        + f"const samples = {json.dumps(REDACTION_SAMPLES)};\n"
        "console.log(JSON.stringify(samples.map((s) => redactSecrets(s, ['tail']))));"
    )
    assert [redact_secrets(sample, ["tail"]) for sample in REDACTION_SAMPLES] == expected


RETRY_HEADERS = [
    {"retry-after-ms": "1500"},
    {"retry-after-ms": "abc", "retry-after": "2"},
    {"retry-after": " 1.5s"},
    {"retry-after": "Infinity"},
    {"retry-after": "-1"},
    {"retry-after": ".5e1"},
    {},
]


def test_retry_after_matches(node_eval: NodeEval) -> None:
    expected = node_eval(
        _imports("retryAfterFromHeaders", "providers/dist/shared/retry-after.js")
        + f"const samples = {json.dumps(RETRY_HEADERS)};\n"
        "console.log(JSON.stringify(samples.map((h) => retryAfterFromHeaders(h) ?? null)));"
    )
    assert [retry_after_from_headers(headers) for headers in RETRY_HEADERS] == expected
    date = "Wed, 21 Oct 2015 07:28:10 GMT"
    assert retry_after_from_headers({"retry-after": date}, now=lambda: 1445412480.0) == 10_000


SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 3},
        "count": {"type": "integer", "minimum": 1, "maximum": 5.5},
        "ratio": {"type": ["number", "null"]},
        "tags": {"type": "array", "items": {"enum": ["a", 1, None]}, "minItems": 1, "maxItems": 2},
        "kind": {"const": {"x": [1]}},
        "a/b~c": {"type": "boolean"},
    },
    "required": ["name", "count", "missing/one"],
    "additionalProperties": False,
}
INPUTS: list[Any] = [
    {"name": "😀😀", "count": 3, "ratio": None, "tags": ["a"], "kind": {"x": [1]}},
    {
        "name": "x",
        "count": 2.5,
        "ratio": "no",
        "tags": [],
        "kind": 1,
        "a/b~c": 1,
        "9": 0,
        "extra": 1,
    },
    {"name": "toolong", "count": 0, "tags": ["a", 2, "c"]},
    {"count": 9},
    [],
    "text",
    None,
    1.5,
]


def test_validation_matches_validate_input(node_eval: NodeEval) -> None:
    expected = node_eval(
        _imports("validateInput", "runtime/dist/validate-input.js")
        + f"const schema = {json.dumps(SCHEMA)};\n"
        f"const inputs = {json.dumps(INPUTS)};\n"
        "console.log(JSON.stringify(inputs.map((input) => validateInput(schema, input))));"
    )
    actual = [[problem.to_json() for problem in validate_input(SCHEMA, value)] for value in INPUTS]
    assert actual == expected


USAGES = [
    ("openai", "gpt-4.1-mini", [1234, 567, 0, 100, 0]),
    ("anthropic", "claude-sonnet-4-5-20250929", [1000, 50, 0, 300, 200]),
    ("azure", "gpt-4o", [10, 10, 0, 0, 0]),
    ("gemini", "gemini-2.5-flash", [7, 3, 0, 0, 0]),
    ("openai", "no-such-model", [1, 1, 0, 0, 0]),
    ("local", "anything", [5, 5, 0, 0, 0]),
]


def test_costs_match_the_catalog(node_eval: NodeEval) -> None:
    usages = [
        {
            "inputTokens": counts[0],
            "outputTokens": counts[1],
            "totalTokens": counts[2],
            "cacheReadTokens": counts[3],
            "cacheWriteTokens": counts[4],
            "reasoningTokens": 0,
        }
        for _, _, counts in USAGES
    ]
    calls = [
        [provider, model, usage] for (provider, model, _), usage in zip(USAGES, usages, strict=True)
    ]
    expected = node_eval(
        _imports("ModelCatalog", "providers/dist/catalog/model-catalog.js")
        + f"const calls = {json.dumps(calls)};\n"
        "const catalog = ModelCatalog.default();\n"
        "const costs = calls.map(([p, m, u]) => JSON.stringify(catalog.cost(p, m, u)));\n"
        "console.log(JSON.stringify(costs));"
    )
    catalog = ModelCatalog.default()
    actual = [json_text.dumps_text(catalog.cost(p, m, u)) for p, m, u in calls]  # type: ignore[arg-type]
    assert actual == expected
