"""Derivations the render tests share: the examples of the golden files, a deep chain built
from Terms (so it does not depend on the parser), text that tries to escape, and the rich view
as plain text at a fixed width."""

from __future__ import annotations

import dataclasses
import io
import sys
import traceback
from collections.abc import Callable
from typing import Any

from chainrule.api import derive, simplify
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.model import Derivation, Note
from tests.helpers import call, expression, sym

PROGRAM = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
EXAMPLES: dict[str, tuple[str, list[str] | None]] = {
    "sin_x2": ("sin(x**2)", None),
    "x_sin_x": ("x*sin(x)", None),
    "sin_x_over_x": ("sin(x)/x", None),
    "network_W1": ("(W2*sigmoid(W1*x + b1) + b2 - y)**2/2", ["W1"]),
    "program_W1": (PROGRAM, ["W1"]),
    "program_all": (PROGRAM, ["W1", "W2", "b1", "b2"]),
    # the classic exercises of a chain-rule section, each showing its chain
    "reciprocal": ("1/(x^2+1)", None),
    "quotient": ("(x^2+1)/(x^2-1)", None),
    "x_to_the_x": ("x^x", None),
    "x_plus_1_to_the_x": ("(x+1)^x", None),
    "logistic_latex": (r"\frac{1}{1+e^{-x}}", None),
    "abs_x_cubed": ("|x|^3", None),
    "two_x_sin_3x": ("2x sin(3x)", None),
    # answers in textbook form: 1/x, sec x, 5sec²(5x), x!·ψ(x + 1), 3x²/√(x⁶ − 1), 2(h − y)
    "ln_abs_x": ("ln|x|", None),
    "ln_abs_sec_plus_tan": ("ln|sec x + tan x|", None),
    "tan_5x": ("tan(5x)", None),
    "factorial_x": ("x!", None),
    "acosh_x_cubed": ("acosh(x^3)", None),
    "squared_error_h": ("(h - y)^2", ["h"]),
    "nested_roots": ("sqrt(x+sqrt(x+sqrt x))", None),
    # the order typed kept in a program's intermediates
    "program_typed_order": ("a1 = w1*x + b1; h1 = sigmoid(a1); z = w*h1; L = (z - y)^2/2", ["w1"]),
    "product_w_h": ("z = w*h", ["w", "h"]),
    # the ML identities of the backward pass: p − y, p₁ − 1 and p₂, (h − y)(1 − h²)
    "bce_identity": ("a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))", ["w", "b"]),
    "softmax_ce": (
        "e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; L = -ln(p1)",
        ["z1", "z2"],
    ),
    "tanh_cached": ("a = w*x + b; h = tanh(a); L = (h - y)^2/2", ["w", "b"]),
    # values at a point (--at): the network's forward and backward pass, exact values at π/4
    "program_W1_at": (PROGRAM, ["W1"]),
    "x_sin_x_at_pi_4": ("x*sin(x)", None),
}
# The point of an example that has one (the command line's --at).
POINTS = {
    "program_W1_at": "x=1.5, W1=0.3, b1=-1, W2=0.8, b2=0.1, y=1",
    "x_sin_x_at_pi_4": "x=pi/4",
}
# Small networks whose derivations are wide: binary cross-entropy, and a residual connection.
NETWORKS = {
    "bce": "a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))",
    "residual": "h1 = sigmoid(w1*x); h2 = h1 + sigmoid(w2*h1); L = (h2 - y)^2/2",
    # a wide answer over a number: 263 pt too wide before the denominator went in front
    "gelu_tanh": "a = w*x + b; h = gelu_tanh(a); L = (h - y)^2/2",
}

HOSTILE = (
    "[bold]x[/bold] _* $x$ # [/] [link=https://example.com]y[/link] \x1b[31mred\x1b[0m"
    " \u202e \\end{document}"
)


# The classic exercises are simplified, as the command line prints them: the last line is
# the answer in textbook form.
SIMPLIFIED = frozenset(
    {
        *("reciprocal", "quotient", "x_to_the_x", "x_plus_1_to_the_x", "logistic_latex"),
        *("abs_x_cubed", "two_x_sin_3x", "ln_abs_x", "ln_abs_sec_plus_tan", "tan_5x"),
        *("factorial_x", "acosh_x_cubed", "squared_error_h", "nested_roots"),
        *("bce_identity", "softmax_ce", "tanh_cached"),
    }
)


def example(name: str) -> Derivation:
    text, wrt = EXAMPLES[name]
    derivation = derive(text, wrt, at=POINTS.get(name))
    return simplify(derivation) if name in SIMPLIFIED else derivation


def network(name: str) -> Derivation:
    """One of ``NETWORKS``, every gradient, simplified as the command line prints it."""
    return simplify(derive(NETWORKS[name], "all"))


def deep_chain(depth: int) -> Derivation:
    """``sin(sin(…(x)…))``, ``depth`` calls deep."""
    term = sym("x")
    for _ in range(depth):
        term = call("sin", term)
    return differentiate(decompose(expression(term, "sin(" * depth + "x" + ")" * depth)), ["x"])


def hostile() -> Derivation:
    """sin(x²) whose source and note hold markup, escapes and LaTeX (the note needs an "echo"
    wording: the ``hostile`` fixture adds it)."""
    d = derive("sin(x**2)")
    graph = dataclasses.replace(d.graph, source=HOSTILE)
    note = Note("echo", (("text", HOSTILE),))
    return dataclasses.replace(d, graph=graph, expression=None, notes=(note,))


def rich_text(renderable: Any, width: int = 80) -> str:
    """What a terminal of ``width`` columns shows for ``renderable``, without colour."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    return out


def shallow_stack(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with little stack to spare: recursion over a 1000-deep chain would fail."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 250)
    try:
        return fn()
    finally:
        sys.setrecursionlimit(limit)
