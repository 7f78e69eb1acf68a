"""Templates and path expressions parsed once per text: the same answers as parsing anew, and
nothing one caller does to a result reaches the next."""

from __future__ import annotations

import pytest

from catalyst_runtime.workflow import expressions
from catalyst_runtime.workflow.expressions import (
    ExpressionError,
    JsonValue,
    TemplateExpressionPart,
    TemplateTextPart,
    evaluate_expression,
    parse_template,
    render_template,
)


def test_a_template_parsed_again_is_the_same_and_the_callers_own() -> None:
    text = "Say {{ input.q }} \\{{ twice"
    first = parse_template(text)
    assert first == expressions._parse_template(text)
    first.append(TemplateTextPart(text="added by a caller", start=0, end=0))
    second = parse_template(text)
    assert second == expressions._parse_template(text) and second is not first
    assert isinstance(second[1], TemplateExpressionPart) and second[1].source == " input.q "


def test_a_template_that_does_not_parse_fails_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ExpressionError, match="unterminated"):
            parse_template("hi {{ input.q")
    assert "hi {{ input.q" not in expressions._templates


def test_a_path_parsed_once_is_followed_in_each_scope() -> None:
    source = 'input.items[1]["a b"].name'
    found: dict[str, JsonValue] = {"input": {"items": [{}, {"a b": {"name": "yes"}}]}}
    short: dict[str, JsonValue] = {"input": {"items": [{}]}}
    wrong_type: dict[str, JsonValue] = {"input": {"items": {"1": {"a b": {"name": "no"}}}}}
    assert expressions._path_value(source, found) == "yes"
    assert expressions._path_value(source, short) is expressions._NO_PATH
    assert expressions._path_value(source, wrong_type) is expressions._NO_PATH
    assert expressions._path_value(source, {"nodes": {}}) is expressions._NO_PATH
    assert expressions._path_value("input.q + 1", found) is expressions._NO_PATH
    assert render_template('{{ input.items[1]["a b"].name }}!', found) == "yes!"
    # Not a path: the engine evaluates it, against each scope.
    assert evaluate_expression("size(input.items)", found) == 2
    assert evaluate_expression("size(input.items)", short) == 1
