"""``read.traps``: each known trap, what it is read as and the note that says so; and that
nothing else gets split or noted."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.calculus.functions import FUNCTIONS, sigmoid
from chainrule.errors import ParseError
from chainrule.model import FUNCTION_ARITIES, Note
from chainrule.read.notation import ALIASES
from chainrule.read.program import parse
from tests.helpers import to_sympy

x, y, t, m, c, h, b = (sympy.Symbol(n, real=True) for n in ("x", "y", "t", "m", "c", "h", "b"))


def R(name: str) -> sympy.Symbol:  # noqa: N802 - reads like a symbol constructor
    return sympy.Symbol(name, real=True)


def read(text: str, **kwargs: object) -> tuple[sympy.Expr, list[Note]]:
    """The meaning of the program's last statement, and its notes."""
    program = parse(text, **kwargs)  # type: ignore[arg-type]
    return to_sympy(program.assignments[-1].value), list(program.notes)


def note(code: str, **data: str) -> Note:
    return Note(code, tuple(data.items()))


GLUED = [
    ("sinx", sympy.sin(x), "sin", "x"),
    ("lnx", sympy.log(x), "ln", "x"),
    ("cosx", sympy.cos(x), "cos", "x"),
    ("tanx", sympy.tan(x), "tan", "x"),
    ("cost", sympy.cos(t), "cos", "t"),
    ("sin2x", sympy.sin(2 * x), "sin", "2x"),
    ("sinhx", sympy.sinh(x), "sinh", "x"),  # the longest function name wins: not sin(hx)
    ("arcsinx", sympy.asin(x), "arcsin", "x"),
    ("sqrtx", sympy.sqrt(x), "sqrt", "x"),
    ("sintheta", sympy.sin(R("theta")), "sin", "theta"),
    ("sinx_1", sympy.sin(R("x_1")), "sin", "x_1"),
    ("log2x", sympy.log(x, 2), "log2", "x"),
    ("sigmoidx", sigmoid(x), "sigmoid", "x"),
]


@pytest.mark.parametrize(("text", "meaning", "function", "argument"), GLUED)
def test_a_function_glued_to_its_argument_is_the_call(
    text: str, meaning: sympy.Expr, function: str, argument: str
) -> None:
    assert read(text) == (
        meaning,
        [note("glued_function", text=text, function=function, argument=argument)],
    )


def test_a_glued_call_follows_the_notation_of_a_call_without_parentheses() -> None:
    # sin x^2 = sin(x²), so sinx^2 is too; the note quotes what was glued.
    assert read("sinx^2")[0] == sympy.sin(x**2)
    assert read("sinx cosx")[0] == sympy.sin(x) * sympy.cos(x)
    assert read("2sinx + 1")[0] == 2 * sympy.sin(x) + 1


@pytest.mark.parametrize(
    ("text", "meaning", "reading"),
    [
        ("xe^x", x * sympy.exp(x), "x·e"),
        ("2xe^(-x)", 2 * x * sympy.exp(-x), "x·e"),
        ("te^t", t * sympy.exp(t), "t·e"),
        ("xsinx", x * sympy.sin(x), "x·sin x"),
        ("xsin(x)", x * sympy.sin(x), "x·sin"),
        ("xln x", x * sympy.log(x), "x·ln"),
        ("tcos2t", t * sympy.cos(2 * t), "t·cos 2t"),
        ("pix", sympy.pi * x, "pi·x"),
    ],
)
def test_a_name_holding_a_constant_or_a_function_is_split(
    text: str, meaning: sympy.Expr, reading: str
) -> None:
    assert read(text)[0] == meaning
    assert read(text)[1][0].code == "split_name"
    assert dict(read(text)[1][0].data)["reading"] == reading


@pytest.mark.parametrize(
    "text",
    ["sine", "cosine", "signal", "xe", "xe + 1", "best", "clog + 1", "theta", "beta", "epsilon"],
)
def test_other_names_stay_whole(text: str) -> None:
    meaning, notes = read(text)
    assert meaning.free_symbols == {R(text.split()[0])} and notes == []


def test_a_name_the_program_assigns_or_declares_is_never_split() -> None:
    assert read("sinx = 2; y = sinx*x") == (R("sinx") * x, [])
    assert to_sympy(parse("cost = 3; L = cost^2").assignments[1].value) == R("cost") ** 2
    assert read("xe = 2; y = xe^x")[0] == R("xe") ** x
    f = sympy.Function("sinx", real=True)
    assert read("sinx(t)", functions=["sinx"]) == (f(t), [])


def test_a_glued_name_before_a_bracket_stays_an_unknown_function() -> None:
    with pytest.raises(ParseError, match="unknown function 'sinc'"):
        parse("sinc(x)")


def test_e_in_a_power_glued_to_a_factor() -> None:
    # e^2x is e²·x by the documented rule; the note offers the other reading.
    assert read("e^2x") == (
        sympy.exp(2) * x,
        [note("power_product", text="e^2x", reading="(e^2)·x", other="e^(2x)")],
    )
    assert read("e^-2x")[1][0].data[1:] == (("reading", "(e^-2)·x"), ("other", "e^(-2x)"))
    assert read("2^3(x+1)")[1][0].data[1:] == (
        ("reading", "(2^3)·(x+1)"),
        ("other", "2^(3(x+1))"),
    )
    # Nothing to say when the reading is written out, or where TeX's rule is the rule.
    for plain in ("e^2 x", "e^(2x)", "e^2*x", "x^2y", "e^x"):
        assert read(plain)[1] == [], plain
    assert read("e^2x", syntax="latex")[1] == []


def test_a_divisor_glued_to_a_factor() -> None:
    assert read("1/2x") == (
        x / 2,
        [note("quotient_product", text="1/2x", reading="(1/2)·x", other="1/(2x)")],
    )
    assert read("1/x(x+1)")[0] == (x + 1) / x
    assert dict(read("1/x(x+1)")[1][0].data)["other"] == "1/(x(x+1))"
    assert dict(read("(x+1)/2x")[1][0].data)["reading"] == "((x+1)/2)·x"
    assert dict(read("x^2/2x")[1][0].data)["text"] == "x^2/2x"
    assert dict(read("sin(x)/2x")[1][0].data)["text"] == "sin(x)/2x"
    for plain in ("1/2 x", "1/(2x)", "x/2", "1/sin(x)", "1/f(x)", "a/b*c"):
        assert read(plain)[1] == [], plain


def test_a_power_of_one_over_a_number() -> None:
    assert read("x^1/2") == (
        x / 2,
        [note("power_fraction", text="x^1/2", reading="(x^1)/2", other="x^(1/2)")],
    )
    assert dict(read("(x+1)^-1/3")[1][0].data)["other"] == "(x+1)^(-1/3)"
    assert read("(z - y)^2/2")[1] == []  # the square over two is what everyone means


def test_a_one_letter_function_a_space_and_a_bracket_is_a_call() -> None:
    g = sympy.Function("g", real=True)
    assert read("g (x1 - m)") == (g(R("x1") - m), [note("spaced_call", text="g (", name="g")])
    assert read("σ (a)")[0] == sigmoid(R("a"))
    assert read("σ (a)")[1] == [note("spaced_call", text="σ (", name="σ")]
    assert read("g(x)")[1] == [] and read("sin (x)")[1] == []


def test_square_brackets_group() -> None:
    meaning, notes = read("cos[(π/12)(x − 2)]")
    assert meaning == sympy.cos(sympy.pi / 12 * (x - 2))
    assert notes == [note("square_brackets")]
    assert read("[x + 1]^2 [x]")[0] == (x + 1) ** 2 * x
    assert read(r"\left[x + 1\right]^2")[1] == []  # LaTeX's brackets need no word


@pytest.mark.parametrize("text", ["x[1]", "W[i]", "a = 2; y = a[0]", "x_1[2]", r"\theta[1]"])
def test_an_index_is_refused(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.message == "unexpected '['"
    assert caught.value.hint == "indexing is not supported: write W_1 or W1; group with ( )"


def test_mismatched_square_brackets() -> None:
    with pytest.raises(ParseError, match="mismatched"):
        parse("[x)")
    with pytest.raises(ParseError, match="unexpected ']'"):
        parse("x]")


def test_one_name_whose_letters_are_names_too() -> None:
    assert read("x^2 + xy + y^2") == (
        x**2 + R("xy") + y**2,
        [note("product_name", text="xy", product="x*y")],
    )
    assert read("xy")[1] == [] and read("xy + x")[1] == []  # y alone is not used


def test_log_is_the_natural_logarithm() -> None:
    assert read("log(x)") == (sympy.log(x), [note("natural_log")])
    assert read(r"\log x")[1] == [note("natural_log")]
    assert read("log(x) + log(y)")[1] == [note("natural_log")]  # once
    for plain in ("ln(x)", "log(x, 2)", "log_2(x)", "log10(x)"):
        assert read(plain)[1] == [], plain


def test_a_one_letter_name_before_a_bracketed_name_multiplies() -> None:
    assert read("h(x)") == (h * x, [note("product_call", text="h(x)", reading="h·x", name="h")])
    assert read("x(t)")[1][0].code == "product_call"
    for plain in ("x(x+1)", "h(2)", "h (x)", "h = 1; y = h(x)", "e(x)", "f(x)"):
        assert read(plain)[1] == [], plain


def test_every_note_is_made_once() -> None:
    assert read("sinx + sinx^2")[1] == [note("glued_function", text="sinx", function="sin",
                                            argument="x")]  # fmt: skip
    assert len(read("1/2x + 1/2x")[1]) == 1


def test_notes_keep_the_order_of_the_input() -> None:
    codes = [n.code for n in read("e^2x + sinx + 1/2y")[1]]
    assert codes == ["power_product", "glued_function", "quotient_product"]


GLUABLE = sorted(
    (name, canonical)
    for name, canonical in ALIASES.items()
    if FUNCTION_ARITIES[canonical] == (1,) and canonical in FUNCTIONS
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(GLUABLE), st.sampled_from(["x", "t", "θ", "x1", "x_i", "theta"]))
def test_any_function_glued_to_a_letter_is_its_call(function, letter: str) -> None:
    name, canonical = function
    text = name + letter
    meaning, notes = read(text)
    argument = R(letter.replace("θ", "theta"))
    if "θ" in letter:  # the lexer reads θ apart: sin θ, nothing glued
        assert notes == []
    else:
        assert notes == [note("glued_function", text=text, function=name, argument=letter)]
    assert meaning == FUNCTIONS[canonical](argument)
