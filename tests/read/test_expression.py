"""The expression parser, table-driven: each input against the sympy expression it means.

Statements and programs are in test_program.py, the name tables in test_notation.py, tokens in
test_lexer.py and test_latex_lexer.py; every table here goes through ``parse`` end to end.
"""

from __future__ import annotations

import inspect
import sys

import pytest
import sympy

from chainrule.calculus.functions import FUNCTIONS, relu, sigmoid, softplus
from chainrule.errors import LimitError, ParseError
from chainrule.read.notation import MAX_DEPTH, MAX_INPUT_CHARS
from chainrule.read.program import parse
from tests.helpers import to_sympy, walk

x, y, z, a, b, t, u, w = (sympy.Symbol(n, real=True) for n in "xyzabtuw")
E, pi = sympy.E, sympy.pi


def R(name: str) -> sympy.Symbol:  # noqa: N802 - reads like a symbol constructor
    return sympy.Symbol(name, real=True)


def F(name: str) -> sympy.FunctionClass:  # noqa: N802
    return sympy.Function(name, real=True)


def meaning(text: str, **kwargs: object) -> sympy.Expr:
    program = parse(text, **kwargs)  # type: ignore[arg-type]
    assert program.is_expression
    return to_sympy(program.assignments[0].value)


POWERS = [
    ("x^2", x**2),
    ("x**2", x**2),
    ("x²", x**2),
    ("x⁻¹", 1 / x),
    ("x^(1/2)", sympy.sqrt(x)),
    ("e^x", sympy.exp(x)),
    ("e^(-x)", sympy.exp(-x)),
    ("2^x", 2**x),
    ("x^x", x**x),
    ("x^2^3", x**8),
    ("-x^2", -(x**2)),
    ("2^-x", 2 ** (-x)),
    ("x!^2", sympy.factorial(x) ** 2),
    ("2^x!", 2 ** sympy.factorial(x)),
    ("x²³", x**23),
    ("xⁿ⁺¹", x ** (R("n") + 1)),
    ("e^x²", sympy.exp(x**2)),
    ("E^x", sympy.exp(x)),
]


PRODUCTS = [
    ("2x", 2 * x),
    ("3(x+1)", 3 * (x + 1)),
    ("(x+1)(x-1)", sympy.Mul(x + 1, x - 1)),
    ("2 sin(x)", 2 * sympy.sin(x)),
    ("x y", x * y),
    ("2πx", 2 * pi * x),
    ("2.5x", sympy.Rational(5, 2) * x),
    ("x(x+1)", x * (x + 1)),
    ("xy", R("xy")),
    ("2xy", 2 * R("xy")),
    ("a/b c", a / b * R("c")),
    ("1/2x", x / 2),
    ("a*b/c*d", a * b / R("c") * R("d")),
    ("x - y - z", x - y - z),
    ("x·y", x * y),
    ("x⋅y", x * y),
    ("x×y", x * y),
    ("x∗y", x * y),
    ("x÷y", x / y),
    ("x − y", x - y),
    ("x\u00a0y", x * y),
    ("x\u2009y", x * y),
    ("２ｘ＋１", 2 * x + 1),
    ("𝑥", x),
    ("+x", x),
    ("--x", x),
    ("x*-y", -x * y),
    ("h(x)", R("h") * x),
    ("W1(x)", R("W1") * x),
    ("θ(x+1)", R("theta") * (x + 1)),
]


FUNCTION_CASES = [
    ("sin(x)+cos(x)+tan(x)", sympy.sin(x) + sympy.cos(x) + sympy.tan(x)),
    ("sec(x)*csc(x)*cot(x)", sympy.sec(x) * sympy.csc(x) * sympy.cot(x)),
    ("asin(x)+arcsin(y)", sympy.asin(x) + sympy.asin(y)),
    ("acos(x)+arccos(y)", sympy.acos(x) + sympy.acos(y)),
    ("atan(x)+arctan(y)", sympy.atan(x) + sympy.atan(y)),
    ("asec(x)+arcsec(y)", sympy.asec(x) + sympy.asec(y)),
    ("acsc(x)+arccsc(y)", sympy.acsc(x) + sympy.acsc(y)),
    ("acot(x)+arccot(y)", sympy.acot(x) + sympy.acot(y)),
    ("sinh(x)+cosh(x)+tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
    ("sech(x)+csch(x)+coth(x)", sympy.sech(x) + sympy.csch(x) + sympy.coth(x)),
    ("asinh(x)+arcsinh(y)+arsinh(z)", sympy.asinh(x) + sympy.asinh(y) + sympy.asinh(z)),
    ("acosh(x)+arccosh(y)+arcosh(z)", sympy.acosh(x) + sympy.acosh(y) + sympy.acosh(z)),
    ("atanh(x)+arctanh(y)+artanh(z)", sympy.atanh(x) + sympy.atanh(y) + sympy.atanh(z)),
    ("exp(x)", sympy.exp(x)),
    ("ln(x)", sympy.log(x)),
    ("log(x)", sympy.log(x)),
    ("log(x, b)", sympy.log(x, b)),
    ("log_2(x)", sympy.log(x, 2)),
    ("log_{10}(x)", sympy.log(x, 10)),
    ("log_b x", sympy.log(x, b)),
    ("log_e(x)", sympy.log(x)),
    ("log_theta(x)", sympy.log(x, R("theta"))),
    ("log2(x) + log10 x", sympy.log(x, 2) + sympy.log(x, 10)),
    ("cosec(x)+cotan(y)+tg(z)", sympy.csc(x) + sympy.cot(y) + sympy.tan(z)),
    ("ctg(x)+arctg(y)+arcctg(z)", sympy.cot(x) + sympy.atan(y) + sympy.acot(z)),
    ("argsinh(x)+argcosh(y)+argtanh(z)", sympy.asinh(x) + sympy.acosh(y) + sympy.atanh(z)),
    ("cosech(x)+cotanh(y)", sympy.csch(x) + sympy.coth(y)),
    ("sqrt(x)", sympy.sqrt(x)),
    ("√x", sympy.sqrt(x)),
    ("√(x+1)", sympy.sqrt(x + 1)),
    ("√x y", sympy.sqrt(x) * y),
    ("2√x", 2 * sympy.sqrt(x)),
    ("cbrt(x)", x ** sympy.Rational(1, 3)),
    ("∛x", x ** sympy.Rational(1, 3)),
    ("abs(x)", sympy.Abs(x)),
    ("|x|", sympy.Abs(x)),
    ("|x - |y||", sympy.Abs(x - sympy.Abs(y))),
    ("||x| - y|", sympy.Abs(sympy.Abs(x) - y)),
    ("2|x|", 2 * sympy.Abs(x)),
    ("|x| |y|", sympy.Abs(x) * sympy.Abs(y)),
    ("|x|y", sympy.Abs(x) * y),
    ("sigmoid(a)", sigmoid(a)),
    ("σ(a)", sigmoid(a)),
    ("sigma(a)", sigmoid(a)),
    ("σ", R("sigma")),
    ("σ a", R("sigma") * a),
    ("relu(x)+ReLU(y)+Relu(z)", relu(x) + relu(y) + relu(z)),
    ("softplus(x)", softplus(x)),
    ("max(0, x)", sympy.Max(0, x)),
    ("min(x, y, z)", sympy.Min(x, y, z)),
    ("Max(x, y)", sympy.Max(x, y)),
    ("Heaviside(x)+heaviside(y)", sympy.Heaviside(x) + sympy.Heaviside(y)),
    ("sign(x)+sgn(y)", sympy.sign(x) + sympy.sign(y)),
    ("factorial(x)", sympy.factorial(x)),
    ("x!", sympy.factorial(x)),
    ("gamma(x)", sympy.gamma(x)),
    ("Gamma(x)", sympy.gamma(x)),
    ("gamma", R("gamma")),
    ("erf(x)", sympy.erf(x)),
    ("sin^2(x)", sympy.sin(x) ** 2),
    ("sin²(x)", sympy.sin(x) ** 2),
    ("sin**2(x)", sympy.sin(x) ** 2),
    ("sin^(2)(x)", sympy.sin(x) ** 2),
    ("sin^2 x", sympy.sin(x) ** 2),
    ("sin(x)^2", sympy.sin(x) ** 2),
    ("sin^-2(x)", sympy.sin(x) ** -2),
    ("log_2^2(x)", sympy.log(x, 2) ** 2),
    ("f(x)", F("f")(x)),
    ("g(x, y)", F("g")(x, y)),
    ("f(g(x))", F("f")(F("g")(x))),
    ("f", R("f")),
    ("f x", R("f") * x),
    ("sin(x)(y)", sympy.sin(x) * y),
]


NO_PARENTHESES = [
    ("sin x", sympy.sin(x)),
    ("sin 2x", sympy.sin(2 * x)),
    ("sin x cos x", sympy.sin(x) * sympy.cos(x)),
    ("sin x y", sympy.sin(x * y)),
    ("sin x * y", sympy.sin(x) * y),
    ("sin x / 2", sympy.sin(x) / 2),
    ("sin x + 1", sympy.sin(x) + 1),
    ("ln x^2", sympy.log(x**2)),
    ("e^sin x", sympy.exp(sympy.sin(x))),
    ("sin sin x", sympy.sin(sympy.sin(x))),
    ("2 sin x cos x", 2 * sympy.sin(x) * sympy.cos(x)),
    ("sin 2x cos x", sympy.sin(2 * x) * sympy.cos(x)),
    ("sin x f(y)", sympy.sin(x) * F("f")(y)),
    ("sin x √y", sympy.sin(x) * sympy.sqrt(y)),
    ("sin x!", sympy.sin(sympy.factorial(x))),
    ("sin |x|", sympy.sin(sympy.Abs(x))),
    ("sin (x+1) y", sympy.sin(x + 1) * y),
    ("-sin x", -sympy.sin(x)),
    ("sqrt x y", sympy.sqrt(x * y)),
    ("sin πx", sympy.sin(pi * x)),
    ("sin x, ", None),  # placeholder replaced below: a trailing comma is an error
]
NO_PARENTHESES.pop()


SYMBOLS = [
    ("theta", R("theta")),
    ("θ", R("theta")),
    ("α + alpha", 2 * R("alpha")),
    ("Δ", R("Delta")),
    ("ϕ + φ", 2 * R("phi")),
    ("µ", R("mu")),
    ("lambda", R("lambda")),
    ("λ", R("lambda")),
    ("pi", pi),
    ("π", pi),
    ("Π", R("Pi")),
    ("e", E),
    ("E", E),
    ("W_1", R("W_1")),
    ("W₁", R("W_1")),
    ("W_{12}", R("W_12")),
    ("W₁₂", R("W_12")),
    ("x_i", R("x_i")),
    ("W1", R("W1")),
    ("θ₁ + θ_1 + θ_{1}", 3 * R("theta_1")),
    ("dL_dz", R("dL_dz")),
    ("x_i_j", R("x_i_j")),
]


NUMBERS = [
    ("1e-3", sympy.Rational(1, 1000)),
    ("2.5e3", sympy.Integer(2500)),
    ("1E+2", sympy.Integer(100)),
    (".5", sympy.Rational(1, 2)),
    ("007", sympy.Integer(7)),
    ("2e", 2 * E),
    ("2 e-3", 2 * E - 3),
    ("2e3x", 2000 * x),
]

# √ and ∛ take one factor; followed by a bracket they are the call sqrt(…)/cbrt(…), so that
# √(x)^2 means (√x)² as sqrt(x)^2 does (a fresh hypothesis draw read it as √(x²) = |x|).
ROOTS = [
    ("√(x)^2", x),
    ("sqrt(x)^2", x),
    ("√x^2", sympy.Abs(x)),  # without a bracket: √ of the factor x^2
    ("∛(x)^3", x),
    ("∛x^3", (x**3) ** sympy.Rational(1, 3)),
    ("√(x)y", sympy.sqrt(x) * y),
    ("√(x)(y)", sympy.sqrt(x) * y),
    ("√(x)!", sympy.factorial(sympy.sqrt(x))),
    ("√x!", sympy.sqrt(sympy.factorial(x))),
    ("√(x+1)^2", x + 1),
    ("√ (x)^2", x),  # like sqrt (x)^2
    ("-√(x)^2", -x),
    ("2^√(x)^2", 2**x),
    ("√(√(x))^2", sympy.sqrt(x)),
    ("sin x √(y)^2", sympy.sin(x) * y),
    ("√(x)^2^3", x**4),  # right-associative: (√x)^(2^3)
]


LATEX = [
    (r"\sin(x^2)", sympy.sin(x**2)),
    (r"\sin{x}", sympy.sin(x)),
    (r"\frac{1}{1+e^{-x}}", 1 / (1 + sympy.exp(-x))),
    (r"\sqrt{x}", sympy.sqrt(x)),
    (r"\sqrt[3]{x}", x ** sympy.Rational(1, 3)),
    (r"\sqrt[n]{x}", x ** (1 / R("n"))),
    (r"\sqrt[\frac{1}{2}]{x}", x**2),
    (r"\ln x", sympy.log(x)),
    (r"\log_2 x", sympy.log(x, 2)),
    (r"\log_{10}(x)", sympy.log(x, 10)),
    (r"\sigma(a)", sigmoid(a)),
    (r"\sigma\left(a\right)", sigmoid(a)),
    (r"\sigma{a}", sigmoid(a)),
    (r"\sigma", R("sigma")),
    (r"\sigma a", R("sigma") * a),
    (r"\left( x + 1 \right)^2", (x + 1) ** 2),
    (r"\left[ x + 1 \right]^2", (x + 1) ** 2),
    (r"a \cdot b", a * b),
    (r"a \times b", a * b),
    (r"a \div b", a / b),
    (r"\exp(x)", sympy.exp(x)),
    (r"\tanh x", sympy.tanh(x)),
    (r"\operatorname{relu}(x)", relu(x)),
    (r"\mathrm{ReLU}(x)", relu(x)),
    (r"\operatorname{softplus}(x)", softplus(x)),
    (r"e^{x}", sympy.exp(x)),
    (r"x^{2}", x**2),
    (r"x^{-2}", x**-2),
    (r"W_{1} \theta", R("W_1") * R("theta")),
    (r"\theta_1 + \theta_{1}", 2 * R("theta_1")),
    (r"\pi", pi),
    (r"\alpha + \varepsilon", R("alpha") + R("epsilon")),
    (r"\Gamma(x)", sympy.gamma(x)),
    (r"|x|", sympy.Abs(x)),
    (r"\lvert x\rvert", sympy.Abs(x)),
    (r"\left| x \right|", sympy.Abs(x)),
    (r"\left\lvert x - \lvert y \rvert \right\rvert", sympy.Abs(x - sympy.Abs(y))),
    (r"{x + 1}^2", (x + 1) ** 2),
    (r"x\,y\;z\!w\:t\ u\quad a", x * y * R("z") * w * t * u * a),
    (r"\dfrac{a}{b} + \tfrac{1}{2}", a / b + sympy.Rational(1, 2)),
    (r"\frac{\frac{1}{x}}{y}", 1 / (x * y)),
    (r"\max(0, x)", sympy.Max(0, x)),
    (r"\sin^2 x", sympy.sin(x) ** 2),
    (r"\sin^{2}(x)", sympy.sin(x) ** 2),
    (r"\sqrt x", sympy.sqrt(x)),
    (r"$\sin x$", sympy.sin(x)),
    (r"\bigl( x \bigr)", x),
    (r"\sin x % a comment", sympy.sin(x)),
    (r"\arcsin x", sympy.asin(x)),
    (r"x^2 \cdot 2", 2 * x**2),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    POWERS + PRODUCTS + FUNCTION_CASES + NO_PARENTHESES + SYMBOLS + NUMBERS + ROOTS,
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_plain_notation(text: str, expected: sympy.Expr) -> None:
    assert meaning(text, syntax="math") == expected
    assert meaning(text) == expected  # auto picks math: there is no backslash


@pytest.mark.parametrize(("text", "expected"), LATEX, ids=lambda v: v if isinstance(v, str) else "")
def test_latex_notation(text: str, expected: sympy.Expr) -> None:
    assert meaning(text) == expected
    assert meaning(text, syntax="latex") == expected


@pytest.mark.parametrize("after", ["", "^2", "^-1", "!", "y", " y", "(y)", "^2 y", "/2", "²"])
@pytest.mark.parametrize(("glyph", "name"), [("√", "sqrt"), ("∛", "cbrt")])
def test_a_root_glyph_before_a_bracket_reads_as_the_call(glyph: str, name: str, after: str) -> None:
    assert meaning(f"{glyph}(x+1){after}") == meaning(f"{name}(x+1){after}")


@pytest.mark.parametrize("text", ["x^2 + 1", "sin(x)", "|x|", "2x"])
def test_latex_syntax_reads_plain_notation_too(text: str) -> None:
    assert meaning(text, syntax="latex") == meaning(text, syntax="math")


def test_declared_functions_are_applied() -> None:
    assert meaning("h(x)", functions=["h"]) == F("h")(x)
    assert meaning("phi(x) + φ(y)", functions=["phi"]) == F("phi")(x) + F("phi")(y)
    assert meaning("net(x, y)", functions=("net",)) == F("net")(x, y)
    assert meaning("h", functions=["h"]) == R("h")


# -- Term shape: what decompose relies on --------------------------------------------------------


def test_subtraction_is_add_of_neg_and_chains_are_flat() -> None:
    term = parse("a - b + c - d").assignments[0].value
    assert term.op == "add"
    assert [arg.op for arg in term.args] == ["symbol", "neg", "symbol", "neg"]
    product = parse("2 x y z").assignments[0].value
    assert product.op == "mul" and len(product.args) == 4


def test_scientific_literal_is_never_expanded() -> None:
    term = parse("1e100000000000").assignments[0].value
    assert term.op == "mul"
    one, power = term.args
    assert (one.op, one.text) == ("number", "1")
    assert power.op == "pow" and power.args[0].text == "10"
    assert power.args[1].text == "100000000000"
    negative = parse("1e-3").assignments[0].value.args[1].args[1]
    assert negative.op == "neg" and negative.args[0].text == "3"


def test_number_texts_are_plain_decimals() -> None:
    for text in ("2.5", ".5", "１２", "1e5", "3.25e-2"):
        for term in walk(parse(text).assignments[0].value):
            if term.op == "number":
                assert term.text.replace(".", "", 1).isdigit() and term.text.isascii()


def test_term_ops_and_call_names_are_known() -> None:
    program = parse(r"y = \frac{\sin(x)}{|x|} + f(x)^2 - 3!; z = log_2(y) + max(y, 1)")
    for assignment in program.assignments:
        for term in walk(assignment.value):
            assert term.op in ("number", "symbol", "constant", "add", "mul", "neg", "div",
                               "pow", "call", "apply")  # fmt: skip
            if term.op == "call":
                assert term.text in FUNCTIONS
            assert term.column >= 1


def test_columns() -> None:
    program = parse("y = 2*sin(x) + (a+b)")
    (statement,) = program.assignments
    assert (statement.name, statement.column, statement.line) == ("y", 1, 1)
    total = statement.value
    assert total.op == "add" and total.column == 5
    product, group = total.args
    assert product.column == 5
    assert product.args[1].op == "call" and product.args[1].column == 7
    assert product.args[1].args[0].column == 11
    assert group.op == "add" and group.column == 17  # the term starts inside the bracket
    assert parse("  -x").assignments[0].value.column == 3


def test_thousand_fold_composition_and_nesting_without_recursion() -> None:
    deep = "sin(" * 1000 + "x" + ")" * 1000
    parens = "(" * 1000 + "x" + ")" * 1000
    bare = "sin " * 1000 + "x"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 80)  # recursing over depth would fail here
    try:
        results = [parse(text).assignments[0].value for text in (deep, parens, bare)]
    finally:
        sys.setrecursionlimit(limit)
    depth, term = 0, results[0]
    while term.op == "call":
        depth, term = depth + 1, term.args[0]
    assert depth == 1000 and term.text == "x"
    assert results[1].op == "symbol"
    assert results[2].op == "call"


# -- errors --------------------------------------------------------------------------------------


ERRORS = [
    # (text, message, column, hint or None)
    ("sin(x))", "unexpected ')'", 7, None),
    ("(x", "unbalanced parenthesis opened at column 1", 1, None),
    ("1 + sin((x)", "unbalanced parenthesis opened at column 8", 8, None),
    ("sinn(x)", "unknown function 'sinn'", 1, "did you mean 'sin'?"),
    ("sin^-1(x)", "sin^-1(x) is ambiguous", 1, "did you mean asin(x)?"),
    ("sin⁻¹(x)", "sin^-1(x) is ambiguous", 1, "did you mean asin(x)?"),
    ("tanh^(-1)(x)", "tanh^-1(x) is ambiguous", 1, "did you mean atanh(x)?"),
    ("x ==  2", "unexpected '=='", 3, None),
    ("y := 2", "unexpected ':='", 3, None),
    ("x = 1; x + 1", "expected 'name = expression'", 8, None),
    ("x + 1\ny = 2", "expected 'name = expression'", 1, None),
    ("sin = 2", "'sin' is a function and cannot be assigned", 1, None),
    ("ln = 2", "'ln' is a function and cannot be assigned", 1, None),
    ("log10 = 2", "'log10' is a function and cannot be assigned", 1, None),
    ("x +", "expected an expression after '+'", 4, None),
    ("", "empty input", None, None),
    ("  # only a comment\n", "empty input", None, None),
    ("()", "empty parentheses", 1, None),
    ("sin()", "'sin' needs an argument", 1, None),
    ("f()", "'f' needs an argument", 1, None),
    ("sin", "function 'sin' needs an argument", 1, "write sin(x)"),
    ("2 + sin", "function 'sin' needs an argument", 5, None),
    ("sin + x", "function 'sin' needs an argument", 1, None),
    ("sin(x, y)", "sin takes 1 argument, got 2", 1, None),
    ("max(x)", "max takes 2 to 8 arguments, got 1", 1, None),
    ("log_2(x, 3)", "log_2 takes 1 argument, got 2", 1, None),
    ("log(x, 2, 3)", "log takes 1 or 2 arguments, got 3", 1, None),
    ("2 3", "missing operator before the number 3", 3, None),
    ("x 2", "missing operator before the number 2", 3, None),
    ("(x}", "mismatched '}': expected ')' to close '(' at column 1", 3, None),
    ("|x", "unclosed '|' opened at column 1", 1, None),
    ("(x|", "expected an expression after '|'", 4, None),  # | after an operand opens
    ("x, y", "unexpected ','", 2, None),
    ("(x, y)", "unexpected ','", 3, None),
    ("x_", "name 'x_' ends with '_'", 1, None),
    ("x_{a+b}", "a subscript in braces may hold only letters and digits", 2, None),
    ("log_2x", "unclear logarithm base '2x'", 1, None),
    # log_softmax is no logarithm to the base softmax: refused rather than guessed
    (
        "log_softmax(x)",
        "unclear logarithm base 'softmax'",
        1,
        "a base is a number or a one-letter name (log_2, log_b); for the base softmax write "
        "log(x, softmax)",
    ),
    ("log_ab x", "unclear logarithm base 'ab'", 1, None),
    ("x!!", "unexpected '!!'", 2, None),
    ("x != y", "unexpected '!='", 3, None),
    ("x // y", "unexpected '//'", 3, None),
    ("x < y", "unexpected '<'", 3, None),
    ("5.x", "unexpected '.'", 2, None),
    ("x₁₂ + ₁", "unexpected subscript", 7, None),
    ("x €", "unexpected character '€' (U+20AC)", 3, None),
    ("x\\y", "unknown LaTeX command '\\y'", 2, None),
    ("sin(x) = 2", "unexpected '='", 8, None),
    ("x = y = 2", "unexpected '='", 7, None),
    ("2 = x", "unexpected '='", 3, None),
    (r"\frac{1}{2", "unbalanced '{' opened at column 9", 9, None),
    (r"\frac12", "\\frac needs {numerator}{denominator}", 1, None),
    (r"\frac{1}2", "\\frac needs {numerator}{denominator}", 9, None),
    (r"\frac{1,2}{3}", "\\frac{a}{b} takes exactly two arguments", 1, None),
    (r"\sqrt[3]x", "\\sqrt[n] needs {radicand}", 9, None),
    (r"\sinx", "unknown LaTeX command '\\sinx'", 1, "did you mean '\\sin'?"),
    (r"\left. x \right|", "unsupported delimiter '.' after \\left", 6, None),
    (r"x}", "unexpected '}'", 2, None),
    ("{x)", "mismatched ')': expected '}' to close '{' at column 1", 3, None),
    (r"\mathrm{x+y}", "\\mathrm{…} may hold only a name made of letters and digits", 1, None),
    ("x\\", "unexpected '\\' at the end of the line", 2, None),
    ("xy(2)", "unknown function 'xy'", 1, None),
    ("xᵃ", "unsupported superscript or subscript (U+1D43)", 2, None),
    ("√(x, y)", "√ takes 1 argument, got 2", 1, None),
    ("2 + ∛()", "'∛' needs an argument", 5, None),
    ("√(x", "unbalanced parenthesis opened at column 2", 2, None),
    ("x\u0301", "unexpected character (U+0301)", 2, None),
]


@pytest.mark.parametrize(("text", "message", "column", "hint"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(text: str, message: str, column: int | None, hint: str | None) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    err = caught.value
    assert err.message == message
    assert err.column == column
    if hint is not None:
        assert err.hint == hint
    assert err.message[:1] == err.message[:1].lower() and not err.message.endswith(".")
    assert "\n" not in err.message


def test_limits() -> None:
    with pytest.raises(LimitError) as caught:
        parse("(" * 10_000 + "x" + ")" * 10_000)
    assert "2500" in caught.value.message and caught.value.column == MAX_DEPTH + 1
    with pytest.raises(LimitError):
        parse("x" + "/x" * (MAX_DEPTH + 10))  # deep without brackets: a left-leaning tree
    with pytest.raises(LimitError):
        parse("x" + "^x" * (MAX_DEPTH + 10))
    with pytest.raises(LimitError):
        parse("1" * 4001)
    assert parse("1" * 4000).assignments[0].value.text == "1" * 4000
    with pytest.raises(LimitError) as too_long:
        parse("x" * (MAX_INPUT_CHARS + 1))
    assert too_long.value.source is None
