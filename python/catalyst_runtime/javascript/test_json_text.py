"""``dumps``'s walk by exact type gives the bytes of the general walk by ``isinstance`` on every
kind of value: keys that are or look like array indices, subclasses, tuples, every number."""

from __future__ import annotations

import enum
import math
import random
from typing import Any

import orjson

from catalyst_runtime.javascript.json_text import _is_array_index, dumps, ordered_items
from catalyst_runtime.javascript.numbers import format_double

_MAX_SAFE_INTEGER = 9_007_199_254_740_991


def _reference_items(value: dict[Any, Any]) -> list[tuple[str, Any]]:
    # The key order as first written: every key checked as an array index.
    items = [(str(key), item) for key, item in value.items()]
    indices = sorted(
        (entry for entry in items if _is_array_index(entry[0])), key=lambda e: int(e[0])
    )
    return indices + [entry for entry in items if not _is_array_index(entry[0])]


def _reference(value: Any) -> Any:
    # The general walk (what `dumps` did before it dispatched on exact types).
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        if abs(value) <= _MAX_SAFE_INTEGER:
            return value
        value = float(value)
    if isinstance(value, float):
        text = format_double(value) if math.isfinite(value) else "null"
        return orjson.Fragment(text.encode())
    if isinstance(value, dict):
        return {key: _reference(item) for key, item in _reference_items(value)}
    return [_reference(item) for item in value]


class _Text(str):
    pass


class _Level(enum.IntEnum):
    HIGH = 3


_EDGES: list[Any] = [
    {"b": 1, "a": 2, "10": 3, "2": 4, "01": 5, "-1": 6, "": 7, "4294967294": 8, "4294967295": 9},
    {"٣": 1, "1x": 2, "x1": 3, "0": 4},
    {1: "int key", "0": "index", 2.5: "float key"},
    {"n": [1.0, 0.5, -0.0, 1e21, 1e-7, 1.5e-5, 1e16, float("nan"), float("inf"), -float("inf")]},
    {"big": [2**53 - 1, 2**53, -(2**53), 10**30, -(10**30)]},
    {"bool": [True, False, None], "text": _Text("sub"), "level": _Level.HIGH},
    {"tuple": (1, 2.5, ("x", {"3": 1, "a": 2})), "nested": {"9": {"8": [{"7": 0.1}]}}},
    [],
    {},
    "plain",
    3.0,
    2**60,
]


def _random_value(generator: random.Random, depth: int) -> Any:
    kind = generator.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return generator.choice([None, True, False, "", "text", "ü€😀"])
    if kind == 1:
        return generator.choice([0, 1, -7, 2**53 - 1, 2**53 + 1, -(2**64)])
    if kind == 2:
        return generator.random() * 10 ** generator.randint(-25, 25) * generator.choice([1, -1])
    if kind == 3:
        return generator.choice([1.0, -0.0, math.nan, math.inf, 123456789.0])
    if kind == 4:
        return _Text("sub") if generator.random() < 0.5 else "word"
    keys = ["a", "b", "0", "7", "12", "01", "", "-3", "x9", "4294967295", 5]
    if kind in (5, 6):
        chosen = generator.sample(keys, generator.randint(0, 5))
        return {key: _random_value(generator, depth + 1) for key in chosen}
    items = [_random_value(generator, depth + 1) for _ in range(generator.randint(0, 4))]
    return tuple(items) if generator.random() < 0.3 else items


def test_the_exact_type_walk_gives_the_general_walks_bytes() -> None:
    generator = random.Random(13)
    values = _EDGES + [_random_value(generator, 0) for _ in range(3_000)]
    for value in values:
        assert dumps(value) == orjson.dumps(_reference(value)), value


def test_keys_that_are_array_indices_come_first_ascending() -> None:
    assert dumps({"b": 1, "10": 2, "2": 3, "01": 4, "a": 5}) == b'{"2":3,"10":2,"b":1,"01":4,"a":5}'
    assert dumps({"x": 1.0, "y": [2.5, 1e21, 1e-7, 2**53]}) == (
        b'{"x":1,"y":[2.5,1e+21,1e-7,9007199254740992]}'
    )
    assert ordered_items({"b": 1, "3": 2}) == [("3", 2), ("b", 1)]
    assert ordered_items({"b": 1, "03": 2}) == [("b", 1), ("03", 2)]
