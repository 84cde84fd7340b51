"""Notation: how symbols look in Unicode and, by subclass, in LaTeX."""

from __future__ import annotations

import pytest
import sympy

from chainrule.api import derive
from chainrule.calculus.functions import sigmoid
from chainrule.model import Derivation
from chainrule.render.latex import LatexNotation
from chainrule.render.notation import Notation, uses_partial

x, y, z = sympy.symbols("x y z")
W2 = sympy.Symbol("W2")


@pytest.fixture(scope="module")
def one_input() -> Derivation:
    return derive("x*sin(x)")  # partial (x reaches y along two paths), one input


@pytest.fixture(scope="module")
def two_inputs() -> Derivation:
    return derive("x*y + sin(y)", ["x", "y"])


def factor_chain(n: Notation, factors: list[sympy.Expr]) -> str:
    return n.separator.join(n.factors(factors))


def test_factor_pieces_keep_the_product_unevaluated(one_input: Derivation) -> None:
    a_, h = sympy.symbols("a h")
    factors = [z - y, W2, sigmoid(a_) * (1 - sigmoid(a_)), x]
    unicode, latex = Notation(one_input), LatexNotation(one_input)
    assert factor_chain(unicode, factors) == "(z − y) · W₂ · σ(a)(1 − σ(a)) · x"
    assert factor_chain(latex, factors) == (
        r"\left(z - y\right) \cdot W_{2} \cdot \sigma\left(a\right) "
        r"\left(1 - \sigma\left(a\right)\right) \cdot x"
    )
    assert factor_chain(unicode, [sympy.Integer(2), h, -sympy.sin(x)]) == "2 · h · (−sin(x))"
    assert factor_chain(unicode, [x + 1]) == "x + 1"  # a lone factor needs no brackets


def test_total_derivative_uses_d_with_one_input(one_input: Derivation) -> None:
    n, tex = Notation(one_input), LatexNotation(one_input)
    assert (n.total("x"), n.local("y", "x"), n.adjoint("u")) == ("dy/dx", "∂y/∂x", "∂y/∂u")
    assert n.adjoint("x") == "dy/dx"  # at an input the upstream gradient is the total
    assert (n.operator("x"), tex.operator("x")) == ("d/dx", r"\frac{d}{dx}")
    assert tex.total("x") == r"\frac{dy}{dx}"
    assert tex.local("y", "x") == r"\frac{\partial y}{\partial x}"


def test_several_inputs_use_partial_throughout(two_inputs: Derivation) -> None:
    n, tex = Notation(two_inputs), LatexNotation(two_inputs)
    assert (n.total("y"), n.operator("y")) == ("∂f/∂y", "∂/∂y")
    assert tex.operator("y") == r"\frac{\partial}{\partial y}"


def test_the_latex_style_differs_only_where_latex_does(one_input: Derivation) -> None:
    n, tex = Notation(one_input), LatexNotation(one_input)
    assert (n.bracket("a"), tex.bracket("a")) == ("(a)", r"\left(a\right)")
    assert (n.text(" of "), tex.text(" of ")) == (" of ", r" \text{ of } ")
    assert tex.text("x_1 & {y}") == r"\text{x\_1 \& \{y\}}"
    assert (n.inline("W1"), tex.inline("W1")) == ("W₁", "$W_{1}$")
    assert (n.path(["y", "u", "x"]), tex.path(["y", "u", "x"])) == ("y → u → x", r"y \to u \to x")
    assert (n.minus, tex.minus) == ("−", "-")
    assert tex.plain is not tex and type(tex.plain) is Notation and n.plain is n


@pytest.mark.parametrize(
    ("text", "wrt", "partial"),
    [
        ("sin(x**2)", ["x"], False),  # a chain: every node has one parent
        ("x*sin(x)", ["x"], True),  # y = x·u has two parents
        ("x*y + sin(y)", ["x"], True),  # two inputs
        ("a = x^2; b = a*x; L = sin(b)", ["x"], True),  # b has two parents, downstream of x
        ("a = x^2; b = a*x; L = sin(b)", ["L"], False),  # only L is downstream of L
    ],
)
def test_partial_is_chosen_from_the_graph(text: str, wrt: list[str], partial: bool) -> None:
    d = derive(text, wrt)
    assert uses_partial(d) is partial
    assert (Notation(d).local(d.output, d.graph.nodes[-1].parents[0])[0] == "∂") is partial
