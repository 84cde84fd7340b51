"""Gradients re-expressed in the named nodes: the ML identities of the backward pass, the
cached forms of local factors, the caps, and random networks against the forms they rewrite."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings

from chainrule.api import derive
from chainrule.calculus import identities
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.calculus.identities import MAX_SEARCHES, with_identities
from chainrule.model import Derivation, Term
from tests.helpers import assert_close, numeric_value, points, program, real
from tests.strategies import ml_programs

BCE = "a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))"
SOFTMAX = "e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; L = -ln(p1)"
ONE_HOT = (
    "e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; y2 = 1 - y1; "
    "L = -(y1*ln(p1) + y2*ln(p2))"
)
TANH = "a = w*x + b; h = tanh(a); L = (h - y)^2/2"


def _in_nodes(d: Derivation) -> dict[str, sympy.Expr | None]:
    return {adj.wrt: adj.in_nodes for adj in d.adjoints}


def _cached(d: Derivation) -> dict[tuple[str, str], sympy.Expr | None]:
    return {(f.of, f.wrt): f.cached for f in d.local_derivatives}


def _same(form: sympy.Expr | None, expected: sympy.Expr) -> None:
    assert form is not None
    assert sympy.expand(form - expected) == 0, (form, expected)


def test_sigmoid_into_binary_cross_entropy_is_p_minus_y() -> None:
    d = derive(BCE, "all")
    p, y, x, w = real("p"), real("y"), real("x"), real("w")
    forms = _in_nodes(d)
    _same(forms["a"], p - y)
    _same(forms["b"], p - y)
    _same(forms["w"], x * (p - y))
    _same(forms["x"], w * (p - y))
    _same(forms["p"], (p - y) / (p * (1 - p)))  # −y/p + (1 − y)/(1 − p), over one bar
    assert forms["y"] is None  # q − u is as short as it gets
    chain = next(c for c in d.chain_rules if c.wrt == "w")
    assert chain.in_nodes == forms["w"]
    assert d.verified == "numeric"


def test_softmax_with_cross_entropy_is_p1_minus_1_and_p2() -> None:
    d = derive(SOFTMAX, "all")
    p1, p2, s = real("p1"), real("p2"), real("s")
    forms = _in_nodes(d)
    assert forms["z1"] == p1 - 1  # not −p₂, which is as short: p₁ is nearer z₁
    assert forms["z2"] == p2  # e₂/s recognised as the aside assignment p₂
    assert forms["s"] == 1 / s
    assert [n.name for n in d.graph.aside] == ["p2"]


def test_softmax_without_p2_written_keeps_e2_over_s() -> None:
    d = derive(SOFTMAX.replace("p2 = e2/s; ", ""), "all")
    assert _in_nodes(d)["z2"] == real("e2") / real("s")
    assert d.graph.aside == ()


def test_softmax_with_the_one_hot_constraint_written_is_p_minus_y() -> None:
    d = derive(ONE_HOT, "all")
    forms = _in_nodes(d)
    _same(forms["z1"], real("p1") - real("y1"))
    _same(forms["z2"], real("p2") - real("y2"))
    assert forms["s"] == 1 / real("s")  # (y₁ + y₂)/s, and y₁ + y₂ = 1


def test_three_classes_with_the_one_hot_constraint() -> None:
    text = (
        "e1 = exp(z1); e2 = exp(z2); e3 = exp(z3); s = e1 + e2 + e3; p1 = e1/s; p2 = e2/s; "
        "p3 = e3/s; y3 = 1 - y1 - y2; L = -(y1*ln(p1) + y2*ln(p2) + y3*ln(p3))"
    )
    forms = _in_nodes(derive(text, "all"))
    for i in "123":
        _same(forms[f"z{i}"], real(f"p{i}") - real(f"y{i}"))


def test_tanh_named_is_h_minus_y_times_one_minus_h_squared() -> None:
    d = derive(TANH, "all")
    h, y, x = real("h"), real("y"), real("x")
    assert _in_nodes(d)["a"] == (h - y) * (1 - h**2)
    assert _in_nodes(d)["w"] == x * (h - y) * (1 - h**2)
    assert _cached(d)[("h", "a")] == 1 - h**2


def test_the_local_factor_keeps_its_form_and_gains_the_cached_one() -> None:
    d = derive(BCE, "all")
    p, a = real("p"), real("a")
    factor = next(f for f in d.local_derivatives if (f.of, f.wrt) == ("p", "a"))
    sigma = factor.derivative.atoms(sympy.Function).pop()
    assert factor.derivative == sigma * (1 - sigma) and sigma.args == (a,)
    assert factor.cached == p * (1 - p)  # not p·v, though v = 1 − p is a node
    softmax = _cached(derive(SOFTMAX, "all"))
    assert softmax[("e1", "z1")] == real("e1")  # exp(z₁) is the forward value e₁
    assert softmax[("p1", "s")] == -real("p1") / real("s")  # −e₁/s², with e₁/s = p₁


def test_a_weight_is_never_merged_into_the_activation_it_scales() -> None:
    # z = w·h₁: w·x·h₁(1 − h₁)(z − y) is as ML writes it, not the shorter x·z·(1 − h₁)(z − y).
    d = derive("a1 = w1*x + b1; h1 = sigmoid(a1); z = w*h1; L = (z - y)^2/2", ["w1"])
    h1, w, x, y, z = (real(n) for n in ("h1", "w", "x", "y", "z"))
    assert d.chain_rules[0].in_nodes == w * x * h1 * (1 - h1) * (z - y)


def test_a_plain_expression_is_left_as_it_is() -> None:
    # Its intermediates are chainrule's, not the user's: 6x·cos(u) is not 2u·cos(u) for u = 3x.
    for text in ("2x sin(3x)", "(W2*sigmoid(W1*x + b1) + b2 - y)**2/2", "x^x"):
        d = derive(text, "x", check=False)
        assert all(f.cached is None for f in d.local_derivatives)
        assert all(a.in_nodes is None for a in d.adjoints)
        assert all(c.in_nodes is None for c in d.chain_rules)


def test_nothing_to_rename_returns_the_derivation_itself() -> None:
    d = derive("sin(x**2)", check=False)
    assert with_identities(d) is d


def test_searches_are_capped_per_derivation(monkeypatch) -> None:
    monkeypatch.setattr(identities, "MAX_SEARCHES", 2)
    d = derive(BCE, "all", check=False)
    assert sum(a.in_nodes is not None for a in d.adjoints) <= 2
    assert MAX_SEARCHES >= 16  # the default reaches every gradient of a small network


def test_searching_stops_when_its_time_is_up(monkeypatch) -> None:
    monkeypatch.setattr(identities, "TIME_BUDGET", -1.0)
    d = derive(BCE, "all")  # still checked, still with the cached factor
    assert all(a.in_nodes is None for a in d.adjoints)
    assert _cached(d)[("p", "a")] == real("p") * (1 - real("p"))


def test_a_thousand_layer_chain_names_its_cached_factors_and_stays_linear() -> None:
    lines = ["h1 = sigmoid(w1*x)", *(f"h{i} = sigmoid(w{i}*h{i - 1})" for i in range(2, 1001))]
    d = derive("; ".join([*lines, "L = (h1000 - y)^2/2"]), "all", check=False)
    cached = [f for f in d.local_derivatives if f.cached is not None]
    assert len(cached) == 1000  # every σ′ as h(1 − h)
    h5 = real("h5")
    assert next(f for f in cached if f.of == "h5").cached == h5 * (1 - h5)
    forms = {a.wrt for a in d.adjoints if a.in_nodes is not None}
    # Only near the output: deeper, a gradient is past MAX_SIZE and never searched.
    assert 0 < len(forms) <= MAX_SEARCHES
    assert "h999" in forms and not forms & {f"h{i}" for i in range(1, 990)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ml_programs())
def test_random_networks_forms_equal_what_they_rewrite(lines: list[tuple[str, Term]]) -> None:
    graph = decompose(program(lines))
    d = with_identities(differentiate(graph, graph.input_names))
    # Every node written in the inputs (independent of the identities): forms are compared there.
    full: dict[sympy.Symbol, sympy.Expr] = {}
    for node in (*graph.nodes, *graph.aside):
        full[node.symbol] = node.value.xreplace(full)
    pairs = [(f.cached, f.derivative) for f in d.local_derivatives]
    pairs += [(a.in_nodes, a.expression) for a in d.adjoints if a.expanded]
    pairs += [(c.in_nodes, c.in_intermediates) for c in d.chain_rules if c.expanded]
    for form, original in pairs:
        if form is None:
            continue
        assert not form.has(sympy.Derivative)
        for point in points(graph.inputs, 3):
            want = numeric_value(original.xreplace(full), point)
            got = numeric_value(form.xreplace(full), point)
            if want is not None and got is not None:
                assert_close(got, want, f"{form} vs {original}")


def test_softmax_with_exp_inline_is_p1_minus_1_and_p2() -> None:
    # exp(z₁) is chainrule's node here: named on the way (u/s → p₁), never in the form.
    d = derive("s = exp(z1) + exp(z2); p1 = exp(z1)/s; p2 = exp(z2)/s; L = -ln(p1)", "all")
    forms = _in_nodes(d)
    assert forms["z1"] == real("p1") - 1
    assert forms["z2"] == real("p2")
    assert [n.name for n in d.graph.aside] == ["p2"]
    assert d.verified == "numeric"


def test_the_final_answer_is_the_ml_form_written_in_the_inputs() -> None:
    from chainrule.api import simplify

    d = simplify(derive(BCE, ["w", "b"]))
    w, x, b, y = real("w"), real("x"), real("b"), real("y")
    sigma = next(iter(d.chain_rules[0].result.atoms(sympy.Function))).func
    simplified = {c.wrt: c.simplified for c in d.chain_rules}
    assert simplified["w"] == x * (sigma(w * x + b) - y)
    assert simplified["b"] == sigma(w * x + b) - y
