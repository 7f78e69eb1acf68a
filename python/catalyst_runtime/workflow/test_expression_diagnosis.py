"""Error messages the engine words without operands, matched to TypeScript's (each expected
message is what ``evaluateExpression`` of packages/workflow answers for the same source)."""

from __future__ import annotations

from typing import Any

import pytest

from catalyst_runtime.workflow.expressions import ExpressionError, evaluate_expression

SCOPE: dict[str, Any] = {"input": {"items": [1]}}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("null < 1", "no such overload: null < int"),
        ("[1] < 1", "no such overload: list<int> < int"),
        ("{'a':1} < 1", "no such overload: map<string, int> < int"),
        ("b'a' < 1", "no such overload: bytes < int"),
        ("(1 + 2) < 'x' && true", "no such overload: int < string"),
        ("'a' + 1", "no such overload: string + int"),
        ("[[1]][0][3]", "index out of bounds: index 3 >= size 1"),
        ("size(input.items[5])", "index out of bounds: index 5 >= size 1"),
        ("{'a':[1]}.a[2]", "index out of bounds: index 2 >= size 1"),
        ("int('99999999999999999999')", "int() type error: cannot convert to int"),
        ("0.0 / 0.0", "double out of JSON range: NaN (results must be finite numbers)"),
        ("[1.0 / 0.0][0]", "double out of JSON range: +Inf (results must be finite numbers)"),
    ],
)
def test_messages_name_the_operands_as_typescript_does(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        evaluate_expression(source, SCOPE)
    assert raised.value.kind == "evaluation"
    assert raised.value.detail == message


def test_comparisons_of_non_finite_values_still_work() -> None:
    assert evaluate_expression("1e300 * 1e10 > 1.0", {}) is True
    assert evaluate_expression("1 < 2.0", {}) is True
