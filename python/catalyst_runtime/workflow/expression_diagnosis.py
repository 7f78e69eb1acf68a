"""Names what failed when the CEL engine's own message does not (``index out of bounds: 2``, a
bare "No such overload" for a comparison): finds the index or comparison in the source, evaluates
its operands on their own, and words the error as the TypeScript runtime does
(``index out of bounds: index 2 >= size 2``, ``no such overload: string < int``). Only the error
path runs this; when an operand cannot be evaluated alone (a macro variable), it gives up and the
engine's message stands.

Example::

    diagnose_index_error("[1, 2][2]", evaluate, 2)  # 'index out of bounds: index 2 >= size 2'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["cel_type_name", "diagnose_comparison_error", "diagnose_index_error"]

Evaluate = Callable[[str], object]
"""Evaluates a piece of the source in the failing expression's scope (raises on failure)."""

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>[rRbB]{0,2}(?:'''|\"\"\"|'|\"))
      | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[uU]?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<operator><=|>=|==|!=|&&|\|\||[-+*/%<>!?:.,()\[\]{}])
    )""",
    re.VERBOSE,
)
_RELATIONS = {"<", "<=", ">", ">="}
# What ends an operand of a relation, on either side (lower or equal precedence, or a bracket).
_RELATION_BOUNDARY = {"&&", "||", "?", ":", ",", "==", "!=", "in", *_RELATIONS}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {value: key for key, value in _OPENERS.items()}


def _tokens(source: str) -> list[tuple[str, int, int]]:
    """(text, start, end) of each token; string literals are one token."""
    tokens: list[tuple[str, int, int]] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            break
        start = match.start(match.lastgroup or 0)
        if match.lastgroup == "string":
            quote = match.group("string").lstrip("rRbB")
            raw = "r" in match.group("string").lower()
            end = start + len(match.group("string"))
            while end < len(source) and not source.startswith(quote, end):
                end += 2 if source[end] == "\\" and not raw else 1
            end = min(len(source), end + len(quote))
            tokens.append(("'string'", start, end))
            position = end
            continue
        tokens.append((match.group(match.lastgroup or 0), start, match.end()))
        position = match.end()
    return tokens


def _matching(tokens: list[tuple[str, int, int]], index: int, step: int) -> int:
    """The index of the bracket matching ``tokens[index]``, scanning by ``step`` (±1)."""
    depth = 0
    position = index
    while 0 <= position < len(tokens):
        text = tokens[position][0]
        if text in (_OPENERS if step > 0 else _CLOSERS):
            depth += 1
        elif text in (_CLOSERS if step > 0 else _OPENERS):
            depth -= 1
            if depth == 0:
                return position
        position += step
    return -1


def cel_type_name(value: object) -> str:
    """The CEL type of a value, as TypeScript's messages print it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, list):
        return f"list<{_common_type(value)}>"
    if isinstance(value, dict):
        return f"map<{_common_type(list(value))}, {_common_type(list(value.values()))}>"
    return type(value).__name__


def _common_type(values: list[object]) -> str:
    names = {cel_type_name(value) for value in values}
    return names.pop() if len(names) == 1 else "dyn"


def _try(evaluate: Evaluate, text: str) -> tuple[bool, object]:
    try:
        return True, evaluate(text)
    except Exception:  # noqa: BLE001 - an operand that fails alone is not the culprit
        return False, None


def diagnose_comparison_error(source: str, evaluate: Evaluate) -> str | None:
    """``no such overload: string < int`` for the first comparison whose operands evaluate but
    cannot be compared; None when none is found."""
    tokens = _tokens(source)
    for index, (text, _, _) in enumerate(tokens):
        if text not in _RELATIONS:
            continue
        left = _operand(tokens, index, -1)
        right = _operand(tokens, index, +1)
        if left is None or right is None:
            continue
        left_text, right_text = source[left[0] : left[1]], source[right[0] : right[1]]
        left_ok, left_value = _try(evaluate, left_text)
        right_ok, right_value = _try(evaluate, right_text)
        if not (left_ok and right_ok):
            continue
        compared, _ = _try(evaluate, f"({left_text}) {text} ({right_text})")
        if not compared:
            return (
                f"no such overload: {cel_type_name(left_value)} {text} {cel_type_name(right_value)}"
            )
    return None


def _operand(tokens: list[tuple[str, int, int]], index: int, step: int) -> tuple[int, int] | None:
    """Source span of the operand beside the relation at ``tokens[index]``."""
    position = index + step
    first = last = None
    while 0 <= position < len(tokens):
        text = tokens[position][0]
        if text in _RELATION_BOUNDARY:
            break
        if text in (_OPENERS if step > 0 else _CLOSERS):
            position = _matching(tokens, position, step)
            if position < 0:
                return None
        elif text in (_CLOSERS if step > 0 else _OPENERS):
            break
        if first is None:
            first = index + step
        last = position
        position += step
    if first is None or last is None:
        return None
    low, high = sorted((first, last))
    return tokens[low][1], tokens[high][2]


def diagnose_index_error(source: str, evaluate: Evaluate, index_value: int) -> str | None:
    """``index out of bounds: index 2 >= size 2`` for the list indexed out of range; None when it
    cannot be found."""
    if index_value < 0:
        return f"index out of bounds: index {index_value} < 0"
    tokens = _tokens(source)
    for position, (text, _, _) in enumerate(tokens):
        if text != "[" or position == 0 or not _is_operand_end(tokens[position - 1][0]):
            continue
        close = _matching(tokens, position, +1)
        start = _postfix_start(tokens, position - 1)
        if close < 0 or start is None:
            continue
        operand = source[tokens[start][1] : tokens[position - 1][2]]
        subscript = source[tokens[position][2] : tokens[close][1]]
        operand_ok, operand_value = _try(evaluate, operand)
        subscript_ok, subscript_value = _try(evaluate, subscript)
        if (
            operand_ok
            and subscript_ok
            and isinstance(operand_value, list)
            and subscript_value == index_value
            and index_value >= len(operand_value)
        ):
            return f"index out of bounds: index {index_value} >= size {len(operand_value)}"
    return None


def _is_operand_end(text: str) -> bool:
    return text in ("]", ")", "}", "'string'") or bool(re.match(r"[A-Za-z_]", text))


def _postfix_start(tokens: list[tuple[str, int, int]], position: int) -> int | None:
    """The first token of the postfix chain (``a.b[0].c(…)``) that ends at ``position``."""
    while position >= 0:
        text = tokens[position][0]
        if text in _CLOSERS:
            opener = _matching(tokens, position, -1)
            if opener < 0:
                return None
            position = opener
            if position > 0 and _is_operand_end(tokens[position - 1][0]) and text != "}":
                position -= 1
                continue
        if position > 0 and tokens[position - 1][0] == ".":
            position -= 2
            continue
        return position
    return None
