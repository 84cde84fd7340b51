"""Expression printers: one sympy expression in Unicode, LaTeX and Python syntax."""

from __future__ import annotations

from typing import Any

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from chainrule.calculus.functions import relu, sigmoid, softplus
from chainrule.model import TypedMul, Upstream
from chainrule.render.printers import latex as latex_printer
from chainrule.render.printers import unicode as unicode_printer
from chainrule.render.printers.common import doprint, split_mul
from chainrule.render.printers.latex import name_latex, to_latex
from chainrule.render.printers.python import PythonPrinter, python_names, to_python
from chainrule.render.printers.unicode import name_unicode, to_unicode

x, y, z, a, v, u, n = sympy.symbols("x y z a v u n")
W1, W2, b1 = sympy.symbols("W1 W2 b1")
f = sympy.Function("f")
s = sigmoid(a)

# expr, unicode, latex, python
TABLE: list[tuple[Any, str, str, str]] = [
    (2 * x * sympy.cos(x**2), "2x·cos(x²)", r"2 x \cos{\left(x^{2} \right)}", "2*x*cos(x**2)"),
    (
        s * (1 - s),
        "σ(a)(1 − σ(a))",
        r"\sigma\left(a\right) \left(1 - \sigma\left(a\right)\right)",
        "(1 - sigmoid(a))*sigmoid(a)",
    ),
    (z - y, "z − y", "z - y", "-y + z"),
    (W2 * (z - y), "W₂·(z − y)", r"W_{2} \left(z - y\right)", "W2*(-y + z)"),
    (sympy.sqrt(1 + v**2), "√(v² + 1)", r"\sqrt{v^{2} + 1}", "sqrt(v**2 + 1)"),
    (sympy.sqrt(x), "√x", r"\sqrt{x}", "sqrt(x)"),
    (1 / sympy.sqrt(x), "1/√x", r"\frac{1}{\sqrt{x}}", "1/sqrt(x)"),
    (sympy.exp(x), "eˣ", "e^{x}", "exp(x)"),
    (sympy.exp(-x), "exp(−x)", "e^{- x}", "exp(-x)"),
    (sympy.exp(x + 1), "exp(x + 1)", "e^{x + 1}", "exp(x + 1)"),
    (sympy.log(x), "ln(x)", r"\ln{\left(x \right)}", "log(x)"),
    (sympy.Abs(x), "|x|", r"\left|{x}\right|", "Abs(x)"),
    (sympy.Heaviside(a), "H(a)", r"H\left(a\right)", "Heaviside(a)"),
    (
        sympy.factorial(x) * sympy.polygamma(0, x + 1),  # factorial′, as the tables write it
        "x!·ψ(x + 1)",
        r"x! \psi\left(x + 1\right)",
        "factorial(x)*polygamma(0, x + 1)",
    ),
    (sympy.polygamma(1, x), "polygamma(1, x)", r"\psi^{(1)}\left(x\right)", "polygamma(1, x)"),
    (relu(a), "relu(a)", r"\operatorname{relu}\left(a\right)", "relu(a)"),
    (softplus(a), "softplus(a)", r"\operatorname{softplus}\left(a\right)", "softplus(a)"),
    (s**2, "σ(a)²", r"\sigma^{2}\left(a\right)", "sigmoid(a)**2"),
    (1 / x, "1/x", r"\frac{1}{x}", "1/x"),
    (x**-2, "1/x²", r"\frac{1}{x^{2}}", "x**(-2)"),
    (x**3, "x³", "x^{3}", "x**3"),
    (x**n, "xⁿ", "x^{n}", "x**n"),
    (x**-n, "x⁻ⁿ", "x^{- n}", "x**(-n)"),
    (x ** sympy.Rational(3, 2), "x^(3/2)", r"x^{\frac{3}{2}}", "x**(3/2)"),
    ((x + 1) ** 2, "(x + 1)²", r"\left(x + 1\right)^{2}", "(x + 1)**2"),
    ((z - y) ** 2 / 2, "(z − y)²/2", r"\frac{\left(z - y\right)^{2}}{2}", "(-y + z)**2/2"),
    (sympy.sin(x) / x, "sin(x)/x", r"\frac{\sin{\left(x \right)}}{x}", "sin(x)/x"),
    ((x + 1) / (x * y), "(x + 1)/(x·y)", r"\frac{x + 1}{x y}", "(x + 1)/(x*y)"),
    (-2 * x * sympy.sin(x), "−2x·sin(x)", r"- 2 x \sin{\left(x \right)}", "-2*x*sin(x)"),
    (sympy.Rational(3, 2) * x, "3x/2", r"\frac{3 x}{2}", "3*x/2"),
    (-sympy.Rational(1, 2), "−1/2", r"- \frac{1}{2}", "-1/2"),
    (
        2 * sympy.cos(x) * (x + 1),
        "2cos(x)·(x + 1)",  # a bracket after a call is not its argument
        r"2 \cos{\left(x \right)} \left(x + 1\right)",
        "2*(x + 1)*cos(x)",
    ),
    (W1 * x + b1, "W₁·x + b₁", r"W_{1} x + b_{1}", "W1*x + b1"),
    (sympy.pi * x, "π·x", r"\pi x", "pi*x"),
    (sympy.Symbol("theta") ** 2, "θ²", r"\theta^{2}", "theta**2"),
    (sympy.Symbol("x_i"), "xᵢ", "x_{i}", "x_i"),
    (sympy.Symbol("W_1"), "W₁", "W_{1}", "W_1"),
    (sympy.Symbol("x_q"), "x_q", "x_{q}", "x_q"),
    (f(u), "f(u)", r"f{\left(u \right)}", "f(u)"),
    (sympy.Derivative(f(u), u), "f′(u)", r"f'\left(u\right)", "Derivative(f(u), u)"),
    (Upstream("L", "z"), "∂L/∂z", r"\frac{\partial L}{\partial z}", "dL_dz"),
    (Upstream("L", "z") * W2, "∂L/∂z·W₂", r"\frac{\partial L}{\partial z} W_{2}", "W2*dL_dz"),
    (
        2 * x * Upstream("y", "u"),
        "∂y/∂u·2x",
        r"\frac{\partial y}{\partial u} \cdot 2 x",
        "2*x*dy_du",
    ),
]


@pytest.mark.parametrize(("expr", "unicode", "latex", "python"), TABLE, ids=[t[3] for t in TABLE])
def test_printers(expr: Any, unicode: str, latex: str, python: str) -> None:
    assert to_unicode(expr) == unicode
    assert to_latex(expr) == latex
    assert to_python(expr) == python


def test_upstream_follows_the_derivations_notation() -> None:
    assert to_unicode(Upstream("y", "u") * x, partial=False) == "dy/du·x"
    assert to_latex(Upstream("y", "u"), partial=False) == r"\frac{dy}{du}"


ML = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus, "Heaviside": sympy.Heaviside}
ROUND_TRIP = [
    s * (1 - s),
    relu(W1 * x + b1) * sympy.Heaviside(a),
    softplus(a) ** 2 / 2 + sigmoid(-a),
    sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2,
    sympy.Heaviside(x - 1) * relu(x) - sympy.sqrt(softplus(y)),
    sympy.Float("2.5") * x ** sympy.Rational(3, 2) - sympy.pi * sympy.log(x, 2),
]


@pytest.mark.parametrize("expr", ROUND_TRIP, ids=str)
def test_to_python_round_trips_through_parse_expr(expr: Any) -> None:
    text = to_python(expr)
    assert sympy.parse_expr(text, local_dict=dict(ML)) == expr


def test_round_trip_with_real_symbols() -> None:
    # The engine's symbols carry assumptions (real=True); names are what round-trip.
    r = sympy.Symbol("r", real=True)
    expr = sigmoid(r) * (1 - sigmoid(r))
    back = sympy.parse_expr(to_python(expr), local_dict={**ML, "r": r})
    assert back == expr


@pytest.mark.parametrize(
    ("name", "unicode", "latex"),
    [
        ("W1", "W₁", "W_{1}"),
        ("W_1", "W₁", "W_{1}"),
        ("u12", "u₁₂", "u_{12}"),
        ("x_i", "xᵢ", "x_{i}"),
        ("theta", "θ", r"\theta"),
        ("theta1", "θ₁", r"\theta_{1}"),
        ("Omega", "Ω", r"\Omega"),
        ("x_q", "x_q", "x_{q}"),
        ("loss", "loss", "loss"),
        ("pi", "π", r"\pi"),
        # names the reader made: an accent, a version (c′), or both
        ("y__hat", "ŷ", r"\hat{y}"),
        ("y__hat_1", "ŷ₁", r"\hat{y}_{1}"),
        ("x__bar", "x̄", r"\bar{x}"),
        ("x__dot", "ẋ", r"\dot{x}"),
        ("x__ddot", "ẍ", r"\ddot{x}"),
        ("x__tilde", "x̃", r"\tilde{x}"),
        ("v__vec", "v⃗", r"\vec{v}"),
        ("theta__hat_2", "θ̂₂", r"\hat{\theta}_{2}"),
        ("c__1", "c′", "c'"),
        ("c__2", "c″", "c''"),
        ("c__3", "c‴", "c'''"),
        ("c__12", "c⁽¹²⁾", "c^{(12)}"),
        ("W1__1", "W₁′", "W_{1}'"),
        ("y__hat__2", "ŷ″", r"\hat{y}''"),
        ("lambda", "λ", r"\lambda"),
    ],
)
def test_names(name: str, unicode: str, latex: str) -> None:
    assert name_unicode(name) == unicode
    assert name_latex(name) == latex


def test_derivative_symbols() -> None:
    assert unicode_printer.derivative_symbol("y", "u", False) == "dy/du"
    assert unicode_printer.derivative_symbol("L", "W1", True) == "∂L/∂W₁"
    assert latex_printer.derivative_symbol("L", "W1", True) == r"\frac{\partial L}{\partial W_{1}}"
    assert latex_printer.derivative_symbol("y", "u", False) == r"\frac{dy}{du}"
    assert to_python(Upstream("L", "W1")) == "dL_dW1"


def test_minus_is_the_unicode_minus_sign() -> None:
    text = to_unicode(x - 3 * y - sympy.Integer(-5) * sympy.exp(-z))
    assert "-" not in text
    assert "−" in text


def test_products_split_into_ordered_numerator_and_denominator() -> None:
    assert split_mul(-3 * sympy.cos(x) * (x + 1) / (2 * x * y)) == (
        True,
        [sympy.Integer(3), sympy.cos(x), x + 1],
        [sympy.Integer(2), x, y],
    )
    assert split_mul(W2 / sympy.sqrt(x)) == (False, [W2], [sympy.sqrt(x)])


def test_constants_too_large_to_order_still_print() -> None:
    # sympy orders a sum by evaluating its numeric terms; 2**2**2**99 would overflow.
    power = sympy.Pow(2, sympy.Pow(2, 99, evaluate=False), evaluate=False)
    expr = sympy.Add(sympy.Pow(2, power, evaluate=False), x, evaluate=False)
    assert to_unicode(expr) == "2^(2^(2⁹⁹)) + x"
    assert to_latex(expr) == "2^{2^{2^{99}}} + x"
    assert to_python(expr) == "2**(2**(2**99)) + x"


def test_long_integers_print_in_full() -> None:
    big = sympy.Integer(10) ** 5000
    assert to_python(big * x) == "1" + "0" * 5000 + "*x"
    assert to_unicode(big).count("0") == 5000


def test_a_bracket_after_a_call_is_never_read_as_its_argument() -> None:
    assert to_unicode(sympy.log(x + 1) * (x + 1) ** x) == "ln(x + 1)·(x + 1)ˣ"
    assert to_unicode(sympy.sin(x) * (y - z)) == "sin(x)·(y − z)"
    assert to_unicode(sympy.sqrt(x + 1) * (x + 2)) == "√(x + 1)·(x + 2)"
    # ML's idiom stays juxtaposed, and so does a bracket after a bracket.
    assert to_unicode(s * (1 - s)) == "σ(a)(1 − σ(a))"
    assert to_unicode(sympy.tanh(a) * (1 + sympy.tanh(a))) == "tanh(a)(tanh(a) + 1)"
    assert "·" not in to_unicode((x - y) * (x + z))


def test_slashes_never_stack() -> None:
    r, q = sympy.symbols("r q")
    assert to_unicode(Upstream("L", "r") / q) == "(∂L/∂r)/q"
    assert to_unicode(-2 * x * Upstream("L", "r") / q) == "−(∂L/∂r·2x)/q"
    assert to_unicode(Upstream("L", "r") * x) == "∂L/∂r·x"  # no denominator, no brackets
    # In LaTeX no fraction sits inside a fraction's numerator.
    assert to_latex(Upstream("L", "r") / q) == r"\frac{\partial L}{\partial r} \cdot \frac{1}{q}"


def test_a_lone_denominator_needs_no_brackets() -> None:
    assert to_latex(1 / (x**2 + 1)) == r"\frac{1}{x^{2} + 1}"
    assert to_latex((y - 1) / (1 - x)) == r"\frac{y - 1}{1 - x}"
    assert to_latex(1 / (x * (x + 1))) == r"\frac{1}{x \left(x + 1\right)}"  # one of several
    assert to_latex(1 / (x + 1) ** 2) == r"\frac{1}{\left(x + 1\right)^{2}}"


# -- names Python syntax must rename --------------------------------------------------------------


def test_python_names_read_back_as_symbols_of_their_own() -> None:
    names = ["lambda", "y__hat", "c", "c__1", "beta", "I", "sum", "x", "Lambda", "x__bar__2"]
    renamed = python_names(names)
    assert renamed == {
        "lambda": "lamda", "y__hat": "yhat", "c__1": "c_v1", "beta": "beta_", "I": "I_",
        "sum": "sum_", "Lambda": "Lambda_", "x__bar__2": "xbar_v2",
    }  # fmt: skip
    shown = [renamed.get(n, n) for n in names]
    assert len(set(shown)) == len(names)
    for text in shown:
        assert sympy.parse_expr(text) == sympy.Symbol(text), text


def test_python_names_never_take_a_name_already_there() -> None:
    assert python_names(["lamda", "lambda", "yhat", "y__hat", "c_v1", "c__1"]) == {
        "lambda": "lamda_", "y__hat": "yhat_", "c__1": "c_v1_"
    }  # fmt: skip


def test_to_python_renames_symbols_upstream_gradients_and_functions() -> None:
    lam, c1 = sympy.Symbol("lambda"), sympy.Symbol("c__1")
    beta = sympy.Function("beta")
    text = to_python(lam * x + c1 + Upstream("c__1", "x") * beta(x))
    assert text == "c_v1 + lamda*x + dc_v1_dx*beta_(x)"
    back = sympy.parse_expr(text)
    assert back.free_symbols == set(sympy.symbols("c_v1 lamda x dc_v1_dx"))
    assert to_python(lam, {"lambda": "mine"}) == "mine"  # a derivation's names, given


def test_activations_case_analyses_and_published_constants() -> None:
    from chainrule.calculus.functions import gelu, hardtanh, leaky_relu, normal_cdf, selu

    r = sympy.Symbol("r", real=True)
    band = sympy.diff(hardtanh(r, -2, b1), r)
    assert to_unicode(band) == "{1 if −2 < r < b₁; 0 otherwise}"
    assert (
        to_latex(band)
        == r"\begin{cases} 1 & \text{if } -2 < r < b_{1} \\ 0 & \text{otherwise} \end{cases}"
    )
    assert to_unicode(sympy.Piecewise((1, (r <= 0) | sympy.Ne(r, 2)), (0, True))) == (
        "{1 if r ≤ 0 or r ≠ 2; 0 otherwise}"
    )
    assert to_unicode(sympy.diff(selu(r), r)) == "{1.0507 if r > 0; selu(r) + 1.7581 otherwise}"
    assert "1.0507009873554804934193349852946" in to_python(sympy.diff(selu(r), r))  # JSON: all
    assert to_unicode(sympy.diff(gelu(r), r)) == "r·φ(r) + Φ(r)"
    assert to_latex(normal_cdf(r) ** 2) == r"\Phi^{2}\left(r\right)"
    assert to_latex(leaky_relu(r, sympy.Rational(1, 5))) == (
        r"\operatorname{leaky\_relu}\left(r, \frac{1}{5}\right)"
    )
    assert to_latex(gelu(r) ** 2) == r"\operatorname{gelu}^{2}\left(r\right)"


def test_a_cached_activation_stands_beside_its_one_minus_itself() -> None:
    h1, w, x, y, z = sympy.symbols("h1 w x y z", real=True)
    expr = w * x * h1 * (1 - h1) * (z - y)
    assert to_unicode(expr) == "w·x·h₁(1 − h₁)(z − y)"  # not h₁·w·x·(1 − h₁)(z − y)
    assert to_latex(expr) == r"w x h_{1} \left(1 - h_{1}\right) \left(z - y\right)"
    assert split_mul(h1 * (1 + h1) / (w * (1 - w)))[1:] == ([h1, 1 + h1], [w, 1 - w])
    assert to_unicode(x * (h1 - y)) == "x·(h₁ − y)"  # only 1 ± itself


class _SympysWay(PythonPrinter):
    """PythonPrinter with sympy's own products, sums and brackets: the reference the fast
    paths (``_plain_product``, ``_precedence``) must match character for character."""

    def _plain_product(self, factors: Any) -> None:
        return None

    def _precedence(self, item: Any) -> int:
        return int(precedence(item))

    parenthesize = StrPrinter.parenthesize
    _print_Add = StrPrinter._print_Add  # noqa: N815 - sympy's dispatch name


_x, _u = sympy.symbols("x u", real=True)
_factors = st.sampled_from(
    [
        _x,
        _u,
        Upstream("y", "u"),
        sympy.cos(_u),
        sympy.sin(_x),
        sigmoid(_u),
        sympy.Function("f")(_x),
        _x**2,
        1 / _u,
        _x + 1,
        sympy.Rational(-2, 3),
        sympy.Float(1.5),
    ]
)
_products = st.builds(
    lambda k, fs, typed: (
        TypedMul(*[sympy.Integer(k), *fs], evaluate=False) if typed else sympy.Mul(k, *fs)
    ),
    st.integers(-30, 30),
    st.lists(_factors, min_size=1, max_size=3),
    st.booleans(),
)


@settings(max_examples=300)
@given(st.lists(_products, min_size=1, max_size=4))
def test_fast_products_and_sums_print_as_sympys_printer_does(terms: list[Any]) -> None:
    expr = sympy.Add(*terms) if len(terms) > 1 else terms[0]
    for each in [*terms, expr]:
        assert doprint(PythonPrinter(), each) == doprint(_SympysWay(), each)


@pytest.mark.parametrize(
    "name", [f"{a}{d}" for a in "xuWQeEIOSN" for d in ("", "0", "7", "12", "5998")]
)
def test_a_letter_and_digits_is_named_as_sympy_names_it(name: str) -> None:
    # name_latex writes u5998 as u_{5998} itself: the same as sympy's name translation.
    expected = SympyLatexPrinter()._print_Symbol(sympy.Symbol(name))
    assert name_latex(name) == expected
