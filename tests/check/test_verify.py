"""The cross-check (``check.verify``): how each derivation is verified, the notes it leaves when it
cannot decide, and that a deliberately wrong derivation never passes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import mpmath
import pytest
import sympy

import chainrule.check.verify as verify_module
from chainrule.api import derive
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.check.difference import NotConvergedError
from chainrule.check.verify import verify
from chainrule.errors import EXIT_INTERNAL, VerificationError
from chainrule.model import Adjoint, ChainRule, Derivation, Note
from tests.helpers import network, real


def unchecked(text: str, wrt: object = None) -> Derivation:
    return derive(text, wrt, check=False)  # type: ignore[arg-type]


def test_check_false_is_unchecked_and_verify_checks_numerically() -> None:
    d = unchecked("sin(x**2)")
    assert (d.verified, d.notes) == ("unchecked", ())
    checked = verify(d)
    assert (checked.verified, checked.notes) == ("numeric", ())
    assert checked.steps == d.steps  # the check adds a verdict, never changes a step
    assert derive("sin(x**2)").verified == "numeric"


@pytest.mark.parametrize(
    ("text", "wrt"),
    [
        ("x*y + sin(y)", "all"),
        ("sqrt(-x)", None),  # no real value at positive points: the wider range finds one
        ("a = W1*x + b1; h = sigmoid(a); L = (h - y)^2", ["h", "W1", "x"]),
        ("2^3", None),  # a constant: derivative 0, still checked
    ],
)
def test_numeric(text: str, wrt: object) -> None:
    assert verify(unchecked(text, wrt)).verified == "numeric"


@pytest.mark.parametrize("text", ["sqrt(-1 - x^2)", "ln(-x^2 - 1)", "acosh(-x^2)"])
def test_no_real_point_is_skipped_with_a_note(text: str) -> None:
    d = verify(unchecked(text))
    assert d.verified == "skipped"
    assert d.notes == (Note("no_real_point"),)


def test_abstract_functions_are_checked_symbolically() -> None:
    for text in ("f(g(x))", "f(x) + g(y)", "f(x^2, sin(x))"):
        d = verify(unchecked(text, "all"))
        assert (d.verified, d.notes) == ("symbolic", ()), text


def test_abstract_and_too_large_to_write_out_is_skipped() -> None:
    d = verify(unchecked("f(" + "sin(" * 110 + "x" + ")" * 110 + ")"))  # 6,000 nodes
    assert d.chain_rules[0].result is None
    assert d.verified == "skipped"
    assert d.notes == (Note("abstract_too_large"),)


def test_abstract_forms_sympy_cannot_compare_are_undecided(monkeypatch) -> None:
    d = unchecked("f(g(x))")
    monkeypatch.setattr(sympy, "simplify", lambda expr, *a, **k: expr + sympy.Symbol("unknown"))
    checked = verify(d)
    assert checked.verified == "skipped"
    assert checked.notes == (Note("symbolic_undecided"),)


def test_notes_already_present_are_kept() -> None:
    d = unchecked("2^3")
    assert d.notes == (Note("constant"),)
    assert verify(d).notes == (Note("constant"),)
    skipped = verify(dataclasses.replace(unchecked("sqrt(-1 - x^2)"), notes=(Note("constant"),)))
    assert skipped.notes == (Note("constant"), Note("no_real_point"))


def test_checking_again_adds_no_second_note() -> None:
    # The runner checks a derivation once, and again once simplified: one note, not two.
    once = verify(unchecked("sqrt(-1 - x^2)"))
    assert verify(once).notes == (Note("no_real_point"),)


# -- a wrong derivation never passes -------------------------------------------------------------


def _replace_chain(d: Derivation, **changes: object) -> Derivation:
    (chain,) = d.chain_rules
    wrong = dataclasses.replace(chain, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(d, steps=tuple(wrong if s is chain else s for s in d.steps))


def test_a_wrong_factor_is_caught_before_printing() -> None:
    d = differentiate(decompose(network()), ["W1"])
    (chain,) = d.chain_rules
    wrong = dataclasses.replace(chain, in_intermediates=chain.in_intermediates * 2, result=None)
    steps = tuple(wrong if s is chain else s for s in d.steps)
    with pytest.raises(VerificationError):
        verify(dataclasses.replace(d, steps=steps))


def _double_result(d: Derivation) -> Derivation:
    return _replace_chain(d, result=d.chain_rules[0].result * 2)


def _wrong_simplified(d: Derivation) -> Derivation:
    return _replace_chain(d, simplified=d.chain_rules[0].result + 1)


def _wrong_path(d: Derivation) -> Derivation:
    paths = d.chain_rules[0].paths
    assert paths
    first = dataclasses.replace(paths[0], product=paths[0].product * 3)
    return _replace_chain(d, paths=(first, *paths[1:]))


@pytest.mark.parametrize(
    ("breaking", "what"),
    [
        (_double_result, "the result of d/dW1"),
        (_wrong_simplified, "the simplified of d/dW1"),
        (_wrong_path, "the sum over paths for d/dW1"),
    ],
)
def test_each_claimed_form_is_checked(
    breaking: Callable[[Derivation], Derivation], what: str
) -> None:
    d = differentiate(decompose(network()), ["W1"])
    assert verify(d).verified == "numeric"
    with pytest.raises(VerificationError) as caught:
        verify(breaking(d))
    err = caught.value
    assert err.message.startswith(f"internal error: {what} failed its numerical cross-check (")
    assert err.message.endswith("); please report this input")
    assert err.exit_code == EXIT_INTERNAL and err.source == d.source


def test_a_wrong_upstream_recurrence_is_caught_where_it_is_reused() -> None:
    # Sixty residual layers (whose gradients do not vanish below the tolerance): the gradient
    # of w1 is written with the upstream gradients it reuses (those of the upper layers, near
    # L, are written out within EXPAND_BUDGET).
    lines = ["h1 = sigmoid(w1*x)"]
    lines += [f"h{i} = h{i - 1} + sigmoid(w{i}*h{i - 1})" for i in range(2, 61)]
    d = unchecked("; ".join([*lines, "L = (h60 - y)^2/2"]), "w1")
    assert not d.chain_rules[0].expanded
    adjoint = next(s for s in d.steps if isinstance(s, Adjoint) and s.wrt == "h5")
    assert not adjoint.expanded
    # Without its form in the forward values (against which it would be caught at h5 itself).
    wrong = dataclasses.replace(adjoint, recurrence=adjoint.recurrence * 2, in_nodes=None)
    broken = dataclasses.replace(d, steps=tuple(wrong if s is adjoint else s for s in d.steps))
    assert verify(d).verified == "numeric"
    with pytest.raises(VerificationError, match="gradient along a random direction failed"):
        verify(broken)


def test_a_wrong_gradient_along_a_direction_is_caught() -> None:
    # Every form agrees with every other (all doubled), so only the finite difference can tell.
    d = unchecked("x*y + sin(y)", "all")
    steps = []
    for s in d.steps:
        if isinstance(s, ChainRule):
            paths = tuple(dataclasses.replace(p, product=p.product * 2) for p in s.paths or ())
            s = dataclasses.replace(
                s, in_intermediates=s.in_intermediates * 2, result=s.result * 2, paths=paths
            )
        steps.append(s)
    with pytest.raises(VerificationError, match="gradient along a random direction"):
        verify(dataclasses.replace(d, steps=tuple(steps)))


# Found by a fresh (non-derandomized) draw: sin(π^((−x)^(−π))) oscillates so fast near
# x ≈ −0.36 (f‴ ≈ 1e42) that the central difference with a step of 1e-18 is off by
# h²·f‴/6 ≈ 1e-8 relative; and sin(e^((x + 2/3)² + …)) has a period near 1e-18 (issue 9).
# Refined (Richardson, then 400 digits with a step of 1e-150) the quotient agrees.
@pytest.mark.parametrize(
    "text",
    [
        "sin(pi^((-x)^(-pi)))",
        "sin(exp((x + 2/3)**2 + (4/3 + 5)**2) + sin(x + 1)*sin(tanh(x))/(2 + exp(2*tanh(5)**2)))",
        "(tan((5^x)^exp(5))*2/(4*x*pi*x*4))^3",
    ],
)
def test_a_rapidly_oscillating_function_is_not_a_false_alarm(text: str) -> None:
    assert verify(unchecked(text)).verified == "numeric_refined"


def test_a_wrong_derivative_of_an_ill_conditioned_function_is_still_caught() -> None:
    d = _replace_chain(unchecked("sin(pi^((-x)^(-pi)))"), result=None, paths=None)
    (chain,) = d.chain_rules
    wrong = _replace_chain(
        d, in_intermediates=chain.in_intermediates * (1 + sympy.Rational(1, 10**6))
    )
    with pytest.raises(VerificationError, match="gradient along a random direction"):
        verify(wrong)


def test_where_no_point_settles_a_small_derivation_is_compared_symbolically(monkeypatch) -> None:
    def unsettled(derivation: Derivation, point: object, rng: object) -> bool:
        raise NotConvergedError("oscillates")

    monkeypatch.setattr(verify_module, "_check_at", unsettled)
    assert verify(unchecked("sin(x**2)")).verified == "symbolic"
    wrong = _replace_chain(unchecked("sin(x**2)"), result=sympy.sin(real("x") ** 2))
    skipped = verify(wrong)  # never a false alarm, never a false "checked"
    assert (skipped.verified, skipped.notes) == ("skipped", (Note("ill_conditioned"),))


def test_a_near_miss_is_retried_with_more_digits(monkeypatch) -> None:
    seen: list[int] = []

    def fails_at_fifty(derivation: Derivation, point: object, rng: object) -> None:
        seen.append(mpmath.mp.dps)
        if mpmath.mp.dps < 400:
            raise VerificationError("near miss")

    monkeypatch.setattr(verify_module, "_check_at", fails_at_fifty)
    assert verify(unchecked("sin(x)")).verified == "numeric_refined"
    assert seen == [50, 400]

    def always_fails(derivation: Derivation, point: object, rng: object) -> None:
        raise VerificationError("a real mismatch")

    monkeypatch.setattr(verify_module, "_check_at", always_fails)
    with pytest.raises(VerificationError, match="a real mismatch"):
        verify(unchecked("sin(x)"))


def test_points_are_reproducible_for_a_seed(monkeypatch) -> None:
    points: list[dict] = []
    monkeypatch.setattr(
        verify_module, "_check_at", lambda d, point, rng: points.append(dict(point))
    )
    d = unchecked("x*y", "all")
    verify(d, seed=5)
    verify(d, seed=5)
    verify(d, seed=6)
    assert points[0] == points[1] != points[2]
    assert all(0.2 <= float(v) <= 1.4 for v in points[0].values())


def _simplified(d: Derivation, form: sympy.Expr) -> Derivation:
    steps = tuple(
        dataclasses.replace(s, simplified=form) if isinstance(s, ChainRule) else s for s in d.steps
    )
    return dataclasses.replace(d, steps=steps)


def test_since_checks_only_the_forms_added_since(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = derive("sin(x)*cos(x)")
    x = checked.graph.symbols["x"]

    def whole_check(*args: object) -> None:
        raise AssertionError("the derivation was checked again")

    monkeypatch.setattr(verify_module, "_check_at", whole_check)
    right = verify(_simplified(checked, sympy.cos(2 * x)), since=checked)
    assert right.verified == "numeric"
    with pytest.raises(VerificationError, match="simplified of d/dx"):
        verify(_simplified(checked, sympy.sin(2 * x)), since=checked)
    # Not checked numerically before: the whole derivation is.
    with pytest.raises(AssertionError, match="checked again"):
        verify(_simplified(checked, sympy.cos(2 * x)), since=unchecked("sin(x)*cos(x)"))


def _with(d: Derivation, old: object, new: object) -> Derivation:
    return dataclasses.replace(d, steps=tuple(new if s is old else s for s in d.steps))


def test_forms_in_the_forward_values_are_checked_too() -> None:
    d = unchecked("a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))", "all")
    assert verify(d).verified == "numeric"
    p, y = sympy.Symbol("p", real=True), sympy.Symbol("y", real=True)
    adjoint = next(a for a in d.adjoints if a.wrt == "a")
    assert adjoint.in_nodes == p - y
    wrong = _with(d, adjoint, dataclasses.replace(adjoint, in_nodes=y - p))
    with pytest.raises(VerificationError, match="∂L/∂a in forward values failed"):
        verify(wrong)
    chain = next(c for c in d.chain_rules if c.wrt == "b")
    wrong = _with(d, chain, dataclasses.replace(chain, in_nodes=p + y))
    with pytest.raises(VerificationError, match="d/db in forward values failed"):
        verify(wrong)
    factor = next(f for f in d.local_derivatives if f.cached is not None)
    wrong = _with(d, factor, dataclasses.replace(factor, cached=p * (1 + p)))
    with pytest.raises(VerificationError, match="∂p/∂a in forward values failed"):
        verify(wrong)


def test_an_aside_line_is_evaluated_where_a_form_names_it() -> None:
    d = unchecked(
        "e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; L = -ln(p1)", "all"
    )
    assert verify(d).verified == "numeric"  # ∂L/∂z₂ = p₂, with p₂ evaluated from e₂/s
    (aside,) = d.graph.aside
    # A wrong definition of p₂ makes the form disagree: it really was evaluated.
    graph = dataclasses.replace(
        d.graph, aside=(dataclasses.replace(aside, definition=2 * aside.definition),)
    )
    with pytest.raises(VerificationError, match="in forward values failed"):
        verify(dataclasses.replace(d, graph=graph))
    # One that no form names is not evaluated: ln of a negative there would skip every point.
    bad = dataclasses.replace(
        aside,
        name="q",
        symbol=sympy.Symbol("q", real=True),
        definition=sympy.log(-1 - aside.definition),
    )
    graph = dataclasses.replace(d.graph, aside=(aside, bad))
    assert verify(dataclasses.replace(d, graph=graph)).verified == "numeric"
