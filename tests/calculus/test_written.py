"""Intermediates written out in the inputs (``calculus.written``): sizes without building,
forms on demand and within the limits, and the iterative substitution."""

from __future__ import annotations

import sympy

from chainrule.calculus.decompose import decompose
from chainrule.calculus.written import (
    RESULT_MAX_DEPTH,
    Written,
    substitute,
    substituted_size,
    tree_depth,
    tree_size,
    within_limits,
)
from chainrule.read.program import parse
from tests.helpers import real


def test_sizes_are_counted_without_building_and_match_the_forms() -> None:
    w = Written(decompose(parse("a = x^2 + 1; b = sin(a)*a; L = exp(b) + b")))
    for name in ("a", "b", "L"):
        form = w.full(name)
        assert form is not None
        assert (w.size[name], w.depth[name]) == (tree_size(form), tree_depth(form))
    typed = w.typed("L")
    assert typed is not None and typed.doit() == w.full("L")


def test_a_form_past_the_depth_limit_is_not_built() -> None:
    text = "sin(" * (RESULT_MAX_DEPTH + 5) + "x" + ")" * (RESULT_MAX_DEPTH + 5)
    graph = decompose(parse(text))
    w = Written(graph)
    out = graph.output
    assert w.size[out] == RESULT_MAX_DEPTH + 6 and w.depth[out] == RESULT_MAX_DEPTH + 5
    assert w.full(out) is None and w.typed(out) is None
    assert not within_limits(w.size[out], w.depth[out]) and within_limits(10, 10)


def test_substitute_evaluates_like_xreplace_and_counts_like_substituted_size() -> None:
    x, u, v = real("x"), real("u"), real("v")
    expr = u * v + sympy.cos(u)
    mapping = {u: x + 1, v: 2 * x}
    assert substitute(expr, mapping) == expr.xreplace(mapping)
    written = expr.xreplace({u: x + 1, v: x + 2})
    counted = substituted_size(expr, {"u": 3, "v": 3}, {"u": 1, "v": 1})
    assert counted == (tree_size(written), tree_depth(written))
