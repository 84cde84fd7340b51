"""``parse``: statements, programs, declared functions and the arguments it takes; and how its
errors are shown (``render.errors.format_error``) for text the lexers refuse."""

from __future__ import annotations

import pytest
import sympy

from chainrule.calculus.functions import sigmoid
from chainrule.errors import ChainruleError, ParseError
from chainrule.model import Note
from chainrule.read.notation import MAX_INPUT_CHARS
from chainrule.read.program import parse, read_name
from chainrule.render.errors import format_error
from tests.helpers import to_sympy

x = sympy.Symbol("x", real=True)


def R(name: str) -> sympy.Symbol:  # noqa: N802 - reads like a symbol constructor
    return sympy.Symbol(name, real=True)


def test_programs() -> None:
    text = (
        "# a network\nu = W*x + b\n\nh = tanh(u)  # the hidden layer\ny = sigma(h); L = (y - t)^2\n"
    )
    program = parse(text)
    assert [a.name for a in program.assignments] == ["u", "h", "y", "L"]
    assert [a.line for a in program.assignments] == [2, 4, 5, 5]
    assert [a.column for a in program.assignments] == [1, 1, 1, 15]
    assert program.source == text
    assert not program.is_expression
    assert to_sympy(program.assignments[2].value) == sigmoid(R("h"))
    # …but once sigma is one of the program's names, sigma(h) is a product:
    named = parse("sigma = 2; y = sigma(h)").assignments[1].value
    assert to_sympy(named) == R("sigma") * R("h")


def test_assigned_names_are_never_functions() -> None:
    program = parse("f = x^2; y = f(x+1)")
    assert to_sympy(program.assignments[1].value) == R("f") * (x + 1)
    hidden = parse("hidden = x; y = hidden(2)")
    assert to_sympy(hidden.assignments[1].value) == 2 * R("hidden")


def test_bare_expression() -> None:
    program = parse("sin(x)\n")
    assert program.is_expression
    assert program.assignments[0].name is None and program.assignments[0].column == 1
    assert parse("x; ").is_expression
    assert parse("\r\nx^2\r\n").is_expression


def test_windows_newlines_and_blank_statements() -> None:
    program = parse("a = 1;;\r\n\r\nb = a\r\n")
    assert [s.name for s in program.assignments] == ["a", "b"]


def test_thousand_layer_program_fits_the_input_limit() -> None:
    lines = ["h0 = x"] + [f"h{i} = tanh(W{i}*h{i - 1} + b{i})" for i in range(1, 1001)]
    text = "\n".join(lines) + "\ny = h1000\n"
    assert 25_000 < len(text) < MAX_INPUT_CHARS
    assert len(parse(text).assignments) == 1002


def test_error_source_is_the_offending_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse("a = 1\nb = a +* 2\nc = b")
    assert caught.value.source == "b = a +* 2"
    assert caught.value.column == 8


def test_syntax_math_refuses_latex_and_bad_syntax_names() -> None:
    with pytest.raises(ParseError, match="unexpected"):
        parse(r"\sin(x)", syntax="math")
    with pytest.raises(ValueError):
        parse("x", syntax="tex")
    with pytest.raises(TypeError):
        parse(b"x")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["sin", "e", "sigma", "__x", "import", "2f", "a b", "log_2", ""])
def test_bad_declared_function_names(name: str) -> None:
    with pytest.raises(ParseError):
        parse("x", functions=[name])


# -- format_error ---------------------------------------------------------------------------------


def test_format_error_points_at_the_column() -> None:
    with pytest.raises(ParseError) as caught:
        parse("y = sinn(x)")
    assert format_error(caught.value) == (
        "error: unknown function 'sinn'\n  y = sinn(x)\n      ^\nhint: did you mean 'sin'?"
    )


def test_format_error_without_place_or_hint() -> None:
    assert format_error(ChainruleError("boom")) == "error: boom"
    assert format_error(ChainruleError("boom", source="x", column=None)) == "error: boom"


@pytest.mark.parametrize(
    "source",
    ["x\x1b[31m + y", "x\x00y", "x\udc80y", "\u202ex + 1", "x\r\x07", "a\u2028b +"],
)
def test_format_error_never_echoes_control_characters(source: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(source)
    rendered = format_error(caught.value)
    assert all(ch.isprintable() or ch == "\n" for ch in rendered), repr(rendered)
    rendered.encode("utf-8")  # a lone surrogate would fail here
    lines = rendered.split("\n")
    caret = lines[2].index("^")
    shown = lines[1]
    assert caret <= len(shown)


def test_format_error_caret_under_escaped_and_wide_characters() -> None:
    err = ParseError("bad", source="\x1bx + 全y", column=7)
    _, shown, caret = format_error(err).split("\n")
    assert shown == "  \\x1bx + 全y"
    assert caret == "  " + " " * 10 + "^"  # \x1b is 4 cells, "x + " 4 more, 全 is 2 wide


def test_format_error_cuts_long_lines() -> None:
    err = ParseError("bad", source="a" * 5000 + "?" + "b" * 5000, column=5001)
    _, shown, caret = format_error(err).split("\n")
    assert len(shown) < 200
    assert shown[len(caret) - 1] == "?"


# -- targets and names ----------------------------------------------------------------------------


def test_a_program_that_assigns_a_constant_makes_it_a_variable() -> None:
    program = parse("e = z - y; L = e^2/2")
    assert to_sympy(program.assignments[1].value) == R("e") ** 2 / 2
    assert program.notes == (Note("shadows_e", (("name", "e"),)),)
    assert parse("pi = sigmoid(a); y = pi*2").notes == (Note("shadows_pi", (("name", "pi"),)),)
    # Elsewhere e is still Euler's number.
    assert to_sympy(parse("y = e^x").assignments[0].value) == sympy.exp(x)


def test_a_log_name_may_be_assigned() -> None:
    program = parse("log_prob = log(p); L = -log_prob")
    assert [a.name for a in program.assignments] == ["log_prob", "L"]
    assert to_sympy(program.assignments[1].value) == -R("log_prob")


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("x", "x"), ("θ", "theta"), ("W₁", "W_1"), ("W_1", "W_1"), ("ŷ", "y__hat"),
        ("c′", "c__1"), ("c'", "c__1"), ("c''", "c__2"), ("c″", "c__2"), ("h‴", "h__3"),
        ("ŷ′", "y__hat__1"), ("x y", "x y"), ("2x", "2x"), ("[", "["), ("", ""),
    ],
)  # fmt: skip
def test_read_name(typed: str, name: str) -> None:
    assert read_name(typed) == name
