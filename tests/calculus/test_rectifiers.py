"""The kinked activations (``calculus.rectifiers``): leaky_relu, elu, selu, hardtanh.

Their derivatives are case analyses, equal to ``sympy.diff`` of the definition on both sides
of every kink and, at the kink itself, to the one-sided derivative PyTorch's autograd returns;
the optional parameters default to PyTorch's and have partial derivatives of their own.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from sympy.core.function import ArgumentIndexError

from chainrule.api import derive
from chainrule.calculus.rectifiers import SELU_ALPHA, SELU_SCALE, elu, hardtanh, leaky_relu, selu
from chainrule.check.numeric import evaluate
from tests.helpers import assert_close, definitions, real

x, s, lo, hi = real("x"), real("s"), real("lo"), real("hi")
Q = sympy.Rational

# (function applied to x, points on every side of every kink, each kink with the side whose
# derivative autograd returns there)
CASES = [
    (leaky_relu(x), ["-2.5", "-0.01", "0.01", "3"], [("0", -1)]),
    (leaky_relu(x, Q(1, 5)), ["-2.5", "-0.3", "0.3", "3"], [("0", -1)]),
    (leaky_relu(x, -2), ["-2.5", "-0.3", "0.3", "3"], [("0", -1)]),
    (elu(x), ["-3", "-0.2", "0.2", "3"], [("0", -1)]),  # α = 1: no kink, both sides agree
    (elu(x, Q(1, 2)), ["-3", "-0.2", "0.2", "3"], [("0", -1)]),
    (selu(x), ["-3", "-0.2", "0.2", "3"], [("0", -1)]),
    (hardtanh(x), ["-3", "-1.01", "-0.99", "0", "0.99", "1.01", "3"], [("-1", -1), ("1", 1)]),
    (hardtanh(x, -2), ["-3", "-1.9", "0.5", "1.2"], [("-2", -1), ("1", 1)]),
    (hardtanh(x, Q(-1, 2), Q(1, 4)), ["-1", "-0.4", "0.2", "0.3"], [("-1/2", -1), ("1/4", 1)]),
]


def at(expr: sympy.Expr, value: str) -> mpmath.mpf:
    with mpmath.workdps(30):
        return evaluate(expr, {x: mpmath.mpf(sympy.Rational(value))})


@pytest.mark.parametrize(("fn", "points", "kinks"), CASES, ids=lambda c: str(c))
def test_each_derivative_equals_sympy_diff_of_the_definition(fn, points, kinks) -> None:
    ours = sympy.diff(fn, x)
    oracle = sympy.diff(type(fn).definition(*fn.full_args), x)
    assert isinstance(ours, sympy.Piecewise)  # the case analysis, as ML texts write it
    for point in points:
        expected = oracle.subs(x, Q(point)).evalf(30)
        assert_close(float(at(ours, point)), float(expected), f"{fn}′({point})")
        assert_close(float(at(fn, point)), float(fn.subs(x, Q(point)).evalf(30)), f"{fn}")
    for kink, side in kinks:
        beside = oracle.subs(x, Q(kink) + side * Q(1, 10**9)).evalf(30)
        assert_close(float(at(ours, kink)), float(beside), f"{fn}′({kink}), autograd's side")


def test_derivatives_are_written_the_ml_way() -> None:
    pw = sympy.Piecewise
    assert sympy.diff(leaky_relu(x), x) == pw((1, x > 0), (Q(1, 100), True))
    assert sympy.diff(leaky_relu(x, s), x) == pw((1, x > 0), (s, True))
    assert sympy.diff(leaky_relu(x, 1), x) == 1  # slope 1: the identity, no kink
    assert sympy.diff(elu(x), x) == pw((1, x > 0), (elu(x) + 1, True))
    assert sympy.diff(elu(x, 2), x) == pw((1, x > 0), (elu(x, 2) + 2, True))
    selu_prime = pw((SELU_SCALE, x > 0), (selu(x) + SELU_SCALE * SELU_ALPHA, True))
    assert sympy.diff(selu(x), x) == selu_prime
    assert sympy.diff(hardtanh(x), x) == pw((1, (x > -1) & (x < 1)), (0, True))
    assert sympy.diff(hardtanh(x, lo, hi), x) == pw((1, (x > lo) & (x < hi)), (0, True))


def test_a_flat_inner_function_on_a_kink_has_derivative_zero() -> None:
    # leaky_relu(relu(x)) is 0 for every x < 0: the kink's value times relu′ = 0 must be 0,
    # not undefined; likewise hardtanh of a saturated hardtanh.
    from chainrule.calculus.activations import relu

    for composite in (leaky_relu(relu(x)), hardtanh(hardtanh(x)), elu(relu(x), 3)):
        assert at(sympy.diff(composite, x), "-1.5") == 0, composite


def test_parameters_default_to_pytorchs_and_are_dropped_when_equal() -> None:
    assert leaky_relu(x, Q(1, 100)) == leaky_relu(x) and leaky_relu(x).full_args == (x, Q(1, 100))
    assert elu(x, 1) == elu(x) and elu(x, 2).args == (x, 2)
    assert hardtanh(x, -1, 1) == hardtanh(x) and hardtanh(x, -1) == hardtanh(x)
    assert hardtanh(x, -2, 1) == hardtanh(x, -2) and hardtanh(x, -1, 2).args == (x, -1, 2)
    assert hardtanh(x).full_args == (x, -1, 1)


def test_values_at_numbers_are_exact() -> None:
    assert (leaky_relu(-2), leaky_relu(3), leaky_relu(-1, Q(1, 5))) == (Q(-1, 50), 3, Q(-1, 5))
    assert (elu(2), elu(0), elu(-1, 2)) == (2, 0, 2 * (sympy.exp(-1) - 1))
    assert selu(1) == SELU_SCALE and selu(0) == 0
    assert (hardtanh(Q(3, 2)), hardtanh(Q(-1, 3)), hardtanh(-5, -2, 3)) == (1, Q(-1, 3), -2)
    assert isinstance(leaky_relu(sympy.pi), leaky_relu)  # only plain numbers are compared
    assert isinstance(hardtanh(1, lo), hardtanh)


def test_parameter_partials_equal_sympy_diff_of_the_definition() -> None:
    cases = [(leaky_relu(x, s), s), (elu(x, s), s), (hardtanh(x, lo, hi), lo)]
    cases += [(hardtanh(x, lo, hi), hi), (leaky_relu(x, x), x)]
    values = {s: Q(3, 10), lo: Q(-1, 2), hi: Q(3, 4)}
    for fn, wrt in cases:
        ours = sympy.diff(fn, wrt)
        definition = type(fn).definition(*fn.full_args)
        oracle = sympy.diff(definition, wrt)
        for point in ("-2", "-0.7", "-0.3", "0.4", "0.9", "2"):
            here = {**values, x: Q(point)}
            got, expected = ours.subs(here).evalf(30), oracle.subs(here).evalf(30)
            assert_close(float(got), float(expected), f"∂{fn}/∂{wrt} at {point}")


def test_argument_index_errors() -> None:
    with pytest.raises(ArgumentIndexError):
        leaky_relu(x).fdiff(2)  # the default slope is no argument of this expression
    with pytest.raises(ArgumentIndexError):
        hardtanh(x, lo, hi).fdiff(4)
    with pytest.raises(ArgumentIndexError):
        selu(x).fdiff(2)


def test_assumptions_and_rewrites() -> None:
    z = sympy.Symbol("z")
    assert leaky_relu(x).is_real and hardtanh(x, lo, hi).is_real and elu(z).is_real is None
    assert leaky_relu(x).rewrite(sympy.Piecewise) == sympy.Piecewise((x, x > 0), (x / 100, True))
    assert hardtanh(x).rewrite(sympy.Max) == sympy.Min(sympy.Max(x, -1), 1)
    # torch.clamp's order: with low > high every value is high.
    assert hardtanh(Q(1, 2), 1, -1) == -1


@pytest.mark.parametrize(
    "text",
    ["hardtanh(y, y, z)", "hardtanh(y, z, y)", "hardtanh(x, y, y)", "gelu(gelu(hardtanh(y, y, z)))",
     "leaky_relu(x, x)", "elu(x, x)", "hardtanh(y, z, z)"],
)  # fmt: skip
def test_an_input_that_is_also_a_parameter_derives_correctly(text: str) -> None:
    # Found by hypothesis: with x = low for every y, hardtanh′ alone leaves the edge out, and
    # only the bound's partial taking it makes d/dy hardtanh(y, y, z) = 1 (for y < z).
    derivation = derive(text, wrt="all")  # cross-checked numerically, or VerificationError
    truth = definitions(derivation.expression)
    for chain in derivation.chain_rules:
        oracle = sympy.diff(truth, real(chain.wrt))
        for values in ({"x": 0.3, "y": -0.4, "z": 0.9}, {"x": -1.2, "y": 1.5, "z": 0.2}):
            point = {real(k): v for k, v in values.items()}
            got, expected = chain.result.evalf(30, subs=point), oracle.evalf(30, subs=point)
            assert_close(float(got), float(expected), f"d/d{chain.wrt} {text} at {values}")
