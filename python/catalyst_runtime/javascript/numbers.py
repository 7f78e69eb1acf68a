"""Numbers as JavaScript prints them, so both runtimes write the same bytes."""

from __future__ import annotations

import math

__all__ = ["format_double"]


def format_double(value: float) -> str:
    """Format a double like ECMAScript's ``Number.prototype.toString``.

    The shortest digits that read back as the same number (``repr`` gives them), laid out as
    JavaScript does: ``3``, ``0.5``, ``1e+21``, ``1e-7``, ``NaN``, ``Infinity``; ``-0`` is ``0``.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    text = repr(value)
    if "e" not in text:
        # Without an exponent (1e-4 <= |value| < 1e16) repr already is JavaScript's layout of
        # the same shortest digits, but for the ".0" of a whole number: the common case (costs,
        # scores, temperatures) without taking the digits apart.
        return text[:-2] if text.endswith(".0") else text
    # With an exponent repr writes the shortest digits as `d.ddde±XX` (|value| < 1e-4 or
    # >= 1e16), no trailing zero. JavaScript writes the same mantissa with the exponent's leading
    # zeros dropped, except from 1e-6 to 1e-4 (costs in dollars) and from 1e16 up to 1e21, which
    # it writes out in full: _layout's rules for these digits, without taking repr apart again.
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text)
    if exponent < -6 or exponent > 20:
        return f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"
    sign = "-" if mantissa[0] == "-" else ""
    digits = mantissa.lstrip("-").replace(".", "")
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    return f"{sign}{digits}{'0' * (exponent + 1 - len(digits))}"


def _layout(value: float) -> str:
    """The general case of :func:`format_double` (finite, not zero): the digits of ``repr``
    placed by ECMAScript's rules."""
    sign = "-" if value < 0 else ""
    mantissa, _, exponent_text = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # Position of the decimal point relative to the first significant digit (ECMAScript's n).
    point = (
        len(whole.lstrip("0")) if whole.strip("0") else -(len(fraction) - len(fraction.lstrip("0")))
    )
    point += int(exponent_text or "0")
    digits = digits.rstrip("0") or "0"
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    exponent = point - 1
    exponent_sign = "+" if exponent >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if count > 1 else "")
    return f"{sign}{head}e{exponent_sign}{abs(exponent)}"
