"""The smooth ML functions (``calculus.activations``): σ, relu, softplus, silu, gelu, mish, ...

Each derivative is written the ML way and must equal ``sympy.diff`` of the function's
definition, numerically at points on both sides of 0; random expressions that use any named
activation (the kinked ones of ``rectifiers`` too) derive to what sympy says of the definitions.
"""

from __future__ import annotations

import json
import math

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, reject, settings
from sympy.core.function import AppliedUndef, ArgumentIndexError

from chainrule.api import derive
from chainrule.calculus.activations import (
    ActivationBase,
    gelu,
    gelu_tanh,
    logsigmoid,
    mish,
    normal_cdf,
    normal_pdf,
    relu,
    sigmoid,
    silu,
    softplus,
    softsign,
)
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.calculus.functions import FUNCTIONS
from chainrule.check.numeric import evaluate
from chainrule.check.verify import verify
from chainrule.errors import MathError, ParseError
from chainrule.model import Term
from chainrule.render import render
from tests.helpers import assert_close, definitions, expression, real, to_sympy
from tests.strategies import oracle_terms

a, x = real("a"), real("x")
SAMPLES = ("-3.5", "-1.25", "-0.4", "0.3", "1.1", "2.75")
SMOOTH = (silu, gelu, gelu_tanh, mish, softsign, logsigmoid, normal_cdf, normal_pdf)


def value(expr: sympy.Expr, at: str) -> float:
    number = expr.subs(x, sympy.Rational(at)).evalf(30)
    return float(number)


@pytest.mark.parametrize("fn", SMOOTH, ids=lambda f: f.__name__)
def test_each_derivative_equals_sympy_diff_of_the_definition(fn: type) -> None:
    ours = sympy.diff(fn(x), x)
    oracle = sympy.diff(fn.definition(x), x)
    assert not ours.has(sympy.Derivative)
    for at in SAMPLES:
        assert_close(value(ours, at), value(oracle, at), f"{fn.__name__}′({at})")


def test_derivatives_are_written_the_ml_way() -> None:
    s = sigmoid(a)
    t = sympy.tanh(softplus(a))
    assert sympy.diff(s, a) == s * (1 - s)
    assert sympy.diff(relu(a), a) == sympy.Heaviside(a)
    assert sympy.diff(softplus(a), a) == s
    assert sympy.diff(sigmoid(a**2), a) == 2 * a * sigmoid(a**2) * (1 - sigmoid(a**2))
    assert sympy.diff(silu(a), a) == s * (1 + a * (1 - s))
    assert sympy.diff(gelu(a), a) == normal_cdf(a) + a * normal_pdf(a)
    assert sympy.diff(mish(a), a) == t + a * s * (1 - t**2)
    assert sympy.diff(softsign(a), a) == 1 / (1 + sympy.Abs(a)) ** 2
    assert sympy.diff(logsigmoid(a), a) == 1 - s
    assert sympy.diff(normal_cdf(a), a) == normal_pdf(a)
    assert sympy.diff(normal_pdf(a), a) == -a * normal_pdf(a)
    for fn in (sigmoid, relu, softplus, *SMOOTH):
        with pytest.raises(ArgumentIndexError):
            fn(a).fdiff(2)


def test_softsign_of_a_complex_argument_derives_as_sympy_derives_abs() -> None:
    z = sympy.Symbol("z")  # --complex: no assumptions; |z| is not differentiable as |x| is
    assert sympy.diff(softsign(z), z) == sympy.diff(softsign.definition(z), z)
    assert sympy.diff(softsign(z), z) != 1 / (1 + sympy.Abs(z)) ** 2


def test_values_at_known_points() -> None:
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert softplus(0) == sympy.log(2)
    assert (relu(-2), relu(3), relu(sympy.Rational(1, 2))) == (0, 3, sympy.Rational(1, 2))
    assert isinstance(relu(a), relu) and isinstance(sigmoid(a), sigmoid)  # symbolic: unevaluated
    assert math.isclose(float(sigmoid(1).evalf(30)), 1 / (1 + math.exp(-1)), rel_tol=1e-15)
    assert math.isclose(float(softplus(1).evalf(30)), math.log1p(math.e), rel_tol=1e-15)
    assert math.isclose(float(relu(sympy.pi).evalf(30)), math.pi, rel_tol=1e-15)
    assert [fn(0) for fn in (silu, gelu, gelu_tanh, mish, softsign)] == [0] * 5
    assert logsigmoid(0) == -sympy.log(2) and normal_cdf(0) == sympy.Rational(1, 2)
    assert normal_pdf(0) == 1 / sympy.sqrt(2 * sympy.pi)
    assert softsign(-3) == sympy.Rational(-3, 4) and isinstance(silu(2), silu)


def test_evalf_agrees_with_closed_forms() -> None:
    with mpmath.workdps(30):
        v, k = mpmath.mpf("0.7"), mpmath.sqrt(2 / mpmath.pi)
        expected = {
            silu: v / (1 + mpmath.exp(-v)),
            gelu: v * mpmath.ncdf(v),
            mish: v * mpmath.tanh(mpmath.log1p(mpmath.exp(v))),
            softsign: v / (1 + v),
            logsigmoid: -mpmath.log1p(mpmath.exp(-v)),
            normal_pdf: mpmath.npdf(v),
            gelu_tanh: v / 2 * (1 + mpmath.tanh(k * (v + mpmath.mpf("0.044715") * v**3))),
        }
        for fn, want in expected.items():
            got = fn(sympy.Rational(7, 10)).evalf(30)
            assert abs(mpmath.mpf(str(got)) - want) < 1e-25, fn.__name__


def test_rewrites() -> None:
    assert sigmoid(a).rewrite(sympy.exp) == 1 / (1 + sympy.exp(-a))
    assert softplus(a).rewrite(sympy.log) == sympy.log(1 + sympy.exp(a))
    assert softplus(a).rewrite(sympy.exp) == sympy.log(1 + sympy.exp(a))
    assert relu(a).rewrite(sympy.Max) == sympy.Max(0, a)
    assert relu(a).rewrite(sympy.Piecewise) == sympy.Piecewise((0, a < 0), (a, True))
    assert silu(a).rewrite(sympy.exp) == a / (1 + sympy.exp(-a))
    gelu_erf = gelu(a).rewrite(sympy.erf)
    assert sympy.expand(gelu_erf - a * (1 + sympy.erf(a / sympy.sqrt(2))) / 2) == 0
    assert softsign(a).rewrite(sympy.Abs) == a / (1 + sympy.Abs(a))
    assert isinstance(silu(a).rewrite(sympy.erf), silu)  # not a target: unchanged


def test_assumptions_follow_the_argument() -> None:
    z = sympy.Symbol("z")  # no assumptions
    assert sigmoid(a).is_real and sigmoid(a).is_positive
    assert softplus(a).is_positive and relu(a).is_nonnegative
    assert sigmoid(z).is_real is None and relu(z).is_nonnegative is None
    assert silu(a).is_real and gelu(a).is_real and silu(z).is_real is None
    assert logsigmoid(a).is_negative and normal_cdf(a).is_positive and normal_pdf(a).is_positive


def test_the_base_class_asks_subclasses_for_their_formulas() -> None:
    class half(ActivationBase):  # noqa: N801
        nargs = 1

    with pytest.raises(NotImplementedError, match="half"):
        half.definition(a)
    with pytest.raises(NotImplementedError, match="half"):
        half(a).fdiff(1)


# -- reading, JSON, and PyTorch ---------------------------------------------------------------

SPELLINGS = {
    "silu": ["silu", "SiLU", "swish", "Swish"], "gelu": ["gelu", "GELU"],
    "gelu_tanh": ["gelu_tanh"], "mish": ["mish", "Mish"], "elu": ["elu", "ELU"],
    "selu": ["selu", "SELU"], "leaky_relu": ["leaky_relu", "LeakyReLU", "leakyrelu"],
    "softsign": ["softsign", "Softsign", "soft_sign"],
    "logsigmoid": ["logsigmoid", "LogSigmoid", "log_sigmoid"],
    "hardtanh": ["hardtanh", "Hardtanh", "hard_tanh"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_every_spelling_reads_as_the_activation_and_derives_checked(name: str) -> None:
    for spelling in SPELLINGS[name]:
        derivation = derive(f"{spelling}(3x - 1)", wrt=["x"])
        assert derivation.verified == "numeric", spelling
        (node,) = [n for n in derivation.graph.nodes if n.name == derivation.graph.output]
        assert type(node.definition).__name__ == name, spelling


@pytest.mark.parametrize(
    ("text", "shown"),
    [("leaky_relu(x, 0.2)", "leaky_relu(x, 1/5)"), ("elu(x, 1)", "elu(x)"),
     ("hardtanh(x, -2)", "hardtanh(x, -2)"), ("hardtanh(x, -1, 1)", "hardtanh(x)"),
     ("leaky_relu(x, a)", "leaky_relu(x, a)")],
)  # fmt: skip
def test_parameters_are_optional_and_positional(text: str, shown: str) -> None:
    derivation = derive(text, wrt=["x"])
    assert str(derivation.graph.nodes[-1].definition) == shown and derivation.verified == "numeric"


def test_a_parameter_too_many_is_a_clear_error() -> None:
    with pytest.raises(ParseError, match="leaky_relu .*3") as err:  # the count it got
        derive("y + leaky_relu(x, 1, 2)", wrt=["x"])
    assert err.value.column == 5


def test_json_reads_back_with_sympy_by_name() -> None:
    text = "a = W*x + b; h = hardtanh(mish(a), -2); L = gelu(selu(h)) + leaky_relu(h, 0.2)"
    out = json.loads(render(derive(text, wrt=["W", "b"]), "json"))
    classes = {**FUNCTIONS, "normal_cdf": normal_cdf, "normal_pdf": normal_pdf}
    symbols = {name: real(name) for name in ("W", "x", "b", "a", "h", "L", "u", "v", "w")}
    strings = [i["definition"] for i in out["intermediates"]]
    for d in out["derivatives"]:
        strings += [f["derivative"] for f in d["factors"]] + [d["result"]]
    assert any("Piecewise" in s for s in strings) and any("normal_pdf" in s for s in strings)
    for string in strings:
        by_name = sympy.parse_expr(string)  # undefined functions of the same names
        called = {f.func.__name__ for f in by_name.atoms(AppliedUndef)}
        assert called <= set(classes) and not by_name.has(sympy.zoo), string
        ours = sympy.parse_expr(string, local_dict={**symbols, **classes})
        assert not ours.atoms(AppliedUndef), string  # chainrule's own classes again


TORCH_CASES = [  # (text, the same in torch.nn.functional)
    ("silu(x)", lambda nn, t: nn.silu(t)),
    ("gelu(x)", lambda nn, t: nn.gelu(t)),
    ("gelu_tanh(x)", lambda nn, t: nn.gelu(t, approximate="tanh")),
    ("mish(x)", lambda nn, t: nn.mish(t)),
    ("selu(x)", lambda nn, t: nn.selu(t)),
    ("elu(x, 0.5)", lambda nn, t: nn.elu(t, alpha=0.5)),
    ("leaky_relu(x)", lambda nn, t: nn.leaky_relu(t)),
    ("leaky_relu(x, 0.2)", lambda nn, t: nn.leaky_relu(t, negative_slope=0.2)),
    ("softsign(x)", lambda nn, t: nn.softsign(t)),
    ("logsigmoid(x)", lambda nn, t: nn.logsigmoid(t)),
    ("hardtanh(x)", lambda nn, t: nn.hardtanh(t)),
    ("hardtanh(x, -2, 0.5)", lambda nn, t: nn.hardtanh(t, min_val=-2.0, max_val=0.5)),
]


@pytest.mark.parametrize(("text", "torch_fn"), TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_values_and_derivatives_match_pytorch_autograd(text: str, torch_fn) -> None:
    torch = pytest.importorskip("torch")  # optional: never a dependency
    functional = torch.nn.functional
    # Both sides of every kink, and the kinks themselves: there chainrule writes autograd's value.
    inputs = [-3.1, -2.0, -1.7, -1.0, -0.35, 0.0, 0.2, 0.5, 0.8, 1.0, 1.6, 2.9]
    tensor = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    values = torch_fn(functional, tensor)
    values.sum().backward()
    derivation = derive(text, wrt=["x"])
    (chain,), expression = derivation.chain_rules, derivation.expression
    for v, want, slope in zip(inputs, values.tolist(), tensor.grad.tolist(), strict=True):
        point = {real("x"): mpmath.mpf(v)}
        assert_close(float(evaluate(expression, point)), want, f"{text} at {v}")
        assert_close(float(evaluate(chain.result, point)), slope, f"{text}′ at {v}")


# -- random expressions that use the named activations -----------------------------------------

POINTS = [{"x": 0.7, "y": -1.3, "z": 0.45}, {"x": -0.8, "y": 0.6, "z": 2.2}]
POINTS += [{"x": 1.9, "y": 0.35, "z": -0.55}, {"x": -2.4, "y": -0.2, "z": 1.3}]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_terms(3, activations=True))
def test_random_expressions_match_sympy_diff_of_the_definitions(term: Term) -> None:
    try:
        graph = decompose(expression(term))
    except MathError:
        reject()  # sympy finds a part undefined (x/0): the engine's tests cover that
    derivation = verify(differentiate(graph, graph.input_names or ("x",)))
    try:
        truth = definitions(to_sympy(term))
    except TypeError:
        # The definitions' Piecewise cannot compare a complex constant (elu((−1)^softsign(1))
        # is elu(i)): no oracle to compare with; chainrule's derivative of it is 0.
        reject()
    for chain in derivation.chain_rules:
        if chain.result is None:
            continue
        oracle = sympy.diff(truth, real(chain.wrt))
        for named in POINTS:
            point = {real(k): v for k, v in named.items()}
            expected = _real_value(oracle, point)
            if expected is not None:
                got = _real_value(chain.result, point)
                assert got is not None, (chain.result, named)
                assert_close(got, expected, f"d/d{chain.wrt} of {to_sympy(term)} at {named}")


def _real_value(expr: sympy.Expr, point: dict) -> float | None:
    try:
        number = complex(expr.evalf(30, subs=point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    finite = math.isfinite(number.real) and math.isfinite(number.imag)
    return number.real if finite and abs(number.imag) < 1e-12 else None
