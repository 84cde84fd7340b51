"""The targeted rewrites (``calculus.rewrites``): each gives the textbook's form of its pattern,
leaves what it does not apply to alone, and keeps the value wherever the input is real."""

from __future__ import annotations

import pytest
import sympy

from chainrule.calculus.rewrites import (
    ALL_FUNCTIONS,
    collect_common,
    combine_radicals,
    distribute_coefficient,
    factor_out,
    pythagorean,
    real_abs_sign,
    sines_and_cosines,
    trig_reciprocals,
)
from tests.helpers import assert_close, numeric_value, real

x, y = real("x"), real("y")
sin, cos, tan, cot, sec, csc = sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc
CIRCULAR = {sin, cos, tan, cot, sec, csc}


def same_values(
    a: sympy.Expr, b: sympy.Expr, xs: tuple[float, ...] = (0.3, 1.7, -0.8, -2.6)
) -> None:
    """``a`` and ``b`` agree wherever ``a`` is real, at a few points (at least one)."""
    checked = 0
    for value in xs:
        left = numeric_value(a, {x: value, y: 0.6})
        if left is None:
            continue
        right = numeric_value(b, {x: value, y: 0.6})
        assert right is not None, f"{b} is not real at x = {value}, where {a} is"
        assert_close(left, right, f"{a} → {b} at x = {value}")
        checked += 1
    assert checked, f"{a} is real at none of the points"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (sympy.sign(x) / sympy.Abs(x), 1 / x),  # (ln|x|)′
        (sympy.sign(x) * sympy.Abs(x), x),
        (sympy.sign(x) * sympy.Abs(x) ** 3, x**3),
        (sympy.Abs(x) ** 2, x**2),
        (3 * x**2 * sympy.sign(x), 3 * x * sympy.Abs(x)),  # (|x|³)′
        (x * sympy.sign(x), sympy.Abs(x)),
        (sympy.sign(x - y) / sympy.Abs(x - y), 1 / (x - y)),
    ],
)
def test_abs_and_sign_of_a_real_value(before: sympy.Expr, after: sympy.Expr) -> None:
    assert real_abs_sign(before) == after
    same_values(before, after)


def test_abs_and_sign_alone_stay() -> None:
    for kept in (sympy.Abs(x), sympy.sign(x), sympy.Abs(x) * sympy.sign(y), sympy.Abs(x) ** 3):
        assert real_abs_sign(kept) == kept


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (cos(x) / sin(x), cot(x)),
        (sin(x) / cos(x), tan(x)),
        (1 / cos(x), sec(x)),
        (sin(x) / cos(x) ** 2, tan(x) * sec(x)),
        (cos(x) / sin(x) ** 2, cot(x) * csc(x)),
        (tan(x) * cos(x), sin(x)),
        (1 / tan(x), cot(x)),
        (sympy.sec(x) ** 2 / tan(x), csc(x) * sec(x)),  # (ln tan x)′
        (sympy.sinh(x) / sympy.cosh(x) ** 2, sympy.tanh(x) * sympy.sech(x)),
    ],
)
def test_quotients_of_sines_and_cosines_become_tan_cot_sec_csc(
    before: sympy.Expr, after: sympy.Expr
) -> None:
    assert trig_reciprocals(before, ALL_FUNCTIONS) == after
    same_values(before, after)


def test_only_allowed_functions_are_introduced() -> None:
    assert trig_reciprocals(cos(x) / sin(x), {sin, cos}) == cos(x) / sin(x)
    assert trig_reciprocals(sin(x) / cos(x) ** 2, {sin, cos, tan}) == tan(x) / cos(x)


def test_a_symbolic_power_of_a_sine_survives() -> None:
    # sin(2x)^(4x)·cos(2x)/sin(2x): the power 4x is not an integer count of sines.
    expr = 8 * x * sin(2 * x) ** (4 * x) * cos(2 * x) / sin(2 * x)
    rewritten = trig_reciprocals(expr, ALL_FUNCTIONS)
    assert sin(2 * x) ** (4 * x) in sympy.Mul.make_args(rewritten)
    same_values(expr, rewritten)


def test_sines_and_cosines_undo_the_quotients() -> None:
    expr = tan(x) + cot(y) + sec(x) * csc(x)
    assert sines_and_cosines(expr) == (sin(x) / cos(x) + cos(y) / sin(y) + 1 / (cos(x) * sin(x)))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (1 + tan(x) ** 2, sec(x) ** 2),
        (5 * tan(x) ** 2 + 5, 5 * sec(x) ** 2),
        (-(cot(x) ** 2) - 1, -(csc(x) ** 2)),
        (1 - cos(x) ** 2, sin(x) ** 2),
        (1 - sin(x) ** 2, cos(x) ** 2),
        (sec(x) ** 2 - 1, tan(x) ** 2),
        (sympy.cosh(x) ** 2 - 1, sympy.sinh(x) ** 2),
        (x * tan(y) ** 2 + x, x * sec(y) ** 2),
    ],
)
def test_pythagoras(before: sympy.Expr, after: sympy.Expr) -> None:
    assert pythagorean(before, ALL_FUNCTIONS) == after
    same_values(before, after)


def test_tanh_keeps_its_ml_form() -> None:
    # 1 − tanh² is how ML writes tanh′: never rewritten to sech².
    assert pythagorean(1 - sympy.tanh(x) ** 2, ALL_FUNCTIONS) == 1 - sympy.tanh(x) ** 2
    assert pythagorean(1 + tan(x) ** 2, CIRCULAR - {sec}) == 1 + tan(x) ** 2


def test_a_number_goes_into_a_sum() -> None:
    assert (
        distribute_coefficient(4 * (6 * x**2 + 2) * (x**3 + 1) ** 3)
        == (24 * x**2 + 8) * (x**3 + 1) ** 3
    )
    assert distribute_coefficient(4 * x * sin(x)) == 4 * x * sin(x)  # no sum to go into


# Each with points where its radicands are not negative: only there is √a·√b = √(ab) (at
# x = −1.6, √(3x − 1)·√(3x + 1) = i·i·√… is real and of the other sign).  ``simplify`` checks
# a combined form at points of the function's own domain.
@pytest.mark.parametrize(
    ("before", "after", "xs"),
    [
        (
            3 / (sympy.sqrt(3 * x - 1) * sympy.sqrt(3 * x + 1)),
            3 / sympy.sqrt(9 * x**2 - 1),
            (0.4, 1.3, 2.1),
        ),
        (
            -2 * x / ((x**2 - 1) ** sympy.Rational(3, 2) * sympy.sqrt(x**2 + 1)),
            -2 * x / ((x**2 - 1) * sympy.sqrt(x**4 - 1)),
            (1.3, 2.1, -1.6),
        ),
        (
            -sympy.Abs(x) / (x**2 * sympy.sqrt(-1 + x**-2)),
            -1 / sympy.sqrt(1 - x**2),
            (0.4, -0.7, 0.9),
        ),
        (sympy.sqrt(1 / (x**2 - 1)), 1 / sympy.sqrt(x**2 - 1), (1.3, -2.1)),
    ],
)
def test_radicals_combined(before: sympy.Expr, after: sympy.Expr, xs: tuple[float, ...]) -> None:
    assert combine_radicals(before) == after
    same_values(before, after, xs)


def test_the_tables_asec_form_is_kept() -> None:
    # |x|·√(x² − 1) is asec′'s form; √(x⁴ − x²) is no shorter to read.
    table = 1 / (sympy.Abs(x) * sympy.sqrt(x**2 - 1))
    assert combine_radicals(table) == table
    assert combine_radicals(sympy.sqrt(x) * sin(x)) == sympy.sqrt(x) * sin(x)


def test_the_common_factor_of_some_terms() -> None:
    expr = x**x * sympy.log(x) + x**x + 1 / (x * sympy.log(10))
    assert collect_common(expr) == x**x * (sympy.log(x) + 1) + 1 / (x * sympy.log(10))
    assert collect_common(sin(x) + cos(x)) is None
    assert collect_common(x * sin(x)) is None


def test_logarithmic_differentiation_pulls_out_the_function() -> None:
    f = (x + 1) * (x**2 + 1) ** 2
    derivative = sympy.diff(f, x)  # a sum of products, as the product rule leaves it
    pulled = factor_out(sympy.expand_mul(derivative, deep=False), f)
    assert pulled == f * (1 / (x + 1) + 4 * x / (x**2 + 1))
    same_values(derivative, pulled)
    assert factor_out(sin(x), f) is None
