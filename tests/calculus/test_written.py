"""Intermediates written out in the inputs (``calculus.written``): sizes without building,
forms on demand and within the limits, and the iterative substitution."""

from __future__ import annotations

import sys

import sympy

from chainrule.calculus.decompose import decompose
from chainrule.calculus.written import (
    Written,
    result_max_depth,
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
    deep = result_max_depth() + 5
    text = "sin(" * deep + "x" + ")" * deep
    graph = decompose(parse(text))
    w = Written(graph)
    out = graph.output
    assert w.size[out] == deep + 1 and w.depth[out] == deep
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


def test_the_depth_limit_follows_the_recursion_limit() -> None:
    before = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1000)
        assert result_max_depth() == 100  # sin⁹⁵(x)'s derivative (2,556 nodes at 70) fits
        sys.setrecursionlimit(10_000)  # a worker's
        assert result_max_depth() == 1225
    finally:
        sys.setrecursionlimit(before)
