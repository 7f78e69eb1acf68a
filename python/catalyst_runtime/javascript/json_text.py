"""JSON exactly as JavaScript writes and reads it, so both runtimes send the same bytes.

``dumps`` is orjson with three JavaScript rules applied first: every float is printed as
``Number.prototype.toString`` prints it (``1`` not ``1.0``; non-finite values become ``null``),
integers beyond +/-(2^53 - 1) lose precision as a JavaScript number would, and object keys that are
array indices (``"0"``, ``"17"``) come first in ascending order, as in every JavaScript object.
``loads`` accepts only what ``JSON.parse`` accepts (no ``NaN`` / ``Infinity`` literals).
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from catalyst_runtime.javascript.numbers import format_double

__all__ = ["dumps", "dumps_text", "js_string", "loads", "ordered_items"]

_MAX_SAFE_INTEGER = 9_007_199_254_740_991
_MAX_ARRAY_INDEX = 4_294_967_294
_DIGITS = frozenset("0123456789")


def _is_array_index(key: str) -> bool:
    # ECMAScript orders "canonical numeric strings" of array indices first: no sign, no leading
    # zero (except "0" itself), at most 2^32 - 2.
    if not key or not key.isascii() or not key.isdigit():
        return False
    if len(key) > 1 and key[0] == "0":
        return False
    return int(key) <= _MAX_ARRAY_INDEX


def _number(value: float) -> orjson.Fragment:
    if not math.isfinite(value):
        return orjson.Fragment(b"null")
    return orjson.Fragment(format_double(value).encode("ascii"))


def ordered_items(value: dict[Any, Any]) -> list[tuple[str, Any]]:
    items = [(str(key), item) for key, item in value.items()]
    for key, _ in items:
        # An array index starts with an ASCII digit: most keys are ruled out by their first.
        if key and key[0] in _DIGITS and _is_array_index(key):
            break
    else:
        return items
    indices = sorted(
        (entry for entry in items if _is_array_index(entry[0])), key=lambda e: int(e[0])
    )
    return indices + [entry for entry in items if not _is_array_index(entry[0])]


def _prepare(value: Any) -> Any:
    # The values events and results are made of, by exact type: most of a run's encoding time
    # was spent in this walk. Anything else (subclasses, tuples, keys that may be array indices)
    # takes the general way, which gives the same value.
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is dict:
        prepared: dict[str, Any] = {}
        for key, item in value.items():
            # An array index starts with an ASCII digit; most keys are words.
            if type(key) is not str or (key and key[0] in _DIGITS):
                return _prepare_general(value)
            # Strings and small integers as they are, without a call each.
            item_kind = type(item)
            prepared[key] = (
                item
                if item_kind is str
                or (item_kind is int and -_MAX_SAFE_INTEGER <= item <= _MAX_SAFE_INTEGER)
                else _prepare(item)
            )
        return prepared
    if kind is float:
        return _number(value)
    if kind is int:
        return value if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else _number(float(value))
    if kind is list:
        return [_prepare(item) for item in value]
    return _prepare_general(value)


def _prepare_general(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INTEGER else _number(float(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return {key: _prepare(item) for key, item in ordered_items(value)}
    if isinstance(value, (list, tuple)):
        return [_prepare(item) for item in value]
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def dumps(value: Any) -> bytes:
    """``JSON.stringify(value)`` as UTF-8 bytes (no spaces, JavaScript number and key order)."""
    prepared = _prepare(value)
    try:
        return orjson.dumps(prepared)
    except TypeError:
        # orjson refuses lone surrogates, which JSON.stringify escapes as \\udXXX.
        return _dumps_slow(value).encode("utf-8", errors="surrogatepass")


def dumps_text(value: Any) -> str:
    """:func:`dumps` as a string."""
    return dumps(value).decode("utf-8")


def js_string(text: str) -> str:
    """``JSON.stringify`` of one string."""
    return _string_slow(text)


def _string_slow(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif code < 0x20:
            out.append(_SHORT_ESCAPES.get(char, f"\\u{code:04x}"))
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _dumps_slow(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) <= _MAX_SAFE_INTEGER:
        return str(value)
    if isinstance(value, (int, float)):
        number = float(value)
        return format_double(number) if math.isfinite(number) else "null"
    if isinstance(value, str):
        return _string_slow(value)
    if isinstance(value, dict):
        members = (f"{_string_slow(k)}:{_dumps_slow(v)}" for k, v in ordered_items(value))
        return "{" + ",".join(members) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dumps_slow(item) for item in value) + "]"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes) -> Any:
    """``JSON.parse``: raises ``ValueError`` on anything JavaScript would refuse."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text, parse_constant=_refuse_constant)
