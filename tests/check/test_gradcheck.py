"""The gradient check: every derivative against a central finite difference, at a given point
or at seeded random points; a wrong derivative is caught, an ill-conditioned point never is."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from chainrule.api import derive, gradcheck, parse_points
from chainrule.calculus import engine
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.check.gradcheck import TOLERANCE, with_gradcheck
from chainrule.check.gradcheck import gradcheck as check_gradients
from chainrule.errors import ChainruleError, MathError, ParseError, VariableError
from chainrule.model import Derivation, GradCheck, Term
from tests.helpers import expression, program
from tests.strategies import ml_programs, oracle_programs, oracle_terms

NETWORK = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
NETWORK_AT = "x=1.5, W1=0.3, b1=-1, W2=0.8, b2=0.1, y=1"


def _step(d: Derivation) -> GradCheck:
    step = d.steps[-1]
    assert isinstance(step, GradCheck)
    return step


def _checked(graph_program: object) -> GradCheck | None:
    """The gradient check of a random program, or None where it does not decompose."""
    try:
        graph = decompose(graph_program)  # type: ignore[arg-type]
        d = differentiate(graph, graph.input_names or ("x",))
        return check_gradients(d)
    except ChainruleError:
        return None


# --- agreement ----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_terms(4))
def test_random_expressions_agree_with_their_finite_differences(term: Term) -> None:
    step = _checked(expression(term))
    if step is None:
        return
    assert step.agree, [e for e in step.entries if e.ok is False]
    for e in step.entries:
        if e.ok:
            assert e.relative_error is not None and e.relative_error <= TOLERANCE


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_programs())
def test_random_programs_agree_with_their_finite_differences(
    lines: list[tuple[str, Term]],
) -> None:
    step = _checked(program(lines))
    if step is None:
        return
    assert step.agree, [e for e in step.entries if e.ok is False]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_terms(2, activations=True))
def test_random_activations_agree_with_their_finite_differences(term: Term) -> None:
    # leaky_relu, elu, hardtanh with parameters: corners are passed over, never compared.
    step = _checked(expression(term))
    if step is None:
        return
    assert step.agree, [e for e in step.entries if e.ok is False]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ml_programs())
def test_random_networks_agree_with_their_finite_differences(
    lines: list[tuple[str, Term]],
) -> None:
    step = _checked(program(lines))
    if step is None:
        return
    assert step.agree, [e for e in step.entries if e.ok is False]


def test_the_network_agrees_at_a_given_point() -> None:
    checked = gradcheck(NETWORK, at=NETWORK_AT)
    assert checked.verified == "gradcheck"  # the GradCheck step is its check, not "unchecked"
    step = _step(checked)
    assert step.agree and not step.random
    assert [e.wrt for e in step.entries] == ["W1", "W2", "b1", "b2", "x", "y"]
    assert all(e.ok for e in step.entries)
    by_wrt = {e.wrt: e for e in step.entries}
    # By hand: a = −0.55, h = σ(a), z = 0.8h + 0.1, ∂L/∂W₁ = (z − y)·W₂·σ′(a)·x.
    h = 1 / (1 + mpmath.exp(0.55))
    z = 0.8 * h + 0.1
    by_hand = (z - 1) * 0.8 * h * (1 - h) * 1.5
    assert float(by_wrt["W1"].numeric) == pytest.approx(float(by_hand), rel=1e-12)
    assert float(by_wrt["W1"].numeric) == pytest.approx(-0.16908, abs=1e-5)
    assert float(by_wrt["y"].symbolic) == pytest.approx(float(1 - z), rel=1e-12)
    assert all(e.relative_error is not None and e.relative_error < 1e-25 for e in step.entries)


def test_the_values_at_a_point_equal_the_finite_differences() -> None:
    # Item 1's numbers (the --at tables) checked by the finite difference.
    d = derive(NETWORK, "all", at=NETWORK_AT)
    values = dict(d.steps[-1].derivatives)  # type: ignore[attr-defined]
    for e in check_gradients(d, [parse_points(NETWORK_AT)]).entries:
        assert e.numeric is not None and values[e.wrt].decimal is not None
        assert abs(values[e.wrt].decimal - e.numeric) <= 1e-25 * max(1, abs(e.numeric))


def test_the_network_agrees_at_random_points_reproducibly() -> None:
    first = _step(gradcheck(NETWORK, points=4, seed=3))
    again = _step(gradcheck(NETWORK, points=4, seed=3))
    other = _step(gradcheck(NETWORK, points=4, seed=4))
    assert first.agree and first.random and first.seed == 3
    assert len({e.point for e in first.entries}) == 4
    assert len(first.entries) == 4 * 6
    assert first == again
    assert first.entries[0].point != other.entries[0].point
    # Three decimals each, so that a point can be typed back with --at.
    for _, number in first.entries[0].point:
        assert number.exact is not None and (number.exact * 1000).is_Integer


def test_wrt_chooses_the_variables_and_a_named_intermediate() -> None:
    step = _step(gradcheck(NETWORK, ["W1", "h"], at=NETWORK_AT))
    assert [e.wrt for e in step.entries] == ["W1", "h"]
    assert step.agree and all(e.ok for e in step.entries)


def test_a_variable_that_does_not_occur_has_derivative_zero() -> None:
    step = _step(gradcheck("x^2", ["x", "q"], at="x=3"))
    assert [(e.wrt, float(e.symbolic or 0), e.ok) for e in step.entries] == [
        ("x", 6.0, True),
        ("q", 0.0, True),
    ]


def test_a_derivative_that_is_zero_agrees() -> None:
    # x³ − 3x at x = 1: the derivative is 0 and the difference quotient is rounding noise.
    step = _step(gradcheck("x^3 - 3x", at="x=1"))
    (entry,) = step.entries
    assert entry.ok and entry.symbolic == 0


def test_an_expression_without_variables_is_checked_once() -> None:
    step = _step(gradcheck("sin(2)"))
    assert step.agree and len(step.entries) == 1


# --- it can fail --------------------------------------------------------------------------------


@pytest.fixture
def sine_negated(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A bug in a local rule: sin′ = −cos, so every derivation through a sine is wrong."""
    real = engine.local_derivative

    def negated(definition: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
        derivative = real(definition, variable)
        return -derivative if isinstance(definition, sympy.sin) else derivative

    monkeypatch.setattr(engine, "local_derivative", negated)
    yield


@pytest.mark.usefixtures("sine_negated")
def test_a_wrong_local_factor_is_caught() -> None:
    step = _step(gradcheck("sin(x^2)", at="x=1"))
    (entry,) = step.entries
    assert not step.agree and entry.ok is False
    assert entry.relative_error is not None and entry.relative_error > 1
    assert float(entry.symbolic) == pytest.approx(-2 * float(mpmath.cos(1)))
    assert float(entry.numeric) == pytest.approx(2 * float(mpmath.cos(1)))


@pytest.mark.usefixtures("sine_negated")
def test_a_wrong_local_factor_is_caught_at_random_points() -> None:
    step = _step(gradcheck("a = w*x; h = sin(a); L = h^2", points=3))
    assert not step.agree
    assert {e.ok for e in step.entries} == {False}


def test_a_wrong_result_is_caught_though_backprop_is_right() -> None:
    d = derive("sin(x^2)")
    (chain,) = d.chain_rules
    x = d.graph.symbols["x"]
    wrong = dataclasses.replace(chain, result=sympy.cos(x**2))  # the inner derivative forgotten
    d = dataclasses.replace(d, steps=tuple(wrong if s is chain else s for s in d.steps))
    step = _step(with_gradcheck(d, [{"x": sympy.Integer(2)}]))
    (entry,) = step.entries
    assert entry.ok is False and entry.form == "result"
    assert entry.relative_error is not None and entry.relative_error > 0.5
    assert float(entry.symbolic) == pytest.approx(float(mpmath.cos(4)))


def test_a_small_error_is_caught() -> None:
    # One part in a million: far above the tolerance, far below what a plot would show.
    d = derive("exp(x)")
    (chain,) = d.chain_rules
    wrong = dataclasses.replace(chain, in_intermediates=chain.in_intermediates * (1 + 10**-6))
    d = dataclasses.replace(d, steps=tuple(wrong if s is chain else s for s in d.steps))
    (entry,) = check_gradients(d, [{"x": sympy.Integer(1)}]).entries
    assert entry.ok is False
    assert float(entry.relative_error) == pytest.approx(1e-6, rel=1e-3)


# --- where no comparison can be made: never a false alarm ---------------------------------------


def test_ill_conditioned_points_are_refined_not_reported() -> None:
    # Periods near 10⁻¹⁸ here: a fixed step measures nothing; 400 digits and Richardson do.
    for text, at in (("sin(e^((x + 2/3)^2 + 41))", "x=0.1"), ("sin(pi^((-x)^(-pi)))", "x=-0.36")):
        step = _step(gradcheck(text, at=at))
        assert step.agree and step.entries[0].ok is True, text


def test_a_quotient_that_never_settles_is_not_compared() -> None:
    # sin(e^(e^6)): a phase of 10^175 radians, beyond even a 10⁻¹⁵⁰ step.
    d = gradcheck("sin(exp(exp(x+6)))", at="x=0")
    step = _step(d)
    (entry,) = step.entries
    assert step.agree and entry.ok is None and entry.why == "unsettled"
    assert "gradcheck_nothing" in {n.code for n in d.notes}


def test_random_points_where_it_does_not_settle_are_skipped() -> None:
    d = gradcheck("sin(exp(exp(x+6)))")
    step = _step(d)
    assert step.agree and step.skipped > 0 and all(e.ok for e in step.entries)
    assert "gradcheck_skipped" in {n.code for n in d.notes}


def test_a_corner_at_the_point_has_no_derivative_to_compare() -> None:
    step = _step(gradcheck("a = w*x; h = relu(a); L = (h - y)^2", ["w"], at="w=1, x=0, y=1"))
    (entry,) = step.entries
    assert entry.ok is None and entry.why == "no_value" and step.agree
    # hardtanh at its corner: sympy picks one branch, the central difference averages both.
    (entry,) = _step(gradcheck("hardtanh(x)", at="x=1")).entries
    assert entry.ok is None and entry.why == "no_value"


def test_random_points_without_values_are_skipped() -> None:
    # log and √ have no real value for negative x, which half the draws may give.
    step = _step(gradcheck("log(x) + sqrt(y)", points=4, seed=1))
    assert step.agree and len(step.entries) == 8 and all(e.ok for e in step.entries)
    for e in step.entries:
        assert all(number.decimal is not None and number.decimal > 0 for _, number in e.point)


def test_a_function_a_step_away_from_its_domain_is_not_a_disagreement() -> None:
    step = _step(gradcheck("sqrt(x^2 - 1)", at="x=1"))
    assert step.agree


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "error"),
    [("x=", ParseError), ("x=1/0", MathError), ("y=1", VariableError), ("x=-1", MathError)],
)
def test_a_bad_point_is_an_error_naming_at(at: str, error: type[ChainruleError]) -> None:
    with pytest.raises(error) as caught:
        gradcheck("x*log(x)", at=at)
    assert caught.value.option == "at" and caught.value.exit_code == 2


def test_abstract_functions_have_no_values() -> None:
    with pytest.raises(MathError, match="abstract functions"):
        gradcheck("f(g(x))")
