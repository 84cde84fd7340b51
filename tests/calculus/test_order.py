"""Sums in the order typed in results: ``calculus.order`` lists them, the printers follow."""

from __future__ import annotations

import sympy

from chainrule.api import derive
from chainrule.calculus.order import with_typed_order
from chainrule.render import render
from tests.helpers import real


def test_a_typed_sum_is_listed_in_the_order_typed() -> None:
    d = derive("a1 = w1*x + b1; h = sigmoid(a1); L = (h - y)^2/2", ["w1"], check=False)
    w1, x, b1 = real("w1"), real("x"), real("b1")
    assert d.typed_orders == ((w1 * x, b1),)
    assert "σ(w₁·x + b₁)" in render(d, "text").splitlines()[-1]
    assert r"\sigma\left(w_{1} x + b_{1}\right)" in render(d, "latex")


def test_a_sum_of_intermediates_is_listed_written_in_the_inputs() -> None:
    text = "a = w*x + b; h = sigmoid(a); z = w2*h + b2; L = (z - y)^2/2"
    d = derive(text, ["w"], check=False)
    last = render(d, "text").splitlines()[-1]
    assert "(w₂·σ(w·x + b) + b₂ − y)" in last, last  # z − y, with z = w₂·h + b₂ as typed


def test_sums_sympy_already_orders_as_typed_are_not_listed() -> None:
    d = derive("a = b + w*x; L = sin(a)", ["w"], check=False)
    assert d.typed_orders == ()
    assert with_typed_order(d) is d


def test_a_sum_sympy_collects_is_not_listed() -> None:
    # x + x is 2x: no sum with the typed terms exists to order.
    d = derive("a = y + x + x; L = sin(a)", ["x"], check=False)
    assert d.typed_orders == ()
    assert render(d, "text").splitlines()[-1].endswith("= 2cos(2x + y)")


def test_the_result_itself_stays_sympy_s() -> None:
    d = derive("a1 = w1*x + b1; L = sin(a1)", ["w1"], check=False)
    result = d.chain_rules[0].result
    assert result == real("x") * sympy.cos(real("b1") + real("w1") * real("x"))
    assert "b1 + w1*x" in render(d, "json")  # JSON keeps sympy's canonical string
