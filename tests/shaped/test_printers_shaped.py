"""Shaped expressions printed in three styles: differences subtract, a Hadamard product inside
a matrix product is bracketed, numbers lead, transposes and norms as each style writes them."""

from __future__ import annotations

import pytest

from chainrule.api import derive_shaped
from chainrule.render.printers.shaped import print_latex, print_python, print_unicode


def _definition(text: str, shapes: list[str]):  # type: ignore[no-untyped-def]
    return derive_shaped(text, "all", shapes=shapes, check=False).nodes[-1].definition


@pytest.mark.parametrize(
    ("text", "shapes", "unicode", "latex", "python"),
    [
        ("L = sum(W*x - 2*y - 1)", ["W=2x2", "x=2", "y=2"], "sum(W · x − 2·y − 1)",
         "\\operatorname{sum}\\left(W x - 2 \\cdot y - 1\\right)", "sum(W @ x - 2 * y - 1)"),
        ("L = norm(transpose(W) @ x)^2", ["W=2x3", "x=2"], "‖Wᵀ · x‖²",
         "\\left\\lVert W^{\\top} x \\right\\rVert^{2}", "norm(W.T @ x)**2"),
        ("L = sum((a ⊙ b) @ c.T)", ["a=2", "b=2", "c=2"], "sum((a ⊙ b) · cᵀ)",
         "\\operatorname{sum}\\left(\\left(a \\odot b\\right) c^{\\top}\\right)",
         "sum((a * b) @ c.T)"),
        ("L = sum(sigmoid(x)/2)", ["x=3"], "sum(σ(x)/2)",
         "\\operatorname{sum}\\left(\\frac{\\sigma\\left(x\\right)}{2}\\right)",
         "sum(sigmoid(x)/2)"),
    ],
)  # fmt: skip
def test_three_styles(text: str, shapes: list[str], unicode: str, latex: str, python: str) -> None:
    e = _definition(text, shapes)
    assert (print_unicode(e), print_latex(e), print_python(e)) == (unicode, latex, python)


def test_a_deep_expression_prints_without_recursion() -> None:
    e = _definition("L = sum(" + "tanh(" * 2000 + "x" + ")" * 2000 + ")", ["x=2"])
    assert print_unicode(e).count("tanh(") == 2000
