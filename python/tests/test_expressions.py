"""The shared expression vectors (conformance/expressions/vectors.json) against the Python runtime.

The TypeScript twin is packages/workflow/src/expressions/expression-vectors.test.ts; both must pass
the same file unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from catalyst_runtime.workflow.expressions import (
    ExpressionError,
    TemplateExpressionPart,
    TemplatePart,
    check_expression,
    evaluate_expression,
    format_double,
    parse_template,
    render_template,
)

VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "expressions" / "vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]


def _part_as_json(part: TemplatePart) -> dict[str, Any]:
    if isinstance(part, TemplateExpressionPart):
        return {
            "type": "expression",
            "source": part.source,
            "start": part.start,
            "end": part.end,
            "sourceStart": part.source_start,
        }
    return {"type": "text", "text": part.text, "start": part.start, "end": part.end}


def _run(vector: dict[str, Any]) -> dict[str, Any]:
    scope = vector.get("scope", {})
    kind = vector["kind"]
    if kind == "evaluate":
        return {"value": evaluate_expression(vector["source"], scope)}
    if kind == "template":
        return {"text": render_template(vector["source"], scope)}
    if kind == "check":
        errors = check_expression(vector["source"])
        if errors:
            raise errors[0]
        return {"valid": True}
    if kind == "parse":
        return {"parts": [_part_as_json(part) for part in parse_template(vector["source"])]}
    raise AssertionError(f"unknown vector kind: {kind}")


def test_vector_file_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 80
    assert len({vector["name"] for vector in CASES}) == len(CASES)


@pytest.mark.parametrize("vector", CASES, ids=[vector["name"] for vector in CASES])
def test_vector(vector: dict[str, Any]) -> None:
    expected = vector["expected"]
    if "error" not in expected:
        result = _run(vector)
        assert result == expected
        # JSON cannot tell 1 from 1.0 and neither can the TypeScript runtime, but a bool must never
        # come back where a number was expected (Python's True == 1).
        if "value" in expected:
            assert type(result["value"]) is type(expected["value"]) or {
                type(result["value"]),
                type(expected["value"]),
            } <= {int, float}
        return
    with pytest.raises(ExpressionError) as caught:
        _run(vector)
    error = caught.value
    assert error.kind == expected["error"]["kind"], error.detail
    if "messageContains" in expected["error"]:
        assert expected["error"]["messageContains"] in error.detail
    for field in ("offset", "line", "column"):
        if field in expected["error"]:
            assert error.position is not None, error.detail
            assert getattr(error.position, field) == expected["error"][field], error.detail


def test_error_message_carries_the_position() -> None:
    errors = check_expression("a b")
    assert [str(error) for error in errors] == [
        "syntax error: extraneous input 'b' expecting <EOF> (line 1, column 3)"
    ]


def test_format_double_matches_javascript_layout() -> None:
    assert [format_double(value) for value in (3.0, 1e21, 1e-7, 123456789012345680000.0)] == [
        "3",
        "1e+21",
        "1e-7",
        "123456789012345680000",
    ]


def test_a_path_expression_keeps_the_key_order_of_the_scope() -> None:
    # The CEL engine returns maps in hash order; JavaScript keeps insertion order.
    from catalyst_runtime.workflow.expressions import evaluate_expression

    node = {f"k{index}": {"z": index, "a": [{"y": 1, "b": 2}]} for index in range(40, 0, -1)}
    scope: dict[str, Any] = {"nodes": {"embed": node}, "input": {}}
    for source in ("nodes.embed", " nodes . embed ", 'nodes["embed"]'):
        result = evaluate_expression(source, scope)
        assert json.dumps(result) == json.dumps(node)
    assert list(evaluate_expression("nodes.embed.k3.a[0]", scope)) == ["y", "b"]


def test_a_path_to_a_string_is_taken_from_the_scope_and_everything_else_still_from_the_engine() -> (
    None
):
    scope: dict[str, Any] = {
        "input": {"question": "Hi", "count": 5.0, "in": "x", "items": ["a", {"b": "c"}]},
        "nodes": {"answer": {"text": "Hello"}},
    }
    # Strings by path: the scope's own string, spaces and brackets as the engine reads them.
    assert render_template("Q: {{ input.question }} A: {{nodes . answer.text}}", scope) == (
        "Q: Hi A: Hello"
    )
    assert evaluate_expression('input.items[1]["b"]', scope) == "c"
    # Not a string: the engine's value (5.0 is the int 5 there), as before.
    assert evaluate_expression("input.count", scope) == 5
    # What the engine refuses stays refused: a reserved word as a field, a missing key.
    with pytest.raises(ExpressionError, match="syntax error"):
        evaluate_expression("input.in", scope)
    with pytest.raises(ExpressionError, match="no such key: missing"):
        evaluate_expression("input.missing", scope)
    # A string the engine cannot take (a lone surrogate) still goes to the engine, which fails.
    with pytest.raises(ValueError, match="Failed to convert"):
        evaluate_expression("input.bad", {"input": {"bad": "\ud800"}})
