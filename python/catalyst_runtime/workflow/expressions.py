"""The Catalyst expression language: CEL in ``{{ … }}`` template holes and router conditions.

This is the Python twin of Catalyst's TypeScript expression language and gives the same results
on Catalyst's shared expression vectors. The CEL engine is the ``cel`` package
(``common-expression-language``, Rust-backed); where it differs from the CEL specification or from
the TypeScript runtime, this module normalises, and each normalisation is marked ``Normalisation:``.

Example::

    evaluate_expression('size(input.text) > 1000', {"input": {"text": "short"}})  # False
    render_template("Hi {{ input.name }}!", {"input": {"name": "Ada"}})  # 'Hi Ada!'
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import cel

from catalyst_runtime.javascript.numbers import format_double
from catalyst_runtime.workflow.expression_diagnosis import (
    diagnose_comparison_error,
    diagnose_index_error,
)

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "SUPPORTED_FUNCTIONS",
    "ExpressionError",
    "ExpressionErrorKind",
    "JsonValue",
    "SourcePosition",
    "TemplateExpressionPart",
    "TemplatePart",
    "TemplateTextPart",
    "check_expression",
    "check_template",
    "evaluate_expression",
    "format_double",
    "parse_template",
    "render_template",
    "to_compact_json",
    "value_to_text",
]

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
"""Any JSON value, as ``json.loads`` returns it."""

ExpressionErrorKind = Literal["syntax", "evaluation"]

MAX_EXPRESSION_LENGTH = 4096
"""Longest expression accepted, in code points; the same limit applies in TypeScript."""

SUPPORTED_FUNCTIONS: tuple[str, ...] = (
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "dyn",
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
)
"""Every function and macro an expression may call: the TypeScript runtime's list."""

# The names the engine reports for operators; they are always allowed.
_OPERATORS = frozenset(
    {
        "_+_",
        "_-_",
        "_*_",
        "_/_",
        "_%_",
        "_==_",
        "_!=_",
        "_<_",
        "_<=_",
        "_>_",
        "_>=_",
        "_&&_",
        "_||_",
        "!_",
        "-_",
        "@in",
        "_[_]",
        "_?_:_",
        "@not_strictly_false",
    }
)

_MAX_SAFE_INTEGER = 2**53 - 1


@dataclass(frozen=True)
class SourcePosition:
    """Where something sits in source text; every number counts Unicode code points."""

    offset: int
    """Zero-based code point offset."""
    line: int
    """One-based line; lines end at ``\\n``."""
    column: int
    """One-based column in code points."""


class ExpressionError(Exception):
    """The one error expressions raise.

    ``kind`` is ``"syntax"`` (does not parse, or calls an unsupported function) or
    ``"evaluation"`` (failed against a scope). ``detail`` is the message without position and is
    identical to the TypeScript runtime's; ``str(error)`` adds ``(line L, column C)`` when known.
    """

    def __init__(
        self,
        kind: ExpressionErrorKind,
        message: str,
        source: str,
        position: SourcePosition | None = None,
    ) -> None:
        where = "" if position is None else f" (line {position.line}, column {position.column})"
        super().__init__(f"{message}{where}")
        self.kind: ExpressionErrorKind = kind
        self.detail = message
        self.source = source
        self.position = position


def _position_at(text: str, offset: int) -> SourcePosition:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return SourcePosition(offset=offset, line=line, column=column)


# ---------------------------------------------------------------------------------------------
# Templates


@dataclass(frozen=True)
class TemplateTextPart:
    """Literal template text; escapes already applied (``\\{{`` became ``{{``)."""

    text: str
    start: int
    end: int
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class TemplateExpressionPart:
    """One ``{{ … }}`` hole: ``source`` is the untrimmed CEL between the braces."""

    source: str
    start: int
    end: int
    source_start: int
    type: Literal["expression"] = "expression"


TemplatePart = TemplateTextPart | TemplateExpressionPart

_OPEN = "{{"
_CLOSE = "}}"


_templates: dict[str, tuple[TemplatePart, ...]] = {}
"""Parsed templates by their text (a pure function of it, so never stale); a run renders the
same few prompts every time."""


def parse_template(text: str) -> list[TemplatePart]:
    """Split a template into literal text and ``{{ expression }}`` holes.

    Same rules as TypeScript's ``parseTemplate``: a hole ends at the first ``}}`` outside a CEL
    string literal or ``//`` comment; ``\\{{`` is a literal ``{{``; an unterminated or empty hole is
    a syntax error at its ``{{``. Offsets count code points.
    """
    parts = _templates.get(text)
    if parts is None:
        parts = tuple(_parse_template(text))
        if len(_templates) >= _CACHE_LIMIT:
            _templates.clear()
        _templates[text] = parts
    # A list of its own: the parts are frozen, the list is the caller's.
    return list(parts)


def _parse_template(text: str) -> list[TemplatePart]:
    parts: list[TemplatePart] = []
    literal: list[str] = []
    literal_start = 0
    index = 0

    def flush(end: int) -> None:
        if literal:
            parts.append(TemplateTextPart(text="".join(literal), start=literal_start, end=end))
            literal.clear()

    while index < len(text):
        if text[index] == "\\" and text.startswith(_OPEN, index + 1):
            literal.append(_OPEN)
            index += 1 + len(_OPEN)
            continue
        if not text.startswith(_OPEN, index):
            literal.append(text[index])
            index += 1
            continue
        flush(index)
        source_start = index + len(_OPEN)
        close = _find_hole_end(text, source_start)
        if close == -1:
            raise ExpressionError(
                "syntax",
                'unterminated expression: "{{" has no matching "}}"',
                text,
                _position_at(text, index),
            )
        source = text[source_start:close]
        if not source.strip():
            raise ExpressionError(
                "syntax",
                'empty expression: "{{ }}" needs an expression inside',
                text,
                _position_at(text, index),
            )
        end = close + len(_CLOSE)
        parts.append(
            TemplateExpressionPart(source=source, start=index, end=end, source_start=source_start)
        )
        index = end
        literal_start = index
    flush(len(text))
    return parts


def _find_hole_end(text: str, start: int) -> int:
    index = start
    while index < len(text):
        character = text[index]
        if character == "}" and text.startswith("}", index + 1):
            return index
        if character in "\"'":
            index = _skip_string_literal(text, index, _is_raw_prefix(text, index, start))
            continue
        if character == "/" and text.startswith("/", index + 1):
            newline = text.find("\n", index)
            if newline == -1:
                return -1
            index = newline + 1
            continue
        index += 1
    return -1


def _is_raw_prefix(text: str, quote_index: int, lower_bound: int) -> bool:
    index = quote_index - 1
    raw = False
    for _ in range(2):
        if index < lower_bound:
            break
        letter = text[index]
        if letter in "rR":
            raw = True
        elif letter not in "bB":
            break
        index -= 1
    return raw


def _skip_string_literal(text: str, quote_index: int, raw: bool) -> int:
    quote = text[quote_index]
    triple = quote * 3
    is_triple = text.startswith(triple, quote_index)
    index = quote_index + (3 if is_triple else 1)
    while index < len(text):
        character = text[index]
        if character == "\\" and not raw:
            index += 2
            continue
        if is_triple:
            if text.startswith(triple, index):
                return index + 3
        else:
            if character == quote:
                return index + 1
            if character == "\n":
                return index
        index += 1
    return len(text)


def check_template(text: str) -> list[ExpressionError]:
    """Check a template without rendering it; positions are positions in the template."""
    try:
        parts = parse_template(text)
    except ExpressionError as error:
        return [error]
    errors: list[ExpressionError] = []
    for part in parts:
        if isinstance(part, TemplateExpressionPart):
            errors.extend(
                _in_template(error, text, part.source_start)
                for error in check_expression(part.source)
            )
    return errors


def render_template(text: str, scope: Mapping[str, JsonValue]) -> str:
    """Render a template: each hole becomes its value as text (see :func:`value_to_text`)."""
    output: list[str] = []
    for part in parse_template(text):
        if isinstance(part, TemplateTextPart):
            output.append(part.text)
            continue
        try:
            output.append(value_to_text(_evaluate_to_value(part.source, scope)))
        except ExpressionError as error:
            raise _in_template(error, text, part.source_start) from error
    return "".join(output)


def _in_template(error: ExpressionError, template: str, source_start: int) -> ExpressionError:
    position = (
        None
        if error.position is None
        else _position_at(template, source_start + error.position.offset)
    )
    return ExpressionError(error.kind, error.detail, template, position)


# ---------------------------------------------------------------------------------------------
# Values and text


def to_compact_json(value: object) -> str:
    """Compact JSON with map keys sorted by code point, as TypeScript's ``toCompactJson``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, bytes):
        return _json_string(base64.b64encode(value).decode("ascii"))
    if isinstance(value, list):
        return "[" + ",".join(to_compact_json(element) for element in value) + "]"
    if isinstance(value, dict):
        items = sorted((_map_key(key), entry) for key, entry in value.items())
        return (
            "{"
            + ",".join(f"{_json_string(key)}:{to_compact_json(entry)}" for key, entry in items)
            + "}"
        )
    raise TypeError(f"not an expression value: {type(value).__name__}")


def _json_string(text: str) -> str:
    # json.dumps with ensure_ascii=False escapes exactly what JSON.stringify escapes: quote,
    # backslash, and control characters below U+0020 (\b \f \n \r \t or lowercase \u00XX).
    return json.dumps(text, ensure_ascii=False)


def _map_key(key: object) -> str:
    # CEL map keys may be bool, int or string; JSON keys are strings.
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def value_to_text(value: object) -> str:
    """Turn a hole's value into text: strings as is, ints exact, doubles per :func:`format_double`,
    ``true``/``false``, null as the empty string, bytes as base64, lists and maps as
    :func:`to_compact_json`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return to_compact_json(value)


# ---------------------------------------------------------------------------------------------
# Compiling and evaluating


@dataclass(frozen=True)
class _Compiled:
    program: cel.Program


_cache: dict[str, _Compiled] = {}
_CACHE_LIMIT = 1000

# Normalisation: the engine's own size() counts UTF-8 bytes of a string and its string() lacks
# bool and prints doubles differently from TypeScript; registered Python functions only act as a
# fallback when no native overload matches, so calls to these names are renamed (outside string
# literals) to our implementations before compiling.
_RENAMED = {"size": "catalyst_size", "string": "catalyst_string"}


def _size(value: object) -> int:
    if isinstance(value, (str, bytes, list, dict)):
        return len(value)  # str: code points, as the CEL spec and TypeScript count.
    raise TypeError(f"no such overload: size({_type_name(value)})")


def _string(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    raise TypeError(f"no such overload: string({_type_name(value)})")


_FUNCTIONS: dict[str, Callable[..., object]] = {"catalyst_size": _size, "catalyst_string": _string}


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def _rename_calls(source: str) -> str:
    output: list[str] = []
    index = 0
    while index < len(source):
        character = source[index]
        if character in "\"'":
            end = _skip_string_literal(source, index, _is_raw_prefix(source, index, 0))
            output.append(source[index:end])
            index = end
            continue
        if character == "/" and source.startswith("/", index + 1):
            newline = source.find("\n", index)
            end = len(source) if newline == -1 else newline
            output.append(source[index:end])
            index = end
            continue
        match = _IDENTIFIER.match(source, index)
        if match is not None:
            name = match.group(0)
            after = source[match.end() :].lstrip()
            output.append(_RENAMED[name] if name in _RENAMED and after.startswith("(") else name)
            index = match.end()
            continue
        output.append(character)
        index += 1
    return "".join(output)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARSE_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*)")


def _compile(source: str) -> _Compiled:
    cached = _cache.get(source)
    if cached is not None:
        return cached
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            "syntax",
            f"expression is too long: {len(source)} characters"
            f" (the limit is {MAX_EXPRESSION_LENGTH})",
            source,
        )
    if not source.strip():
        raise ExpressionError("syntax", "empty expression", source)
    try:
        original = cel.compile(source)
    except ValueError as error:
        raise _syntax_error(str(error), source) from None
    except RecursionError:
        raise ExpressionError("syntax", "expression is too deeply nested", source) from None
    for name in original.functions():
        if name not in _OPERATORS and name not in SUPPORTED_FUNCTIONS:
            raise ExpressionError(
                "syntax", f"unknown function: {name}", source, _call_position(source, name)
            )
    if "__proto__" in original.variables():
        # Normalisation: TypeScript's parser reserves this identifier; reject it here too.
        raise ExpressionError(
            "syntax",
            "syntax error: reserved identifier: __proto__",
            source,
            _position_at(source, source.find("__proto__")),
        )
    compiled = _Compiled(program=cel.compile(_rename_calls(source)))
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[source] = compiled
    return compiled


def _call_position(source: str, name: str) -> SourcePosition | None:
    # The engine does not say where a function is called; both runtimes report the first call of
    # that name in the text.
    match = re.search(rf"(?<![A-Za-z0-9_$]){re.escape(name)}\s*\(", source)
    return None if match is None else _position_at(source, match.start())


def _syntax_error(text: str, source: str) -> ExpressionError:
    match = _PARSE_ERROR.search(text)
    if match is None:
        return ExpressionError(
            "syntax", f"syntax error: {_lower_first(text.splitlines()[0])}", source
        )
    line, column, message = int(match.group(1)), int(match.group(2)), match.group(3)
    message = message.removeprefix("Syntax error: ")
    lines = source.split("\n")
    offset = sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1
    return ExpressionError(
        "syntax", f"syntax error: {_lower_first(message)}", source, _position_at(source, offset)
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_expression(source: str) -> list[ExpressionError]:
    """Check an expression without evaluating it: it must parse and call only supported functions.

    Returns the problems found (at most one today); empty means well formed.
    """
    try:
        _compile(source)
    except ExpressionError as error:
        return [error]
    return []


def _to_cel(value: JsonValue) -> object:
    # The number rule, shared with TypeScript: an integral JSON number within ±(2^53 - 1) is a
    # CEL int, every other number a double. JavaScript cannot tell 5 from 5.0, so 5.0 is an int
    # here too.
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INTEGER else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) <= _MAX_SAFE_INTEGER else value
    if isinstance(value, list):
        return [_to_cel(element) for element in value]
    return {str(key): _to_cel(entry) for key, entry in value.items()}


def _evaluate_to_value(source: str, scope: Mapping[str, JsonValue]) -> object:
    compiled = _compile(source)
    # A path to a string (`input.question`, `nodes.answer.text`, the usual hole of a prompt)
    # evaluates to that very string: taken from the scope, without building the engine's
    # context of the whole scope, which cost more than the rest of rendering a prompt. A string
    # the engine could not take (a lone surrogate) still goes to the engine, for its error.
    found = _path_value(source, scope)
    if type(found) is str and (found.isascii() or _is_utf8(found)):
        return found
    context = cel.Context(
        variables={name: _to_cel(value) for name, value in scope.items()},
        functions=_FUNCTIONS,
    )
    try:
        result: object = compiled.program.execute(context)
    except RecursionError:
        raise ExpressionError("evaluation", "expression is too deeply nested", source) from None
    except Exception as error:  # noqa: BLE001 — every engine failure becomes an ExpressionError.

        def evaluate_piece(text: str) -> object:
            return cel.compile(_rename_calls(text)).execute(context)

        message = _evaluation_message(error, source, evaluate_piece)
        raise ExpressionError("evaluation", message, source) from None
    return _check_result(result, source)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_result(value: object, source: str) -> object:
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, list):
        return [_check_result(element, source) for element in value]
    if isinstance(value, dict):
        return {_map_key(key): _check_result(entry, source) for key, entry in value.items()}
    raise ExpressionError("evaluation", f"unsupported result type: {_type_name(value)}", source)


_FAILED_CALL = re.compile(r"Python function call failed: \w+: (.*?)\. Check function arguments")


_CONVERSION_FAILED = re.compile(
    r"function '(int|uint|double)' error: string parse error", re.IGNORECASE
)
_INDEX_OUT_OF_BOUNDS = re.compile(r"^index out of bounds: (-?\d+)$")
_UNSUPPORTED_OPERATION = re.compile(r"^Unsupported operation: (\S+ \S+ \S+)\.")


def _evaluation_message(
    error: Exception, source: str, evaluate_piece: Callable[[str], object]
) -> str:
    """Map the engine's errors onto the messages TypeScript reports (its compile-expression);
    where the engine leaves out the operands, :mod:`expression_diagnosis` finds them."""
    text = str(error).split("\n")[0]
    if isinstance(error, KeyError):
        return f"no such key: {error.args[0] if error.args else ''}"
    if isinstance(error, ZeroDivisionError):
        return "modulo by zero" if "modulo" in text else "division by zero"
    if isinstance(error, OverflowError):
        return "integer overflow"
    if isinstance(error, IndexError):
        out_of_bounds = _INDEX_OUT_OF_BOUNDS.match(text)
        if out_of_bounds is not None:
            index = int(out_of_bounds.group(1))
            return diagnose_index_error(source, evaluate_piece, index) or text
        return text
    conversion = _CONVERSION_FAILED.search(text)
    if conversion is not None:
        # Normalisation: the engine words a string that is not a number of the type in Rust's
        # terms (`invalid digit found in string`); TypeScript's message names the conversion.
        name = conversion.group(1)
        return f"{name}() type error: cannot convert to {name}"
    failed = _FAILED_CALL.search(text)
    if failed is not None:
        return failed.group(1)
    unsupported = _UNSUPPORTED_OPERATION.match(text)
    if unsupported is not None:
        return f"no such overload: {unsupported.group(1)}"
    if isinstance(error, TypeError) and text.startswith("No such overload"):
        diagnosed = diagnose_comparison_error(source, evaluate_piece)
        if diagnosed is not None:
            return diagnosed
    undefined = re.match(r"Undefined variable or function: '([^']*)'", text)
    if undefined is not None:
        return f"unknown variable: {undefined.group(1)}"
    if "not a valid regex" in text or "regex parse error" in str(error):
        return f"invalid regular expression: {text}"
    if isinstance(error, TypeError):
        return f"no such overload: {text}"
    return _lower_first(text)


def evaluate_expression(source: str, scope: Mapping[str, JsonValue]) -> JsonValue:
    """Evaluate one CEL expression against a JSON scope and return the result as JSON.

    Ints beyond ±(2^53 - 1) are an evaluation error (a JSON number in JavaScript cannot hold them);
    bytes become base64 strings.

    Raises:
        ExpressionError: ``syntax`` when it does not parse, ``evaluation`` when it fails.
    """
    result = _to_json(_evaluate_to_value(source, scope), source)
    reference = _path_value(source, scope)
    return result if reference is _NO_PATH else _order_like(result, reference)


# The CEL engine hands maps back in hash order; JavaScript keeps insertion order. A path
# expression (`nodes.embed`, `input.items[0]`) returns a value from the scope, so its maps are put
# back in the scope's key order.
_NO_PATH = object()
_PATH_START = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
_PATH_STEP = re.compile(
    r"\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(\d+)\s*\]|\[\s*\"([^\"\\]*)\"\s*\])"
)


_Path = tuple[str, tuple[tuple[str | None, int | None], ...]]
"""A path expression: the root variable and each step (a key, or an index)."""
_paths: dict[str, _Path | None] = {}
"""Path expressions by source (None: not a path); a pure function of the source."""


def _parse_path(source: str) -> _Path | None:
    start = _PATH_START.match(source)
    if start is None:
        return None
    steps: list[tuple[str | None, int | None]] = []
    position = start.end()
    while position < len(source.rstrip()):
        step = _PATH_STEP.match(source, position)
        if step is None:
            return None
        name, index, key = step.groups()
        field = name if name is not None else key
        steps.append((field, None if index is None else int(index)))
        position = step.end()
    return start.group(1), tuple(steps)


def _path_value(source: str, scope: Mapping[str, JsonValue]) -> object:
    if source in _paths:
        path = _paths[source]
    else:
        path = _parse_path(source)
        if len(_paths) >= _CACHE_LIMIT:
            _paths.clear()
        _paths[source] = path
    if path is None or path[0] not in scope:
        return _NO_PATH
    value: object = scope[path[0]]
    for field, index in path[1]:
        if field is not None and isinstance(value, dict) and field in value:
            value = value[field]
        elif index is not None and isinstance(value, list) and index < len(value):
            value = value[index]
        else:
            return _NO_PATH
    return value


def _order_like(value: JsonValue, reference: object) -> JsonValue:
    if isinstance(value, dict) and isinstance(reference, dict) and value.keys() == reference.keys():
        return {key: _order_like(value[key], reference[key]) for key in reference}
    if isinstance(value, list) and isinstance(reference, list) and len(value) == len(reference):
        return [
            _order_like(item, original) for item, original in zip(value, reference, strict=True)
        ]
    return value


def _to_json(value: object, source: str) -> JsonValue:
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no infinity or NaN (JSON.stringify would silently print null).
        sign = "NaN" if math.isnan(value) else "+Inf" if value > 0 else "-Inf"
        raise ExpressionError(
            "evaluation",
            f"double out of JSON range: {sign} (results must be finite numbers)",
            source,
        )
    if value is None or isinstance(value, (bool, float, str)):
        return value
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise ExpressionError(
                "evaluation",
                f"integer out of JSON range: {value} (results must be within ±9007199254740991)",
                source,
            )
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_to_json(element, source) for element in value]
    if isinstance(value, dict):
        return {str(key): _to_json(entry, source) for key, entry in value.items()}
    raise ExpressionError("evaluation", f"unsupported result type: {_type_name(value)}", source)
