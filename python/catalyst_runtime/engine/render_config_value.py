"""Rendering a node's config templates (``render-config-value.ts``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalyst_runtime.engine.node_failure import expression_failure
from catalyst_runtime.javascript.json_text import ordered_items
from catalyst_runtime.workflow.expressions import (
    ExpressionError,
    TemplateExpressionPart,
    evaluate_expression,
    parse_template,
    render_template,
)

__all__ = [
    "render_deep",
    "render_template_text",
    "render_template_value",
]


def render_template_value(node: str, field: str, text: str, scope: Mapping[str, Any]) -> Any:
    """A string that is exactly one ``{{ … }}`` hole keeps the expression's type."""
    try:
        parts = parse_template(text)
        if len(parts) == 1 and isinstance(parts[0], TemplateExpressionPart):
            return evaluate_expression(parts[0].source, scope)
        return render_template(text, scope)
    except ExpressionError as error:
        raise expression_failure(node, field, error) from error


def render_template_text(node: str, field: str, text: str, scope: Mapping[str, Any]) -> str:
    """A template that must produce text (prompts, system messages)."""
    try:
        return render_template(text, scope)
    except ExpressionError as error:
        raise expression_failure(node, field, error) from error


def render_deep(node: str, field: str, value: Any, scope: Mapping[str, Any]) -> Any:
    """Every string below ``value`` rendered as a template (``value.**`` fields)."""
    if isinstance(value, str):
        return render_template_value(node, field, value, scope)
    if isinstance(value, list):
        return [
            render_deep(node, f"{field}[{index}]", item, scope) for index, item in enumerate(value)
        ]
    if isinstance(value, dict):
        return {
            key: render_deep(node, f"{field}.{key}", item, scope)
            for key, item in ordered_items(value)
        }
    return value
