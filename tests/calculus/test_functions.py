"""The machine-learning functions (``calculus.functions``): their values, the derivative each
writes the ML way, their rewrites and assumptions, and the table of known functions."""

from __future__ import annotations

import math

import pytest
import sympy
from sympy.core.function import ArgumentIndexError

from chainrule.calculus.functions import FUNCTIONS, relu, sigmoid, softplus
from chainrule.model import FUNCTION_ARITIES
from tests.helpers import real

a = real("a")


def test_the_table_builds_every_function_the_model_names() -> None:
    assert set(FUNCTIONS) == set(FUNCTION_ARITIES)
    for name, arities in FUNCTION_ARITIES.items():
        args = [real(f"t{i}") for i in range(arities[0])]
        assert isinstance(FUNCTIONS[name](*args), sympy.Expr), name
    assert FUNCTIONS["cbrt"](a) == a ** sympy.Rational(1, 3)
    assert FUNCTIONS["log"](a) == sympy.log(a)
    assert FUNCTIONS["log"](a, 2) == sympy.log(a) / sympy.log(2)


def test_derivatives_are_written_the_ml_way() -> None:
    assert sympy.diff(sigmoid(a), a) == sigmoid(a) * (1 - sigmoid(a))
    assert sympy.diff(relu(a), a) == sympy.Heaviside(a)
    assert sympy.diff(softplus(a), a) == sigmoid(a)
    assert sympy.diff(sigmoid(a**2), a) == 2 * a * sigmoid(a**2) * (1 - sigmoid(a**2))
    for fn in (sigmoid, relu, softplus):
        with pytest.raises(ArgumentIndexError):
            fn(a).fdiff(2)


def test_values_at_known_points() -> None:
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert softplus(0) == sympy.log(2)
    assert (relu(-2), relu(3), relu(sympy.Rational(1, 2))) == (0, 3, sympy.Rational(1, 2))
    assert isinstance(relu(a), relu) and isinstance(sigmoid(a), sigmoid)  # symbolic: unevaluated
    assert math.isclose(float(sigmoid(1).evalf(30)), 1 / (1 + math.exp(-1)), rel_tol=1e-15)
    assert math.isclose(float(softplus(1).evalf(30)), math.log1p(math.e), rel_tol=1e-15)
    assert math.isclose(float(relu(sympy.pi).evalf(30)), math.pi, rel_tol=1e-15)


def test_rewrites() -> None:
    assert sigmoid(a).rewrite(sympy.exp) == 1 / (1 + sympy.exp(-a))
    assert softplus(a).rewrite(sympy.log) == sympy.log(1 + sympy.exp(a))
    assert softplus(a).rewrite(sympy.exp) == sympy.log(1 + sympy.exp(a))
    assert relu(a).rewrite(sympy.Max) == sympy.Max(0, a)
    assert relu(a).rewrite(sympy.Piecewise) == sympy.Piecewise((0, a < 0), (a, True))


def test_assumptions_follow_the_argument() -> None:
    z = sympy.Symbol("z")  # no assumptions
    assert sigmoid(a).is_real and sigmoid(a).is_positive
    assert softplus(a).is_positive and relu(a).is_nonnegative
    assert sigmoid(z).is_real is None and relu(z).is_nonnegative is None
