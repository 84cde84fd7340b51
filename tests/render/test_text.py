"""The plain-text renderer: layout, results too large to show, notes, and safe output."""

from __future__ import annotations

import dataclasses
import re

import sympy

from chainrule.api import derive
from chainrule.model import Derivation, Note
from chainrule.render.text import render_text
from tests.render.samples import example, network


def test_headline_network_chain_reads_exactly() -> None:
    out = render_text(example("program_W1"))
    assert "  ∂L/∂W₁ = ∂L/∂z · ∂z/∂h · ∂h/∂a · ∂a/∂W₁\n" in out
    assert "         = (z − y) · W₂ · σ(a)(1 − σ(a)) · x\n" in out


def test_text_layout_for_one_path() -> None:
    assert render_text(example("sin_x2")) == (
        "d/dx sin(x²)\n\nIntermediates\n  u = x²\n  y = sin(u)\n\n"
        "Local derivatives\n  dy/du = cos(u)\n  du/dx = 2x\n\n"
        "Chain rule\n  dy/dx = dy/du · du/dx\n        = cos(u) · 2x\n"
        "        = 2x·cos(u)\n        = 2x·cos(x²)\n"
    )


def test_several_paths_are_listed_then_summed() -> None:
    out = render_text(example("x_sin_x"))
    assert "y → u → x:  ∂y/∂u · ∂u/∂x = x · cos(x)" in out
    assert "y → x:      ∂y/∂x = u" in out
    assert "dy/dx = ∂y/∂u · ∂u/∂x + ∂y/∂x" in out
    assert out.rstrip().endswith("= x·cos(x) + sin(x)")


def test_deep_derivation_text(deep: Derivation) -> None:
    out = render_text(deep)
    assert "\nBackpropagation\n" in out
    assert "1 path from y to x, too long to list: computed by backpropagation above" in out
    assert "= (result in the inputs omitted: 502,501 nodes; see the intermediates above)" in out
    assert out.splitlines()[0].endswith("…")  # the heading shows the start of the source


def test_text_shows_simplified_omitted_result_and_notes() -> None:
    d = example("sin_x2")
    rule = d.chain_rules[0]
    x = sympy.Symbol("x")
    simpler = dataclasses.replace(rule, simplified=2 * x * sympy.cos(x**2) + 0 * x + x - x + 1)
    omitted = dataclasses.replace(rule, result=None, result_size=1234567)
    out = render_text(
        dataclasses.replace(d, steps=(*d.steps[:-1], simpler), notes=(Note("constant"),))
    )
    assert "        = 2x·cos(x²) + 1\n" in out
    assert out.endswith("\nnote: the expression has no variables: its derivative is 0\n")
    out = render_text(dataclasses.replace(d, steps=(*d.steps[:-1], omitted), expression=None))
    assert "= (result in the inputs omitted: 1,234,567 nodes; see the intermediates above)" in out
    assert out.startswith("d/dx sin(x**2)\n")  # the input text when the expression is omitted


def test_constant_has_no_path() -> None:
    out = render_text(derive("2"))
    assert "  no path from y to x: y does not depend on x\n  dy/dx = 0\n" in out
    assert "paths" not in out


def test_text_escapes_control_characters(hostile: Derivation) -> None:
    out = render_text(hostile)
    assert "\x1b" not in out and "\u202e" not in out
    assert "[bold]x[/bold]" in out and "\\x1b[31mred" in out


def test_plain_text_never_stacks_slashes() -> None:
    out = render_text(network("bce"))
    assert re.search(r"\(∂L/∂\w+\)/\w", out)  # the upstream gradient over a denominator
    assert not re.search(r"∂\w+/∂\w+/", out)


def test_plain_text_puts_a_product_sign_between_a_call_and_a_bracket() -> None:
    out = render_text(derive("ln(x + 1)*(x + 2)^3"))
    assert re.search(r"ln\(x \+ 1\)·\(x \+ 2\)", out)
    assert not re.search(r"(ln|sin|cos|exp)\([^()]*\)\(", out)
    assert "σ(a)(1 − σ(a))" in render_text(example("program_W1"))  # ML's idiom stays


def test_a_cached_factor_takes_a_second_row_with_its_note() -> None:
    lines = render_text(example("bce_identity")).splitlines()
    i = lines.index("  ∂p/∂a = σ(a)(1 − σ(a))")  # the seed's form, no note on it
    assert lines[i + 1] == "        = p(1 − p)    (reuses p from the forward pass)"
