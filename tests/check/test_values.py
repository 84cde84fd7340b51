"""Values at a point (``check.values``): the forward and backward pass against a hand
computation and central differences, exact values, points where a derivative does not exist,
and vanishing gradients through twenty sigmoids."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy

from chainrule.api import derive, parse_points
from chainrule.check.values import values
from chainrule.errors import MathError, VariableError
from chainrule.model import Number, Values
from tests.render.samples import deep_chain, shallow_stack

NETWORK = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
POINT = "x=1.5, W1=0.3, b1=-1, W2=0.8, b2=0.1, y=1"
CHAIN20 = "; ".join(
    ["h1 = sigmoid(w1*x)"] + [f"h{i} = sigmoid(w{i}*h{i - 1})" for i in range(2, 21)] + ["L = h20"]
)
CHAIN20_POINT = ",".join([f"w{i}=1" for i in range(1, 21)] + ["x=0.5"])


def _values(text: str, at: str, wrt: str | list[str] | None = None) -> Values:
    step = derive(text, wrt, at=at).steps[-1]
    assert isinstance(step, Values)
    return step


def _f(number: Number) -> float:
    assert number.decimal is not None
    return float(number.decimal)


@pytest.fixture(scope="module")
def network() -> Values:
    return _values(NETWORK, POINT, "all")


def test_the_network_by_hand(network: Values) -> None:
    # a = 0.3·1.5 − 1 = −0.55; h = σ(−0.55) = 1/(1 + e^0.55) = 1/2.7332530178673953
    # z = 0.8·h + 0.1; L = (z − 1)²/2
    forward = {name: _f(n) for name, n in network.forward}
    assert forward["a"] == pytest.approx(-0.55, abs=1e-15)
    assert forward["h"] == pytest.approx(0.36586440898919936, rel=1e-14)
    assert forward["z"] == pytest.approx(0.3926915271913595, rel=1e-14)
    assert forward["L"] == pytest.approx(0.18441179057258164, rel=1e-14)
    # ∂L/∂z = z − y, ∂z/∂h = W₂, ∂h/∂a = h(1 − h), ∂a/∂W₁ = x
    factors = {(of, wrt): _f(n) for of, wrt, n in network.factors}
    assert factors[("L", "z")] == pytest.approx(-0.6073084728086405, rel=1e-14)
    assert factors[("z", "h")] == 0.8
    assert factors[("h", "a")] == pytest.approx(0.2320076432241832, rel=1e-14)
    assert factors[("a", "W1")] == 1.5
    # upstream gradients: ∂L/∂h = −0.6073·0.8, ∂L/∂a = that · 0.2320
    adjoints = {wrt: _f(n) for _, wrt, n in network.adjoints}
    assert adjoints["h"] == pytest.approx(-0.4858467782469124, rel=1e-14)
    assert adjoints["a"] == pytest.approx(-0.11272016598912851, rel=1e-14)
    # ∂L/∂W₁ = −0.6073 · 0.8 · 0.2320 · 1.5; ∂L/∂W₂ = (z − y)·h; ∂L/∂x = ∂L/∂a · W₁
    derivatives = {wrt: _f(n) for wrt, n in network.derivatives}
    assert derivatives == pytest.approx(
        {
            "W1": -0.16908024898369278,
            "W2": -0.2221925554782665,
            "b1": -0.11272016598912851,
            "b2": -0.6073084728086405,
            "x": -0.03381604979673855,
            "y": 0.6073084728086405,
        },
        rel=1e-14,
    )
    path = {wrt: _f(n) for wrt, _, n in network.paths}
    assert path["W1"] == pytest.approx(derivatives["W1"], rel=1e-25)
    exact = {name: n.exact for name, n in network.point}
    assert exact == {"W1": sympy.Rational(3, 10), "W2": sympy.Rational(4, 5), "b1": -1,
                     "b2": sympy.Rational(1, 10), "x": sympy.Rational(3, 2), "y": 1}  # fmt: skip


def test_the_network_against_central_differences(network: Values) -> None:
    point = {"x": 1.5, "W1": 0.3, "b1": -1, "W2": 0.8, "b2": 0.1, "y": 1}

    def loss(p: dict[str, object]) -> object:
        h = 1 / (1 + mpmath.exp(-(p["W1"] * p["x"] + p["b1"])))  # type: ignore[operator]
        return (p["W2"] * h + p["b2"] - p["y"]) ** 2 / 2  # type: ignore[operator]

    with mpmath.workdps(40):
        at = {k: mpmath.mpf(str(v)) for k, v in point.items()}
        step = mpmath.mpf(10) ** -12
        for wrt, number in network.derivatives:
            up, down = dict(at), dict(at)
            up[wrt] += step
            down[wrt] -= step
            central = (loss(up) - loss(down)) / (2 * step)  # type: ignore[operator]
            assert abs(central - mpmath.mpf(number.decimal._mpf_)) < mpmath.mpf(10) ** -20  # type: ignore[union-attr]


def test_exact_values_at_pi_over_4() -> None:
    step = _values("sin(x)", "x=pi/4")
    assert step.point[0][1].exact == sympy.pi / 4
    assert step.forward[0][1].exact == sympy.sqrt(2) / 2
    assert step.derivatives[0][1].exact == sympy.sqrt(2) / 2
    assert _f(step.derivatives[0][1]) == pytest.approx(math.sqrt(2) / 2, rel=1e-15)
    chain = _values("x*sin(x)", "x=pi/4").derivatives[0][1]
    assert chain.exact == sympy.sqrt(2) / 2 + sympy.sqrt(2) * sympy.pi / 8
    # a value that is no closed form has only its decimal
    assert _values("sin(x)", "x=1").forward[0][1].exact is None
    assert _values("sigmoid(x)", "x=0").derivatives[0][1].exact == sympy.Rational(1, 4)


def test_a_variable_without_a_value_is_named() -> None:
    with pytest.raises(VariableError, match=r"^no value for y at the point$") as info:
        derive("x*y", "x", at="x=1")
    assert (info.value.option, info.value.value) == ("at", "y")
    with pytest.raises(VariableError, match=r"^no values for x, y at the point$"):
        derive("x*y + z", "x", at="z=1")


def test_names_match_as_typed_and_others_are_noted() -> None:
    d = derive("W1*x", "W1", at="W₁=2, x=3, q=1")  # W₁ is W_1; the program says W1
    step = d.steps[-1]
    assert isinstance(step, Values)
    assert [(n, _f(v)) for n, v in step.point] == [("W1", 2.0), ("x", 3.0)]
    assert [note.code for note in d.notes] == ["unused_value"]
    assert dict(d.notes[0].data) == {"name": "q"}


@pytest.mark.parametrize(
    ("text", "at", "edge", "why"),
    [
        ("relu(x)", "x=0", ("y", "x"), "kink"),
        ("abs(x)", "x=0", ("y", "x"), "kink"),
        ("max(x, 1 - x)", "x=1/2", ("y", "u"), "kink"),  # u = 1 − x
        ("leaky_relu(x)", "x=0", ("y", "x"), "kink"),
        ("hardtanh(x)", "x=1", ("y", "x"), "kink"),
        ("sqrt(x)", "x=0", ("y", "x"), "pole"),
    ],
)
def test_a_derivative_that_does_not_exist_has_no_value(
    text: str, at: str, edge: tuple[str, str], why: str
) -> None:
    step = _values(text, at)
    factors = {(of, wrt): n for of, wrt, n in step.factors}
    assert not factors[edge].exists
    assert not step.derivatives[0][1].exists  # never NaN: no value
    undefined = [f for f in step.flags if f.kind == "undefined"]
    assert undefined and undefined[0].nodes == edge and undefined[0].why == why


def test_where_the_one_sided_derivatives_agree_there_is_a_value() -> None:
    # elu with α = 1 is smooth at 0: both branches of its derivative give 1
    assert _f(_values("elu(x)", "x=0").derivatives[0][1]) == 1.0
    assert _f(_values("relu(x)", "x=1/2").derivatives[0][1]) == 1.0


def test_the_chain_rule_through_an_undefined_factor_gives_no_value() -> None:
    step = _values("a = w*x; h = relu(a); L = (h - y)^2", "w=1, x=0, y=1", "w")
    adjoints = {wrt: n for _, wrt, n in step.adjoints}
    assert adjoints["h"].exists and not adjoints["a"].exists and not adjoints["w"].exists


@pytest.mark.parametrize(
    ("text", "at", "message"),
    [
        ("log(x)", "x=0", r"^y = log\(x\) has no real value at this point"),
        ("1/x", "x=0", r"^y = 1/x has no real value at this point \(division by zero\)"),
        ("sqrt(x)", "x=-1", r"^y = sqrt\(x\) has no real value at this point"),
    ],
)
def test_an_intermediate_without_a_value_is_an_error(text: str, at: str, message: str) -> None:
    with pytest.raises(MathError, match=message) as info:
        derive(text, at=at)
    assert info.value.option == "at" and info.value.exit_code == 2


def test_abstract_functions_have_no_values() -> None:
    with pytest.raises(MathError, match="abstract functions have no values"):
        derive("f(x^2)", at="x=1")


def test_twenty_sigmoid_layers_vanish() -> None:
    step = _values(CHAIN20, CHAIN20_POINT, "x")
    ((_, derivative),) = step.derivatives
    assert 1e-14 < _f(derivative) < 4.0**-20  # below the bound 4⁻²⁰ ≈ 9.1e-13
    kinds = {(f.kind, f.scope) for f in step.flags}
    assert kinds == {("vanishing", "adjoint"), ("vanishing", "path"), ("sigmoid", "path")}
    # the upstream gradients flagged from where they fall below 10⁻³: ∂L/∂u₁₆ = 5.7·10⁻⁴ on
    below = [f.nodes[1] for f in step.flags if f.scope == "adjoint"]
    assert below[:3] == ["u16", "h15", "u15"] and len(below) == 31
    sigmoid = next(f for f in step.flags if f.kind == "sigmoid")
    assert sigmoid.count == 20 and len(sigmoid.factors) == 20
    assert all(0.2 < _f(n) <= 0.25 for _, _, n in sigmoid.factors)
    assert [of for of, _, _ in sigmoid.factors][:2] == ["h20", "h19"]
    # factor by factor: every upstream gradient at a u is a sigmoid's factor smaller
    upstream = [_f(n) for _, wrt, n in step.adjoints if wrt.startswith("u")]
    assert len(upstream) == 20
    assert all(0.2 < b / a < 0.25 for a, b in zip(upstream, upstream[1:], strict=False))


def test_exploding_factors_and_paths() -> None:
    step = _values("a = 2000*x; L = 3000*a", "x=1", "x")
    kinds = [(f.kind, f.scope, f.nodes) for f in step.flags]
    assert ("exploding", "factor", ("L", "a")) in kinds
    assert ("exploding", "path", ("L", "a", "x")) in kinds
    small = _values("a = x/5000; L = a/5000 + 1", "x=1", "x")
    assert ("vanishing", "path", ("L", "a", "x")) in [
        (f.kind, f.scope, f.nodes) for f in small.flags
    ]


def test_a_1000_layer_chain_at_a_point_needs_no_recursion() -> None:
    d = deep_chain(1000)
    step = shallow_stack(lambda: values(d, parse_points("x=0.5")))
    assert len(step.forward) == 1000 and len(step.factors) == 1000
    # d/dx sin∘…∘sin (x) = ∏ cos(uₖ), computed here the plain way
    expected, u = 1.0, 0.5
    for _ in range(1000):
        expected *= math.cos(u)
        u = math.sin(u)
    assert _f(step.derivatives[0][1]) == pytest.approx(expected, rel=1e-9)


def test_a_corner_is_found_exactly_where_decimals_would_miss_it() -> None:
    # 0.3·1.5 − 0.45 is 0 exactly; in binary floating point it is not
    step = _values("relu(0.3*x - 0.45)", "x=1.5")
    assert [f.why for f in step.flags if f.kind == "undefined"] == ["kink"]
    assert _f(_values("relu(0.3*x - 0.45)", "x=1.6").derivatives[0][1]) == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("sin(x^2)*exp(-x)", "x=0.7"),
        ("x^x", "x=1/3"),
        ("log(1 + x^2)/sqrt(x)", "x=2"),
        ("tanh(w*x + b)^2", "w=-0.5, x=2, b=0.25"),
        ("softplus(a*b) + sigmoid(a - b)", "a=e, b=pi"),
        ("atan(x/y)", "x=1, y=sqrt(3)"),
    ],
)
def test_derivatives_equal_sympy_diff_at_the_point(text: str, at: str) -> None:
    d = derive(text, "all", at=at)
    step = d.steps[-1]
    assert isinstance(step, Values)
    point = {d.graph.symbols[name]: n.exact for name, n in step.point}
    assert d.expression is not None
    expression = d.expression.doit()
    for wrt, number in step.derivatives:
        oracle = sympy.diff(expression, d.graph.symbols[wrt]).subs(point).evalf(40)
        assert abs(float(number.decimal - oracle)) < 1e-25 * max(1, abs(float(oracle)))  # type: ignore[operator]


def test_a_1000_layer_sigmoid_chain_vanishes_along_its_only_path() -> None:
    text = "x"
    for _ in range(1000):
        text = f"sigmoid({text})"
    d = derive(text, at="x=0.5")
    chain = d.chain_rules[0]
    assert chain.paths is None  # too long to list
    step = shallow_stack(lambda: values(d, parse_points("x=0.5")))
    flags = {(f.kind, f.scope): f for f in step.flags}
    assert len(flags[("vanishing", "path")].nodes) == 1001
    assert flags[("sigmoid", "path")].count == 1000
    decimal = step.derivatives[0][1].decimal  # 4.3·10⁻⁶⁴⁹, below a double's range
    assert decimal is not None and 0 < decimal < sympy.Float("1e-600")
