"""Checks a run input against the workflow's input schema, with the TypeScript runtime's messages
(``packages/runtime/src/validate-input.ts``), so a bad input gets the same 422 body byte for byte.

Example::

    validate_input({"type": "object", "required": ["q"]}, {})
    # [InputProblem(path='/q', message='is required')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from catalyst_runtime.javascript import json_text

__all__ = ["SUPPORTED_INPUT_KEYWORDS", "InputProblem", "validate_input"]

SUPPORTED_INPUT_KEYWORDS: frozenset[str] = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
        "description",
        "title",
        "default",
        "examples",
        "$schema",
    }
)
"""The keywords input schemas may use."""


@dataclass(frozen=True)
class InputProblem:
    """One way an input breaks the schema: a JSON Pointer and a message."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def validate_input(schema: dict[str, Any], value: Any) -> list[InputProblem]:
    """Every problem of ``value`` against ``schema``, in document order."""
    problems: list[InputProblem] = []
    _check(schema, value, "", problems)
    return problems


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _matches_type(expected: object, actual: str) -> bool:
    return expected == actual or (expected == "number" and actual == "integer")


def _with_article(type_name: str) -> str:
    if type_name == "null":
        return "null"
    return f"an {type_name}" if re.match(r"[aeiou]", type_name) else f"a {type_name}"


def _describe(value: Any) -> str:
    return json_text.dumps_text(value)


def _js_number(value: Any) -> str:
    # A number in a template literal: Number.prototype.toString.
    return json_text.dumps_text(value)


def _is_record(value: object) -> bool:
    return isinstance(value, dict)


def _check(schema: dict[str, Any], value: Any, path: str, problems: list[InputProblem]) -> None:
    def at(message: str) -> None:
        problems.append(InputProblem(path, message))

    actual = _type_of(value)
    if "type" in schema and schema["type"] is not None:
        declared = schema["type"]
        types = declared if isinstance(declared, list) else [declared]
        if not any(_matches_type(expected, actual) for expected in types):
            expected_text = " or ".join(_with_article(str(t)) for t in types)
            shown = "number" if actual == "integer" else actual
            at(f"must be {expected_text}, not {_with_article(shown)}")
            return
    if "const" in schema and _describe(schema["const"]) != _describe(value):
        at(f"must be {_describe(schema['const'])}")
    options = schema.get("enum")
    if isinstance(options, list) and not any(_describe(o) == _describe(value) for o in options):
        at(f"must be one of {', '.join(_describe(option) for option in options)}")
    if isinstance(value, str):
        length = len(value)
        min_length = schema.get("minLength")
        max_length = schema.get("maxLength")
        if _is_number(min_length) and length < min_length:
            at(f"must be at least {_js_number(min_length)} characters long")
        if _is_number(max_length) and length > max_length:
            at(f"must be at most {_js_number(max_length)} characters long")
    if _is_number(value):
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")
        if _is_number(minimum) and value < minimum:
            at(f"must be >= {_js_number(minimum)}")
        if _is_number(maximum) and value > maximum:
            at(f"must be <= {_js_number(maximum)}")
    if isinstance(value, list):
        min_items = schema.get("minItems")
        max_items = schema.get("maxItems")
        if _is_number(min_items) and len(value) < min_items:
            at(f"must have at least {_js_number(min_items)} items")
        if _is_number(max_items) and len(value) > max_items:
            at(f"must have at most {_js_number(max_items)} items")
        items = schema.get("items")
        if isinstance(items, (dict, list)) and items:
            for index, item in enumerate(value):
                _check(items, item, f"{path}/{index}", problems)  # type: ignore[arg-type]
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in value:
                problems.append(InputProblem(f"{path}/{_escape_pointer(name)}", "is required"))
        for name, item in _json_entries(value):
            property_schema = properties.get(name) if isinstance(properties, dict) else None
            if property_schema:
                _check(property_schema, item, f"{path}/{_escape_pointer(name)}", problems)
            elif schema.get("additionalProperties") is False:
                problems.append(InputProblem(f"{path}/{_escape_pointer(name)}", "is not allowed"))


def _json_entries(value: dict[str, Any]) -> list[tuple[str, Any]]:
    # Object.entries follows JavaScript's key order: array indices first, ascending.
    return json_text.ordered_items(value)


def _escape_pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
