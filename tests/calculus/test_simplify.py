"""The optional simpler form of each result (``calculus.simplify``): attached only when sympy finds
a shorter equal form, never tried where it cannot help, never a case analysis."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from chainrule.api import derive
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate, tree_size
from chainrule.calculus.simplify import (
    SIMPLIFY_MAX_NODES,
    SIMPLIFY_MAX_RESULTS,
    simplify_results,
)
from chainrule.check.verify import verify
from chainrule.errors import MathError
from chainrule.model import ChainRule, Derivation
from tests.helpers import expression, real
from tests.strategies import oracle_terms

x = real("x")


def with_result(derivation: Derivation, result: sympy.Expr) -> Derivation:
    """The derivation with its one ChainRule's result replaced."""
    steps = tuple(
        dataclasses.replace(s, result=result) if isinstance(s, ChainRule) else s
        for s in derivation.steps
    )
    return dataclasses.replace(derivation, steps=steps)


@pytest.fixture
def simplify_calls(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[sympy.Expr]]:
    """Replace sympy.simplify by ``answer`` (default: the real one); returns what it was asked."""
    real_simplify = sympy.simplify

    def install(answer: Callable[[sympy.Expr], sympy.Expr] = real_simplify) -> list[sympy.Expr]:
        calls: list[sympy.Expr] = []

        def fake(expr: sympy.Expr, *args: object, **kwargs: object) -> sympy.Expr:
            calls.append(expr)
            return answer(expr)

        monkeypatch.setattr(sympy, "simplify", fake)
        return calls

    return install


def test_a_shorter_form_is_attached(simplify_calls) -> None:
    calls = simplify_calls()
    d = derive("sin(x)*cos(x)")
    (chain,) = simplify_results(d).chain_rules
    assert chain.result == -(sympy.sin(x) ** 2) + sympy.cos(x) ** 2  # the exact result is kept
    assert chain.simplified == sympy.cos(2 * x)
    assert calls == [chain.result]


def test_nothing_shorter_leaves_the_derivation_as_it_is(simplify_calls) -> None:
    calls = simplify_calls()
    d = derive("x*sin(x)")  # x*cos(x) + sin(x): a sum, tried, nothing shorter
    assert simplify_results(d) is d
    assert len(calls) == 1


def test_a_form_of_equal_length_is_not_simpler(simplify_calls) -> None:
    d = derive("x*sin(x)")
    simplify_calls(lambda e: e)  # the same form back
    assert simplify_results(d) is d
    other = x * sympy.sin(x) + sympy.cos(x)  # as many operations as x*cos(x) + sin(x)
    assert sympy.count_ops(other) == sympy.count_ops(d.chain_rules[0].result)
    simplify_calls(lambda e: other)
    assert simplify_results(d) is d

    simplify_calls(lambda e: sympy.sin(x + 1))  # shorter, so taken (verify guards equality)
    assert simplify_results(d).chain_rules[0].simplified == sympy.sin(x + 1)


def test_a_bare_product_is_not_tried(simplify_calls) -> None:
    calls = simplify_calls()
    d = derive("sin(x**2)")  # 2*x*cos(x**2): one path, already as simple as the chain made it
    assert simplify_results(d) is d
    assert calls == []
    quotient = derive("1/(1 + x^2)")  # a product holding a negative power is tried
    simplify_results(quotient)
    assert len(calls) == 1


def test_a_piecewise_answer_is_refused(simplify_calls) -> None:
    simplify_calls(lambda e: sympy.Piecewise((0, x < 0), (1, True)))
    d = derive("sin(x)*cos(x)")
    assert simplify_results(d) is d


def test_a_failing_simplify_costs_only_the_simpler_form(simplify_calls) -> None:
    def broken(expr: sympy.Expr) -> sympy.Expr:
        raise RecursionError("sympy gave up")

    simplify_calls(broken)
    d = derive("sin(x)*cos(x)")
    assert simplify_results(d) is d


def test_over_size_results_are_skipped(simplify_calls) -> None:
    calls = simplify_calls()
    big = sympy.Add(*(sympy.sin(i * x) ** 2 for i in range(1, 40)))
    assert tree_size(big) > SIMPLIFY_MAX_NODES
    d = with_result(derive("sin(x)*cos(x)"), big)
    assert simplify_results(d) is d
    assert calls == []


def test_whole_networks_are_not_simplified(simplify_calls) -> None:
    calls = simplify_calls()
    names = [f"w{i}" for i in range(SIMPLIFY_MAX_RESULTS + 1)]
    d = derive(" + ".join(f"sin({w})*cos({w})" for w in names), "all")
    assert len(d.chain_rules) == SIMPLIFY_MAX_RESULTS + 1
    assert simplify_results(d) is d
    assert calls == []
    few = derive(" + ".join(f"sin({w})*cos({w})" for w in names[:SIMPLIFY_MAX_RESULTS]), "all")
    assert all(c.simplified is not None for c in simplify_results(few).chain_rules)


def test_results_not_written_out_and_simplified_ones_are_left(simplify_calls) -> None:
    calls = simplify_calls()
    d = derive("sin(x)*cos(x)")
    once = simplify_results(d)
    assert simplify_results(once) is once  # already simplified: not asked again
    missing = with_result(d, None)  # type: ignore[arg-type]
    assert simplify_results(missing) is missing
    assert len(calls) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_terms(3))
def test_simplified_forms_are_shorter_and_pass_the_cross_check(term: object) -> None:
    try:
        graph = decompose(expression(term))  # type: ignore[arg-type]
    except MathError:
        return
    derivation = verify(differentiate(graph, graph.input_names or ("x",)))
    simpler = simplify_results(derivation)
    verify(simpler)  # a simplified form that disagrees raises VerificationError
    for before, after in zip(derivation.chain_rules, simpler.chain_rules, strict=True):
        if after.simplified is not None:
            assert before.result is not None
            assert sympy.count_ops(after.simplified) < sympy.count_ops(before.result)
