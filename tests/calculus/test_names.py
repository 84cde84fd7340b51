"""Names for generated intermediates and the output (``calculus.names``): never sharing a
stem with the user's names."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule.calculus.decompose
from chainrule.calculus.decompose import decompose
from chainrule.calculus.names import fresh_names, output_name, predicted_names, stem
from chainrule.errors import MathError
from chainrule.model import Graph, Term
from tests.helpers import call, expression, num, op, sym
from tests.strategies import oracle_terms


@pytest.mark.parametrize(
    ("name", "expected"),
    [("w1", "w"), ("W_1", "w"), ("W_12", "w"), ("theta2", "theta"), ("x", "x"),
     ("y__hat", "y"), ("p2", "p"), ("_1", "_1"), ("L", "l")],
)  # fmt: skip
def test_stem(name: str, expected: str) -> None:
    assert stem(name) == expected


def test_short_names_skip_every_stem_the_user_has() -> None:
    assert fresh_names(3, {"x"}) == ["u", "v", "w"]
    assert fresh_names(3, {"w1", "w2", "x"}) == ["u", "v", "p"]  # no w beside w₁, w₂
    assert fresh_names(2, {"p2", "z1"}) == ["u", "v"]
    assert fresh_names(7, {"p2", "z1"}) == ["u", "v", "w", "q", "r", "s", "t"]  # no p
    assert fresh_names(2, {"W1", "U"}) == ["v", "p"]  # in either case


def test_numbered_names_use_a_free_stem() -> None:
    assert fresh_names(9, set()) == [f"u{i}" for i in range(1, 10)]
    assert fresh_names(9, {"u"}) == [f"v{i}" for i in range(1, 10)]
    everything = set("uvwpqrst")
    assert fresh_names(9, everything) == [f"m{i}" for i in range(1, 10)]
    assert fresh_names(2, everything | {"m3"}, {"m1"}) == ["n1", "n2"]  # m is m3's stem
    assert fresh_names(10, {"u", "v1", "w", "p", "q", "r", "s", "t", "m", "n"}) == [
        f"k{i}" for i in range(1, 11)
    ]


def test_the_output_name() -> None:
    assert output_name({"x"}) == "y"
    assert output_name({"x", "y1"}) == "f"  # no y beside y₁
    assert output_name({"y", "f"}, ["g"]) == "L"
    assert output_name({"y", "f", "g", "l2"}) == "out"  # F shares f's stem
    assert output_name({"y", "f", "g", "L", "out"}) == "out1"


def test_predicted_names_are_the_numbered_names_past_the_short_ones() -> None:
    taken, exact = {"x", "w3", "v"}, {"sin", "u8"}
    predicted = predicted_names(taken, exact)
    short = sum(1 for k in range(1, 9) if predicted(k) is None)
    assert short == 6  # u, p, q, r, s, t: none while there may be no more than these
    assert fresh_names(short, taken, exact) == ["u", "p", "q", "r", "s", "t"]
    names = [predicted(k) for k in range(1, short + 5)]
    assert names[short:] == fresh_names(short + 4, taken, exact)[short:]
    assert names[short:] == ["u7", "u9", "u10", "u11"]  # u8 is taken


def _nodes(graph: Graph) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            n.name,
            sympy.srepr(n.definition),
            sympy.srepr(n.evaluated),
            sympy.srepr(n.written),
            n.parents,
        )
        for n in graph.nodes
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(oracle_terms(4), min_size=3, max_size=6))
def test_predicted_names_change_no_decomposition(terms: list[Term]) -> None:
    # Named as predicted from the start or renamed at the end (as every name once was), an
    # expression decomposes to the very same nodes: names, typed and evaluated forms.
    fixed = [op("mul", num(k), sym("x")) for k in range(2, 8)]  # past the short names
    prog = expression(op("add", *(call("sin", t) for t in [*fixed, *terms])))
    try:
        predicted = decompose(prog)
    except MathError:
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chainrule.calculus.decompose, "predicted_names", lambda *_: None)
        renamed = decompose(prog)
    assert len(predicted.nodes) > 9  # past the short names
    assert _nodes(predicted) == _nodes(renamed)
    assert predicted.inputs == renamed.inputs and predicted.output == renamed.output
