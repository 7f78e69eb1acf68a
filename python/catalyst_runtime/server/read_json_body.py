"""The body checks of TypeScript ``read-json-body``, over bytes already read: invalid UTF-8, empty,
nesting deeper than the limit (checked before parsing, so no parser recursion), JSON syntax, lone
surrogates. Each problem is an ``(status, error)`` pair with the bytes both runtimes answer.

Example::

    parse_json_body(b'{"question": "hi"}', max_depth=64)  # {'question': 'hi'}
"""

from __future__ import annotations

import re
from typing import Any

from catalyst_runtime.javascript import json_text
from catalyst_runtime.javascript.strings import js_trim

__all__ = [
    "BodyProblem",
    "is_json_content_type",
    "json_depth_exceeds",
    "parse_json_body",
    "payload_too_large",
    "unsupported_media_type",
]


class BodyProblem(Exception):
    """What is wrong with a request body: the status and the ``error`` object to answer."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = {"kind": kind, "message": message}


def unsupported_media_type() -> BodyProblem:
    """415: the 'simple' cross-origin requests a browser sends without asking (``text/plain``)
    must never start a paid run."""
    return BodyProblem(
        415,
        "unsupported_media_type",
        'send the workflow input as JSON with the header "Content-Type: application/json"',
    )


def payload_too_large(max_body_bytes: int) -> BodyProblem:
    """413 with the configured limit."""
    return BodyProblem(
        413,
        "payload_too_large",
        f"the request body is larger than the limit of {max_body_bytes} bytes",
    )


def _invalid_unicode() -> BodyProblem:
    return BodyProblem(
        400,
        "invalid_json",
        "the request body holds invalid Unicode (invalid UTF-8 or a lone surrogate such as "
        "\\ud800)",
    )


def is_json_content_type(value: str | None) -> bool:
    """``application/json``, with or without parameters (``; charset=utf-8``), any letter case."""
    if value is None:
        return False
    return value.split(";")[0].strip().lower() == "application/json"


def json_depth_exceeds(text: str, maximum: int) -> bool:
    """Whether ``[`` and ``{`` nest deeper than ``maximum`` outside strings. One pass, no
    recursion; the text need not be valid JSON (the parser reports that afterwards)."""
    depth = 0
    in_string = False
    index = 0
    length = len(text)
    while index < length:
        character = text[index]
        if in_string:
            if character == "\\":
                index += 1
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth > maximum:
                return True
        elif character in "]}":
            depth -= 1
        index += 1
    return False


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_lone_surrogate(value: Any) -> bool:
    # json.loads pairs escaped surrogates (`\ud83d\ude00`) into one code point, so any surrogate
    # left in a str is a lone one.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for key, entry in item.items():
                if _LONE_SURROGATE.search(key):
                    return True
                pending.append(entry)
    return False


def parse_json_body(raw: bytes, *, max_depth: int) -> Any:
    """The workflow input in ``raw``, or :class:`BodyProblem` (400 ``invalid_json``)."""
    try:
        # TextDecoder('utf-8', {fatal: true}): a leading BOM is dropped, bad bytes refused.
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise _invalid_unicode() from None
    if js_trim(text) == "":
        raise BodyProblem(
            400,
            "invalid_json",
            "the request body is empty; send the workflow input as a JSON object",
        )
    if json_depth_exceeds(text, max_depth):
        raise BodyProblem(
            400,
            "invalid_json",
            f"the request body nests arrays and objects deeper than {max_depth} levels",
        )
    try:
        value = json_text.loads(text)
    except (ValueError, RecursionError):
        # The parser's own wording differs between runtimes; the 4xx bodies must not.
        raise BodyProblem(400, "invalid_json", "the request body is not valid JSON") from None
    if _holds_lone_surrogate(value):
        raise _invalid_unicode()
    return value
