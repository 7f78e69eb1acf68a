"""JavaScript's string primitives where Python's differ: trim and parseFloat."""

from __future__ import annotations

import re

__all__ = ["JS_WHITESPACE", "js_parse_float", "js_trim"]

# WhiteSpace and LineTerminator of ECMAScript, which String.prototype.trim strips. Python's
# str.strip() differs: it strips \x1c-\x1f but not the BOM.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_FLOAT_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def js_trim(text: str) -> str:
    """``String.prototype.trim``."""
    return text.strip(JS_WHITESPACE)


def js_parse_float(text: str) -> float:
    """``Number.parseFloat``: the longest numeric prefix after leading whitespace, else NaN."""
    match = _FLOAT_PREFIX.match(text.lstrip(JS_WHITESPACE))
    if match is None:
        return float("nan")
    return float(match.group(0).replace("Infinity", "inf"))
