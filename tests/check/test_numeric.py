"""Values at a point (``check.numeric.evaluate``) against mpmath and sympy's own evalf; the
branch of a Piecewise that applies; and UndefinedError where there is no real, finite value."""

from __future__ import annotations

import inspect
import sys

import mpmath
import pytest
import sympy

from chainrule.calculus.functions import (
    FUNCTIONS,
    elu,
    gelu,
    gelu_tanh,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    relu,
    selu,
    sigmoid,
    silu,
    softplus,
    softsign,
)
from chainrule.check.numeric import UndefinedError, evaluate
from tests.helpers import real

x, y = real("x"), real("y")


@pytest.fixture(autouse=True)
def fifty_digits():
    with mpmath.workdps(50):
        yield


def at(expr: sympy.Expr, **values: str) -> mpmath.mpf:
    return evaluate(expr, {real(name): mpmath.mpf(v) for name, v in values.items()})


def close(value: mpmath.mpf, expected: object, digits: int = 45) -> bool:
    expected = mpmath.mpf(expected)  # type: ignore[arg-type]
    return bool(abs(value - expected) <= mpmath.mpf(10) ** -digits * max(1, abs(expected)))


@pytest.mark.parametrize(
    ("expr", "value", "expected"),
    [
        (sympy.sin(x) + sympy.exp(x) * sympy.log(x), "0.7",
         lambda v: mpmath.sin(v) + mpmath.exp(v) * mpmath.log(v)),
        (sigmoid(x), "0.7", lambda v: 1 / (1 + mpmath.exp(-v))),
        (softplus(x), "-2.5", lambda v: mpmath.log(1 + mpmath.exp(v))),
        (relu(x), "-2.5", lambda v: 0),
        (relu(x), "2.5", lambda v: v),
        (sympy.tanh(x) ** 2, "0.3", lambda v: mpmath.tanh(v) ** 2),
        (x ** sympy.Rational(1, 3), "0.3", lambda v: mpmath.cbrt(v)),
        (sympy.pi * x / 3, "0.3", lambda v: mpmath.pi * v / 3),
        (sympy.E**x, "0.3", lambda v: mpmath.exp(v)),
        (sympy.Abs(x), "-0.3", lambda v: -v),
        (sympy.sign(x), "-0.3", lambda v: -1),
        (sympy.Heaviside(x), "0", lambda v: mpmath.mpf("0.5")),
        (sympy.Heaviside(x), "-0.3", lambda v: 0),
        (sympy.Max(x, 0, 1 - x), "0.3", lambda v: 1 - v),
        (sympy.Min(x, 1 - x), "0.3", lambda v: v),
        (sympy.factorial(x), "0.7", lambda v: mpmath.gamma(v + 1)),
        (sympy.erf(x), "0.7", lambda v: mpmath.erf(v)),
        (sympy.loggamma(x), "2.5", lambda v: mpmath.loggamma(v)),  # outside the table: evalf
        (x**x, "0.7", lambda v: mpmath.power(v, v)),
    ],
)  # fmt: skip
def test_values_agree_with_mpmath(expr: sympy.Expr, value: str, expected) -> None:
    assert close(at(expr, x=value), expected(mpmath.mpf(value))), expr


# One point inside each function's real domain.
DOMAIN = {"acosh": "1.7", "asec": "1.7", "acsc": "1.7", "acoth": "1.7"}


@pytest.mark.parametrize("name", sorted(n for n in FUNCTIONS if n not in ("Max", "Min", "log")))
def test_every_known_function_agrees_with_sympy_evalf(name: str) -> None:
    point = DOMAIN.get(name, "0.35")
    expr = FUNCTIONS[name](x)
    reference = expr.rewrite(sympy.exp) if name in ("sigmoid", "softplus") else expr
    reference = reference.subs(x, sympy.Rational(point)).evalf(50)
    assert close(at(expr, x=point), mpmath.mpf(str(reference)), 40), name


def _gelu_tanh(v: mpmath.mpf) -> mpmath.mpf:
    inner = mpmath.sqrt(2 / mpmath.pi) * (v + mpmath.mpf("0.044715") * v**3)
    return v * (1 + mpmath.tanh(inner)) / 2


def _selu(v: mpmath.mpf) -> mpmath.mpf:
    scale = mpmath.mpf("1.0507009873554804934193349852946")
    alpha = mpmath.mpf("1.6732632423543772848170429916717")
    return scale * (v if v > 0 else alpha * (mpmath.exp(v) - 1))


@pytest.mark.parametrize(
    ("expr", "value", "expected"),
    [
        (silu(x), "-1.5", lambda v: v / (1 + mpmath.exp(-v))),
        (gelu(x), "-1.5", lambda v: v * (1 + mpmath.erf(v / mpmath.sqrt(2))) / 2),
        (gelu(x), "-30", lambda v: v * mpmath.erfc(-v / mpmath.sqrt(2)) / 2),  # no cancellation
        (gelu_tanh(x), "-1.5", _gelu_tanh),
        (mish(x), "-1.5", lambda v: v * mpmath.tanh(mpmath.log(1 + mpmath.exp(v)))),
        (softsign(x), "-1.5", lambda v: v / (1 - v)),
        (logsigmoid(x), "-1.5", lambda v: mpmath.log(1 / (1 + mpmath.exp(-v)))),
        (logsigmoid(x), "60", lambda v: -mpmath.exp(-v) + mpmath.exp(-2 * v) / 2),  # ≈ −e⁻⁶⁰
        (leaky_relu(x), "-1.5", lambda v: v / 100),
        (leaky_relu(x), "1.5", lambda v: v),
        (leaky_relu(x, sympy.Rational(1, 5)), "-1.5", lambda v: v / 5),
        (elu(x), "-1.5", lambda v: mpmath.exp(v) - 1),
        (elu(x, 2), "-1.5", lambda v: 2 * (mpmath.exp(v) - 1)),
        (selu(x), "-1.5", _selu),
        (selu(x), "1.5", _selu),
        (hardtanh(x), "-1.5", lambda v: -1),
        (hardtanh(x), "0.5", lambda v: v),
        (hardtanh(x, -2, 3), "3.5", lambda v: 3),
        (hardtanh(x, -2), "-1.5", lambda v: v),
    ],
)  # fmt: skip
def test_activations_agree_with_their_formulas(expr: sympy.Expr, value: str, expected) -> None:
    assert close(at(expr, x=value), expected(mpmath.mpf(value)), 30), expr


def test_activations_with_symbolic_parameters() -> None:
    assert close(at(leaky_relu(x, y), x="-2", y="0.3"), mpmath.mpf("-0.6"))
    assert close(at(hardtanh(x, y, 2 * y), x="5", y="0.5"), 1)
    assert close(at(elu(x, y), x="-1", y="3"), 3 * (mpmath.exp(-1) - 1))


def test_two_argument_functions() -> None:
    assert close(at(sympy.log(x, y), x="8", y="2"), 3)
    assert close(at(sympy.Max(x, y), x="0.5", y="-2"), "0.5")
    assert close(at(sympy.Min(x, y, 1), x="0.5", y="-2"), -2)


def test_piecewise_evaluates_only_the_branch_that_applies() -> None:
    # log(x) is undefined at x = -2; the first branch applies there.
    pw = sympy.Piecewise((x**2, x < 0), (sympy.log(x), True))
    assert close(at(pw, x="-2"), 4)
    assert close(at(pw, x="2"), mpmath.log(2))
    both = sympy.Piecewise(
        (1, sympy.And(x > 0, y > 0)),
        (2, sympy.Or(x > 0, sympy.Eq(y, 3))),
        (3, sympy.Not(x < -1)),
        (4, sympy.Ne(x, 0)),
    )
    assert [at(both, x=a, y=b) for a, b in [("1", "1"), ("1", "-1"), ("-1", "3"), ("-0.5", "0"),
                                             ("-2", "0")]] == [1, 2, 2, 3, 4]  # fmt: skip
    with pytest.raises(UndefinedError, match="no branch"):
        at(sympy.Piecewise((1, x < 0)), x="1")


@pytest.mark.parametrize(
    ("expr", "values", "why"),
    [
        (1 / x, {"x": "0"}, "division by zero"),
        (1 / (y + sympy.Rational(13, 10)), {"y": "-1.3"}, "division by zero"),
        (sympy.log(x), {"x": "-1"}, "complex value"),
        (sympy.sqrt(x), {"x": "-1"}, "complex value"),
        (sympy.acosh(x), {"x": "0.5"}, "complex value"),
        (sympy.exp(1000 * x), {"x": "1"}, "too large to compare"),
        (sympy.cot(x), {"x": "0"}, None),
        (x + y, {"x": "1"}, "no value for y"),
        (sympy.zoo * x, {"x": "1"}, None),
        (sympy.Pow(0, -1, evaluate=False), {}, "division by zero"),
    ],
)
def test_no_real_finite_value_is_undefined(expr: sympy.Expr, values: dict, why: str | None) -> None:
    with pytest.raises(UndefinedError, match=why):
        at(expr, **values)


def test_the_precision_is_mpmaths() -> None:
    third = mpmath.mpf(1) / 3
    assert close(at(x / 3, x="1"), third, 48)
    with mpmath.workdps(15):
        rough = at(x / 3, x="1")
    assert close(rough, third, 14) and not close(rough, third, 30)


def test_deep_expressions_need_no_recursion() -> None:
    expr = x
    for i in range(3000):  # built by hand: sympy's own constructors would recurse this deep
        expr = sympy.Add(expr, sympy.Integer(i % 3), evaluate=False)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)
    try:
        value = at(expr, x="0.5")
    finally:
        sys.setrecursionlimit(limit)
    assert close(value, mpmath.mpf("0.5") + 3000)  # 1000 × (0 + 1 + 2)
