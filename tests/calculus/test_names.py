"""Names for generated intermediates and the output (``calculus.names``): never sharing a
stem with the user's names."""

from __future__ import annotations

import pytest

from chainrule.calculus.names import fresh_names, output_name, stem


@pytest.mark.parametrize(
    ("name", "expected"),
    [("w1", "w"), ("W_1", "w"), ("W_12", "w"), ("theta2", "theta"), ("x", "x"),
     ("y__hat", "y"), ("p2", "p"), ("_1", "_1"), ("L", "l")],
)  # fmt: skip
def test_stem(name: str, expected: str) -> None:
    assert stem(name) == expected


def test_short_names_skip_every_stem_the_user_has() -> None:
    assert fresh_names(3, {"x"}) == ["u", "v", "w"]
    assert fresh_names(3, {"w1", "w2", "x"}) == ["u", "v", "p"]  # no w beside w₁, w₂
    assert fresh_names(2, {"p2", "z1"}) == ["u", "v"]
    assert fresh_names(7, {"p2", "z1"}) == ["u", "v", "w", "q", "r", "s", "t"]  # no p
    assert fresh_names(2, {"W1", "U"}) == ["v", "p"]  # in either case


def test_numbered_names_use_a_free_stem() -> None:
    assert fresh_names(9, set()) == [f"u{i}" for i in range(1, 10)]
    assert fresh_names(9, {"u"}) == [f"v{i}" for i in range(1, 10)]
    everything = set("uvwpqrst")
    assert fresh_names(9, everything) == [f"m{i}" for i in range(1, 10)]
    assert fresh_names(2, everything | {"m3"}, {"m1"}) == ["n1", "n2"]  # m is m3's stem
    assert fresh_names(10, {"u", "v1", "w", "p", "q", "r", "s", "t", "m", "n"}) == [
        f"k{i}" for i in range(1, 11)
    ]


def test_the_output_name() -> None:
    assert output_name({"x"}) == "y"
    assert output_name({"x", "y1"}) == "f"  # no y beside y₁
    assert output_name({"y", "f"}, ["g"]) == "L"
    assert output_name({"y", "f", "g", "l2"}) == "out"  # F shares f's stem
    assert output_name({"y", "f", "g", "L", "out"}) == "out1"
