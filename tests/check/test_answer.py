"""Checking a learner's answer: equivalent forms are correct, each common mistake is named from
a real wrong answer, and sympy.diff's own derivative is always judged correct."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chainrule.api import check_answer
from chainrule.errors import ChainruleError, ParseError, VariableError
from chainrule.model import Mistake, Verdict

x = sympy.Symbol("x", real=True)


def verdict(text: str, answer: str, wrt: str | None = None) -> Verdict:
    step = check_answer(text, answer, wrt).steps[0]
    assert isinstance(step, Verdict)
    return step


def only(text: str, answer: str, wrt: str | None = None) -> Mistake:
    v = verdict(text, answer, wrt)
    assert not v.correct
    assert len(v.mistakes) == 1, v.mistakes
    return v.mistakes[0]


# --- equivalent forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("sin(x)**2", "sin(2x)"),  # sin(2x) vs 2 sin x cos x
        ("sin(x)**2", "2 sin(x) cos(x)"),
        ("sigmoid(x)", "e^(-x)/(1 + e^(-x))^2"),  # σ(x)(1 − σ(x)) in exponentials
        ("sigmoid(x)", "σ(x)(1 − σ(x))"),
        ("(x+1)^2", "2(x+1)"),
        ("(x+1)^2", "2x + 2"),
        ("tan(x)", "1 + tan(x)^2"),
        ("x*sin(x)", "x cos(x) + sin(x)"),
        ("log(x^2 + 1)", "2x/(x^2 + 1)"),
    ],
)
def test_equivalent_forms_are_correct(text: str, answer: str) -> None:
    v = verdict(text, answer)
    assert v.correct, v.mistakes
    assert v.how == "symbolic"
    assert v.mistakes == ()


def test_an_equivalence_simplify_cannot_prove_is_correct_numerically(monkeypatch) -> None:
    import chainrule.check.answer as answer

    monkeypatch.setattr(answer, "proved_equal", lambda a, t: False)
    v = verdict("sin(x)**2", "sin(2x)")
    assert v.correct and v.how == "numeric" and v.points == answer.POINTS


def test_a_program_answer_may_use_its_named_intermediates() -> None:
    text = "a = W1*x + b1; L = a^2"
    assert verdict(text, "2*a*x", "W1").correct
    assert verdict(text, "2*(W1*x + b1)*x", "W1").correct
    assert not verdict(text, "2*a", "W1").correct


# --- each mistake, from a real wrong answer ---------------------------------------------------


def test_the_inner_derivative_forgotten() -> None:
    m = only("sin(x^2)", "cos(x^2)")
    assert (m.kind, m.factor, m.expected, m.got) == ("inner_forgotten", ("u", "x"), 2 * x, 1)


def test_every_inner_derivative_forgotten_is_named() -> None:
    v = verdict("sin(cos(x^2))", "cos(cos(x^2))")
    assert [(m.kind, m.factor) for m in v.mistakes] == [
        ("inner_forgotten", ("v", "u")),
        ("inner_forgotten", ("u", "x")),
    ]


def test_a_constant_inner_derivative_forgotten_is_not_a_constant_factor() -> None:
    m = only("sin(3x)", "cos(3x)")
    assert (m.kind, m.expected) == ("inner_forgotten", 3)


def test_a_path_left_out_the_product_rule_half_done() -> None:
    m = only("x*sin(x)", "x*cos(x)")
    assert (m.kind, m.factor, m.expected, m.got) == ("missing_path", ("y", "x"), sympy.sin(x), 0)


def test_the_other_path_left_out() -> None:
    m = only("x*sin(x)", "sin(x)")
    assert (m.kind, m.factor) == ("missing_path", ("y", "u", "x"))


def test_a_product_differentiated_as_the_product_of_the_derivatives() -> None:
    m = only("sin(x)*cos(x)", "cos(x)*(-sin(x))")
    assert (m.kind, m.factor) == ("product_of_derivatives", ())
    assert m.expected == sympy.cos(x) ** 2 - sympy.sin(x) ** 2


def test_a_sign_error_in_a_factor() -> None:
    m = only("cos(x^2)", "2x sin(x^2)")
    u = sympy.Symbol("u", real=True)
    assert (m.kind, m.factor, m.expected, m.got) == (
        "sign",
        ("y", "u"),
        -sympy.sin(u),
        sympy.sin(u),
    )


def test_a_sign_error_of_the_whole_derivative() -> None:
    m = only("sin(x^2)", "-2x cos(x^2)")
    assert (m.kind, m.factor) == ("sign", ())


def test_a_constant_factor_off_names_k() -> None:
    m = only("sin(x^2)", "4x cos(x^2)")
    assert (m.kind, m.scale) == ("constant_factor", 2)
    assert only("x^2 + x", "x + 1/2").scale == sympy.Rational(1, 2)


def test_the_outer_derivative_at_the_wrong_point() -> None:
    m = only("sin(x^2)", "cos(x)*2x")
    assert (m.kind, m.factor, m.at, m.correct_at) == (
        "wrong_point",
        ("y", "u"),
        (("u", x),),
        (("u", x**2),),
    )


def test_the_functions_composed_in_the_wrong_order() -> None:
    m = only("sin(x^2)", "2 sin(x) cos(x)")  # the derivative of sin(x)²
    assert (m.kind, m.expected, m.got) == ("wrong_order", sympy.sin(x**2), sympy.sin(x) ** 2)
    m = only("ln(x^2+1)", "2*ln(x)/x")  # both undefined for x < 0: still that mistake
    assert (m.kind, m.got) == ("wrong_order", sympy.log(x) ** 2 + 1)


def test_the_power_rules_exponent_not_reduced() -> None:
    m = only("(x^2+1)^3", "3(x^2+1)^3*2x")
    u = sympy.Symbol("u", real=True)
    assert (m.kind, m.factor, m.expected, m.got) == (
        "power_not_reduced",
        ("y", "u"),
        3 * u**2,
        3 * u**3,
    )
    assert only("x^3", "3x^3").kind == "power_not_reduced"


def test_otherwise_a_point_where_they_disagree_with_both_values() -> None:
    m = only("sin(x^2)", "x^2")
    assert m.kind == "disagree"
    assert m.at == (("x", 1),)
    assert (m.expected, m.got) == (2 * sympy.cos(1), 1)


def test_a_disagreement_skips_points_where_the_two_agree() -> None:
    m = only("log(x)", "1/x^2")  # equal at x = 1
    assert (m.at, m.expected, m.got) == ((("x", 2),), sympy.Rational(1, 2), sympy.Rational(1, 4))


def test_an_answer_undefined_where_the_derivative_is_defined_is_wrong() -> None:
    m = only("x^2", "2*sqrt(x^3)/sqrt(x)")  # no real value for x < 0
    assert (m.kind, m.at, m.expected, m.got) == ("disagree", (("x", -1),), -2, None)


def test_an_answer_right_for_positive_x_only_is_wrong() -> None:
    m = only("x^2", "2*sqrt(x^2)")  # 2|x|: the points take both signs
    assert (m.kind, m.at, m.expected, m.got) == ("disagree", (("x", -1),), -2, 2)


# --- bad input --------------------------------------------------------------------------------


def test_a_bad_answer_is_a_parse_error_pointing_into_the_answer() -> None:
    with pytest.raises(ParseError) as caught:
        check_answer("sin(x^2)", "cos(x^^2)")
    err = caught.value
    assert err.message.startswith("in the answer: ")
    assert (err.source, err.column) == ("cos(x^^2)", 7)


def test_an_answer_in_a_variable_the_expression_lacks_is_refused() -> None:
    with pytest.raises(VariableError, match="the answer uses t"):
        check_answer("sin(x^2)", "2t cos(t^2)")


def test_an_answer_is_for_one_variable() -> None:
    with pytest.raises(VariableError, match="one variable"):
        check_answer("x*y", "y", ["x", "y"])


def test_an_answer_is_one_expression() -> None:
    with pytest.raises(ParseError, match="one expression"):
        check_answer("x^2", "a = 2x")


# --- the oracle: sympy.diff's own derivative is always correct, plus 1 never -------------------

LEAVES = st.sampled_from([x, x + 1, 2 * x, x**2, sympy.Integer(3)])


def _grow(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.tuples(children, children).map(lambda a: a[0] + a[1]),
        st.tuples(children, children).map(lambda a: a[0] * a[1]),
        st.tuples(children, st.sampled_from([2, 3, -1])).map(lambda a: a[0] ** a[1]),
        st.tuples(st.sampled_from([sympy.sin, sympy.cos, sympy.exp, sympy.tanh]), children).map(
            lambda a: a[0](a[1])
        ),
    )


EXPRESSIONS = st.recursive(LEAVES, _grow, max_leaves=5)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_sympys_derivative_is_correct_and_plus_one_is_not(expr: sympy.Expr) -> None:
    truth = sympy.diff(expr, x)
    assume(expr.has(x) and not expr.has(sympy.zoo, sympy.nan))
    try:
        right = verdict(str(expr), str(truth))
        wrong = verdict(str(expr), str(truth + 1))
    except ChainruleError:  # nowhere defined, or past a limit: nothing to judge
        assume(False)
        return
    assert right.correct, (expr, truth, right.mistakes)
    assert not wrong.correct, (expr, truth)


@pytest.mark.parametrize("depth", [30, 40])
def test_a_deep_derivative_is_compared_at_a_point_as_a_decimal(depth: int) -> None:
    # σ³⁰'s derivative is written out (4,832 nodes, 90 levels: sympy would take time
    # exponential in that depth to evaluate it exactly); σ⁴⁰'s (8,442 nodes) is too large to
    # write out, and is compared through its reverse pass.
    text = "x"
    for _ in range(depth):
        text = f"sigmoid(2*{text} + 1)"
    d = check_answer(text, "1")
    assert (d.chain_rules[0].result is None) == (depth == 40)
    v = d.steps[0]
    assert isinstance(v, Verdict) and not v.correct and v.how == "numeric"
    (m,) = v.mistakes
    assert (m.kind, m.at, m.got) == ("disagree", (("x", 1),), 1)
    assert 0 < m.expected < 0.5**depth  # each sigmoid factor is at most 1/2 here


def test_check_answer_is_exported_lazily() -> None:
    import chainrule
    from chainrule import api

    assert chainrule.check_answer is api.check_answer and "check_answer" in chainrule.__all__


def test_a_constant_factor_is_exact_even_when_it_is_no_simple_fraction() -> None:
    assert only("x^2/3", "0.333333*x").scale == sympy.Rational(999999, 2000000)
    assert only("x^2", "sqrt(2)*2*x").scale == sympy.sqrt(2)


def test_an_answer_off_by_a_hair_is_wrong() -> None:
    m = only("x^2", "2x + 10^-15")
    assert (m.kind, m.at) == ("disagree", (("x", 1),))
    assert m.got - m.expected == sympy.Rational(1, 10**15)


def test_an_answer_for_a_named_intermediate_may_use_its_name() -> None:
    v = verdict("h = sigmoid(a); L = h^2", "2h", "h")
    assert v.correct and v.how == "symbolic"
    assert only("h = sigmoid(a); L = h^2", "h", "h").kind == "constant_factor"


def test_an_answer_in_a_variable_the_function_lacks_is_compared_not_undefined() -> None:
    # --wrt t of x² is 0; the answer t has a value wherever t has one.
    m = only("x^2", "t", "t")
    assert (m.kind, m.at, m.expected, m.got) == ("disagree", (("x", 1), ("t", 1)), 0, 1)
    assert verdict("x^2", "0", "t").correct
