"""Constants too large to evaluate: held as opaque atoms, derived in milliseconds, checked with
a stand-in value, printed as typed in every format."""

from __future__ import annotations

import math

import pytest
import sympy

from chainrule.api import derive
from chainrule.calculus.constants import HUGE_DIGITS, digits, opaque
from chainrule.check.numeric import stand_in
from chainrule.model import Constant
from chainrule.render import render


def test_digits_estimates_without_evaluating() -> None:
    assert digits(sympy.Integer(10) ** 5) == pytest.approx(5, abs=0.5)
    assert digits(sympy.exp(300)) == pytest.approx(300 * math.log10(math.e))
    assert digits(sympy.factorial(500, evaluate=False)) > 1000
    tower = sympy.exp(sympy.exp(sympy.exp(sympy.exp(1))))
    assert digits(tower) > 1e6
    assert digits(sympy.Pow(7, tower, evaluate=False)) == math.inf
    assert digits(sympy.cos(tower)) == math.inf  # the argument is too large to reduce mod π
    assert digits(sympy.cos(2)) == 0.0


def test_opaque_holds_only_what_is_huge() -> None:
    assert opaque(sympy.cos, [sympy.Integer(2)]) == sympy.cos(2)
    assert opaque(sympy.exp, [sympy.Integer(200)]) == sympy.exp(200)  # 87 digits: evaluated
    held = opaque(sympy.exp, [sympy.Integer(300)])
    assert isinstance(held, Constant) and held.shown == sympy.exp(300, evaluate=False)
    assert str(opaque(sympy.factorial, [sympy.Integer(500)])) == "factorial(500)"
    x = sympy.Symbol("x")
    assert opaque(sympy.exp, [x]) == sympy.exp(x)
    assert opaque(sympy.gamma, [sympy.Integer(-1)]) is sympy.zoo  # refused later, as undefined


def test_the_stand_in_value_is_the_same_for_the_same_constant() -> None:
    a = Constant(sympy.exp(300, evaluate=False))
    b = Constant(sympy.exp(300, evaluate=False))
    assert a == b and stand_in(a) == stand_in(b)
    assert 0.5 <= stand_in(a) < 1.5
    assert stand_in(Constant(sympy.factorial(500, evaluate=False))) != stand_in(a)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("sin(cos(exp(exp(exp(exp(1))))) + x)", "cos(cos(exp(exp(exp(E)))) + x)"),
        ("sin(7**exp(exp(exp(10*E))) + x)", "cos(7**exp(exp(exp(10*E))) + x)"),
        ("cos(x*exp(exp(exp(exp(1)))))", "-exp(exp(exp(E)))*sin(exp(exp(exp(E)))*x)"),
        ("x + factorial(500)", "1"),
        ("x*exp(300)", "exp(300)"),
        ("sin(x) + 2**2**2**99", "cos(x)"),
        ("x - (3^3)^(pi^5)", "1"),  # 27^306, 438 digits: found by the decomposition's property test
        ("x + x/(pi/(x + (pi^2)^(5^3)))", None),  # π^250: found by the engine's property test
    ],
)
def test_huge_constants_derive_and_are_checked(text: str, result: str | None) -> None:
    d = derive(text)
    assert result is None or str(d.chain_rules[0].result) == result
    assert d.verified == "numeric"  # the stand-in lets the check run
    assert not d.notes


def test_a_huge_constant_prints_as_typed_in_every_format() -> None:
    d = derive("sin(cos(exp(exp(exp(exp(1))))) + x)")
    assert r"\cos{\left(e^{e^{e^{e}}} \right)}" in render(d, "latex")
    assert "cos(exp(exp(exp(e))))" in render(d, "text")
    assert "cos(exp(exp(exp(E))))" in render(d, "json")
    assert "Constant" not in render(d, "latex") + render(d, "markdown")


def test_exact_moderate_constants_stay_exact() -> None:
    d = derive("x*2^100 + factorial(20)")
    assert d.chain_rules[0].result == sympy.Integer(2) ** 100
    assert digits(sympy.Integer(2) ** 100) < HUGE_DIGITS
