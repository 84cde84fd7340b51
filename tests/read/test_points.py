"""Reading a point (``read.points``) and its values as exact numbers (``calculus.point``,
``api.parse_points``): names as typed, values by the safe parser, errors that point."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from chainrule.api import parse_points
from chainrule.errors import MathError, ParseError
from chainrule.read.points import read_points


def test_pairs_in_one_string_or_several_and_commas_inside_brackets() -> None:
    point = parse_points(["x=1.5", "W1=0.3, b1=-1", "y = log(8, 2)"])
    assert point == {
        "x": sympy.Rational(3, 2),
        "W1": sympy.Rational(3, 10),
        "b1": -1,
        "y": 3,  # log base 2 of 8, exactly
    }
    assert list(point) == ["x", "W1", "b1", "y"]  # in the order given


def test_values_are_exact_constants() -> None:
    point = parse_points("a=pi/4, b=1/3, c=e, d=-1, f=sqrt(2), g=1e-3, h=π, k=2^-2")
    assert point == {
        "a": sympy.pi / 4,
        "b": sympy.Rational(1, 3),
        "c": sympy.E,
        "d": -1,
        "f": sympy.sqrt(2),
        "g": sympy.Rational(1, 1000),
        "h": sympy.pi,
        "k": sympy.Rational(1, 4),
    }


def test_names_as_typed() -> None:
    assert list(parse_points("W₁=1, θ=2, ŷ=3, c′=4, W1=5")) == [
        "W_1",
        "theta",
        "y__hat",
        "c__1",
        "W1",
    ]


def test_a_mapping_of_numbers_text_and_sympy_values() -> None:
    point = parse_points({"x": 1.5, "y": Fraction(1, 3), "z": sympy.pi, "w": "e", "θ": 2})
    assert point == {
        "x": sympy.Rational(3, 2),
        "y": sympy.Rational(1, 3),
        "z": sympy.pi,
        "w": sympy.E,
        "theta": 2,
    }
    with pytest.raises(MathError, match="not a number"):
        parse_points({"x": sympy.Symbol("t")})


@pytest.mark.parametrize(
    ("spec", "message", "column"),
    [
        ("x", "expected name=value, got 'x'", 1),
        ("x=1,,y=2", "expected name=value, got ''", 5),
        ("x=1, x=2", "'x' is given two values", 5),
        ("x y=2", "'x y' is not a variable name", 1),
        ("pi=3", "'pi' is a constant, not a variable", 1),
        ("x=2*y", "the value of 'x' must be a number, not use 'y'", 5),
        ("x=f(1)", "the value of 'x' must be a number, not use 'f'", 3),
        ("x=sin(", "expected an expression after '('", 7),
        ("x=1=2", "unexpected '='", 4),
    ],
)
def test_errors_say_where_and_carry_the_option(spec: str, message: str, column: int) -> None:
    with pytest.raises(ParseError) as info:
        read_points(spec)
    err = info.value
    assert err.message == message
    assert (err.source, err.column, err.option) == (spec, column, "at")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x=log(0)", "the value of x: the expression is undefined"),
        ("x=1/0", "the value of x: the expression is undefined"),
        ("x=sqrt(-1)", "the value of x is not a real number"),
        ("x=log(-1)", "the value of x is not a real number"),
        ("x=e^(e^(e^e))", "the value of x is too large to evaluate"),
    ],
)
def test_values_without_a_real_finite_value_are_refused(spec: str, message: str) -> None:
    with pytest.raises(MathError, match=message) as info:
        parse_points(spec)
    assert info.value.option == "at"


@pytest.mark.parametrize("attack", ["__import__('os')", "x=__import__('os')", "x=().__class__"])
def test_no_evaluation_of_user_text(attack: str) -> None:
    with pytest.raises(ParseError):
        read_points(attack)
