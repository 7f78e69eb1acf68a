"""format_double's short way for numbers ``repr`` writes without an exponent gives the bytes of
its general layout, over every kind of double."""

from __future__ import annotations

import math
import random
import struct

from catalyst_runtime.javascript.numbers import _layout, format_double


def test_the_short_way_and_the_general_layout_agree() -> None:
    generator = random.Random(13)
    values = [1.0, 100.0, 0.1, 1e-4, 1.2e-4, 9.99e-5, 1e15, 9999999999999998.0, 1e16, -3.5]
    for _ in range(20_000):
        # Any bit pattern, uniform in a range, whole numbers around 2^53, and every magnitude.
        values.append(struct.unpack("d", struct.pack("Q", generator.getrandbits(64)))[0])
        values.append(generator.uniform(-1e6, 1e6))
        values.append(float(generator.randint(-(10**17), 10**17)))
        values.append(generator.random() * 10 ** generator.randint(-8, 22))
    for value in values:
        if math.isfinite(value) and value != 0:
            assert format_double(value) == _layout(value), value
    assert [format_double(value) for value in (3.0, 0.5, 1e21, 1e-7, -0.0, 0.000123)] == [
        "3",
        "0.5",
        "1e+21",
        "1e-7",
        "0",
        "0.000123",
    ]


def test_the_short_way_with_an_exponent_at_its_edges() -> None:
    # repr writes an exponent below 1e-4 and from 1e16; JavaScript writes 1e-6 <= |x| < 1e21 in
    # full. The short way keeps repr's mantissa only outside that range.
    edges = [1e-4, 9.99e-5, 1e-5, 1e-6, 1.5e-6, 9.99e-7, 1e-7, 1.2345e-7, 1e16, 1e20, 1.5e20]
    edges += [9.999999999999999e20, 1e21, 1.2345e21, 5e-324, 2.2250738585072014e-308]
    edges += [1.7976931348623157e308, 123456789012345680000.0]
    for value in edges + [-value for value in edges]:
        assert format_double(value) == _layout(value), value
    assert [format_double(value) for value in (1e-6, 1e20, 5e-324, -1.7976931348623157e308)] == [
        "0.000001",
        "100000000000000000000",
        "5e-324",
        "-1.7976931348623157e+308",
    ]
