"""Which equations and rows the readable formats show, in whatever notation."""

from __future__ import annotations

import dataclasses

import pytest

from chainrule.api import derive
from chainrule.model import Derivation
from chainrule.render.equations import (
    adjoint_equation,
    chain_rule_layout,
    heading,
    local_equation,
    omitted_text,
)
from chainrule.render.latex import LatexNotation
from chainrule.render.notation import Notation
from chainrule.render.rows import FACTOR, NOTE, OP, RESULT
from tests.render.samples import example


@pytest.fixture(scope="module")
def network() -> Derivation:
    return example("program_all")


def test_several_paths_each_get_an_equation_then_their_sum() -> None:
    d = example("x_sin_x")
    layout = chain_rule_layout(Notation(d), d.chain_rules[0])
    assert layout.intro == "2 paths from y to x, one product of local derivatives each:"
    assert [(p.label, p.lhs.text, [r.text for r in p.rows]) for p in layout.paths] == [
        ("y → u → x", "∂y/∂u · ∂u/∂x", ["x · cos(x)"]),  # the product repeats the factors
        ("y → x", "∂y/∂x", ["u"]),
    ]
    assert [r.text for r in layout.total.rows] == [
        "∂y/∂u · ∂u/∂x + ∂y/∂x",
        "x·cos(x) + u",
        "x·cos(x) + sin(x)",
    ]
    assert layout.total.rows[-1].parts[0].role == RESULT


def test_chain_factors_are_numbered_to_pair_with_their_symbols() -> None:
    d = example("x_sin_x")
    path = chain_rule_layout(Notation(d), d.chain_rules[0]).paths[0]
    assert [(p.text, p.role, p.index) for p in path.rows[0].parts] == [
        ("x", FACTOR, 0),
        (" · ", OP, 0),
        ("cos(x)", FACTOR, 1),
    ]


def test_rows_that_repeat_are_left_out_in_every_notation(network: Derivation) -> None:
    first = network.adjoints[0]  # ∂L/∂z: its recurrence is its expression
    assert [r.text for r in adjoint_equation(Notation(network), first).rows] == ["z − y"]
    assert [r.text for r in adjoint_equation(LatexNotation(network), first).rows] == ["z - y"]


def test_an_adjoint_names_the_gradients_it_reuses(network: Derivation) -> None:
    eq = adjoint_equation(Notation(network), network.adjoints[1])
    assert (eq.lhs.text, eq.note) == ("∂L/∂h", "reuses ∂L/∂z")
    assert [r.text for r in eq.rows] == ["∂L/∂z · ∂z/∂h", "∂L/∂z·W₂", "W₂·(z − y)"]
    tex = adjoint_equation(LatexNotation(network), network.adjoints[1])
    assert tex.note == r"\text{reuses } \frac{\partial L}{\partial z}"


def test_an_omitted_result_is_a_note_row() -> None:
    d = example("sin_x2")
    rule = dataclasses.replace(d.chain_rules[0], result=None, result_size=1234567)
    last = chain_rule_layout(Notation(d), rule).total.rows[-1]
    assert [(p.text, p.role) for p in last.parts] == [(omitted_text(1234567), NOTE)]
    assert "1,234,567 nodes" in omitted_text(1234567)


def test_heading_brackets_what_an_operator_could_swallow(network: Derivation) -> None:
    assert heading(Notation(example("x_sin_x"))) == "d/dx (x·sin(x))"
    assert heading(Notation(derive("sin(x)**2"))) == "d/dx sin(x)²"
    assert heading(Notation(network)) == (
        "∂/∂W₁, ∂/∂W₂, ∂/∂b₁, ∂/∂b₂ of (W₂·σ(W₁·x + b₁) + b₂ − y)²/2"
    )
    assert heading(LatexNotation(network)).startswith(
        r"\frac{\partial}{\partial W_{1}}, \frac{\partial}{\partial W_{2}}, "
    )


def test_heading_shows_the_source_when_the_expression_is_too_large() -> None:
    d = dataclasses.replace(example("sin_x2"), expression=None)
    d = dataclasses.replace(d, graph=dataclasses.replace(d.graph, source="a = x^2\nb = {a}_1"))
    assert heading(Notation(d)) == "d/dx a = x^2; b = {a}_1"
    assert (
        heading(LatexNotation(d)) == r"\frac{d}{dx} \text{a = x\textasciicircum{}2; b = \{a\}\_1}"
    )


def test_a_cached_local_factor_shows_the_forward_value_it_reuses() -> None:
    d = example("bce_identity")
    factor = next(f for f in d.local_derivatives if (f.of, f.wrt) == ("p", "a"))
    eq = local_equation(Notation(d), factor)
    assert [r.text for r in eq.rows] == ["σ(a)(1 − σ(a))", "p(1 − p)"]
    assert (eq.note, eq.note_row) == ("reuses p from the forward pass", 1)
    tex = local_equation(LatexNotation(d), factor)
    assert tex.note == r"\text{reuses } p \text{ from the forward pass}"
    plain = next(f for f in d.local_derivatives if f.cached is None)
    assert len(local_equation(Notation(d), plain).rows) == 1


def test_a_gradient_ends_with_its_form_in_the_named_nodes() -> None:
    d = example("bce_identity")
    a = next(adj for adj in d.adjoints if adj.wrt == "a")
    assert [r.text for r in adjoint_equation(Notation(d), a).rows][-2:] == [
        "σ(a)(1 − σ(a))(−(y − 1)/v − y/p)",
        "p − y",
    ]
    w = next(c for c in d.chain_rules if c.wrt == "w")
    rows = [r.text for r in chain_rule_layout(Notation(d), w).total.rows]
    # then the result in the inputs, and the same form written in them as the answer
    assert rows[-3] == "x·(p − y)" and rows[-1] == "x·(σ(w·x + b) − y)"


def test_a_form_naming_an_unused_assignment_says_what_it_is() -> None:
    d = example("softmax_ce")
    z2 = next(adj for adj in d.adjoints if adj.wrt == "z2")
    eq = adjoint_equation(Notation(d), z2)
    assert eq.note == "reuses ∂L/∂e₂; with p₂ = e₂/s" and eq.rows[-1].text == "p₂"
    chain = next(c for c in d.chain_rules if c.wrt == "z2")
    assert chain_rule_layout(Notation(d), chain).total.note == "with p₂ = e₂/s"
    z1 = next(c for c in d.chain_rules if c.wrt == "z1")
    assert chain_rule_layout(Notation(d), z1).total.note == ""  # p₁ − 1 names no such line
