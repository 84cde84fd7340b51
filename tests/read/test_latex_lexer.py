"""The LaTeX lexer (``read.latex_lexer``): commands become the plain lexer's tokens, so the
parser has one grammar; unknown commands and unbalanced braces are refused with their column."""

from __future__ import annotations

import pytest

from chainrule.errors import ParseError
from chainrule.read.latex_lexer import KNOWN_COMMANDS, LatexLexer
from chainrule.read.lexer import Lexer


def tokens(text: str) -> list[str]:
    """Every token but the final ``sep`` and ``end``, as "kind text column"."""
    found = LatexLexer(text).run()
    assert [t.kind for t in found[-2:]] == ["sep", "end"]
    return [f"{t.kind} {t.text} {t.col}" for t in found[:-2]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the two commands with several arguments become calls of names no user can type
        (r"\frac{a}{b}", ["name \\frac 1", "open ( 6", "name a 7", "op , 8", "name b 10",
                          "close ) 11"]),
        (r"\dfrac {1}{x}", ["name \\frac 1", "open ( 8", "num 1 9", "op , 10", "name x 12",
                            "close ) 13"]),
        (r"\sqrt[3]{x}", ["name \\root 1", "open ( 6", "num 3 7", "op , 8", "name x 10",
                          "close ) 11"]),
        (r"\sqrt{x}", ["name sqrt 1", "open { 6", "name x 7", "close } 8"]),
        (r"\sqrt x", ["name sqrt 1", "name x 7"]),
        (r"x^{2}", ["name x 1", "op ^ 2", "open { 3", "num 2 4", "close } 5"]),
        (r"\{x\}", ["open { 1", "name x 3", "close } 4"]),
    ],
)  # fmt: skip
def test_braces_and_arguments(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\left( x \right)", ["open ( 6", "name x 8", "close ) 16"]),
        (r"\left[ x \right]", ["open [ 6", "name x 8", "close ] 16"]),
        (r"\left\{ x \right\}", ["open { 6", "name x 9", "close } 17"]),
        (r"\left| x \right|", ["lbar | 6", "name x 8", "rbar | 16"]),
        (r"\left\lvert x \right\rvert", ["lbar | 6", "name x 13", "rbar | 21"]),
        (r"\lvert x \rvert \vert", ["lbar | 1", "name x 8", "rbar | 10", "bar | 17"]),
        (r"\bigl( x \bigr)", ["open ( 6", "name x 8", "close ) 15"]),
    ],
)
def test_delimiters(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"a \cdot b \times c \div d \ast e", ["name a 1", "op * 3", "name b 9", "op * 11",
                                               "name c 18", "op / 20", "name d 25", "op * 27",
                                               "name e 32"]),
        (r"a\,b\;c\!d\:e\ f\quad g\qquad h", ["name a 1", "name b 4", "name c 7", "name d 10",
                                              "name e 13", "name f 16", "name g 23",
                                              "name h 31"]),
        ("$x$ ~y", ["name x 2", "name y 6"]),
        ("x % a comment", ["name x 1"]),
        (r"\sin x \log_2 x \ln", ["name sin 1", "name x 6", "name log_2 8", "name x 15",
                                  "name ln 17"]),
        (r"\alpha \varepsilon \Gamma \theta_1", ["name alpha 1", "name epsilon 8",
                                                 "name Gamma 20", "name theta_1 27"]),
        (r"\operatorname{relu}(x)", ["name relu 1", "open ( 20", "name x 21", "close ) 22"]),
        (r"\mathrm{ReLU} \text{W1}", ["name ReLU 1", "name W1 15"]),
    ],
)  # fmt: skip
def test_commands_become_plain_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize("text", ["x^2 + |y|", "2x(x+1)", "sin(x)/x", "W_1 θ₁ x⁻¹", "√x ∛y"])
def test_plain_notation_lexes_as_the_plain_lexer_does(text: str) -> None:
    assert LatexLexer(text).run() == Lexer(text).run()


@pytest.mark.parametrize(
    ("text", "message", "column", "hint"),
    [
        (r"x + \foo", "unknown LaTeX command '\\foo'", 5, None),
        ("\\", "unexpected '\\' at the end of the line", 1, None),
        (r"x]", "unexpected ']'", 2, None),
        (r"[x}", "unexpected '}'", 3, None),
        (r"\sqrt[3", "unbalanced '[' opened at column 6", 6, None),
        (r"\frac{1}", "\\frac needs {numerator}{denominator}", 9, None),
        (r"\mathrm x", "\\mathrm needs a name in braces, like \\mathrm{relu}", 1, None),
        (r"\left. x", "unsupported delimiter '.' after \\left", 6, "use ( ), [ ] or | |"),
        (r"\left\foo x", "unsupported delimiter after \\left", 6, None),
        (r"\mathrm{__import__}", "\\mathrm{…} may hold only a name made of letters and digits",
         1, None),
        (r"\operatorname{eval}(x)", "name 'eval' is not allowed: it is reserved", 1,
         "choose another name"),
    ],
)  # fmt: skip
def test_refusals(text: str, message: str, column: int, hint: str | None) -> None:
    # More LaTeX refusals, through the parser, are in test_expression.py's ERRORS table.
    with pytest.raises(ParseError) as caught:
        LatexLexer(text).run()
    err = caught.value
    assert (err.message, err.column, err.hint) == (message, column, hint)


def test_braces_are_tracked_per_line() -> None:
    with pytest.raises(ParseError) as caught:
        LatexLexer("a = {x\nb = x}").run()
    assert (caught.value.source, caught.value.column) == ("a = {x", 5)


def test_known_commands_are_the_hint_vocabulary() -> None:
    for command in ("sin", "frac", "sqrt", "left", "cdot", "alpha", "varepsilon", "operatorname"):
        assert command in KNOWN_COMMANDS
    assert "input" not in KNOWN_COMMANDS and "def" not in KNOWN_COMMANDS
    assert KNOWN_COMMANDS == sorted(KNOWN_COMMANDS)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (r"\hat{y}", "y__hat"),
        (r"\hat y", "y__hat"),
        (r"\bar{x}_1", "x__bar_1"),
        (r"\dot{\theta}_{2}", "theta__dot_2"),
        (r"\hat\theta", "theta__hat"),
        (r"\overline{x}", "x__bar"),
        (r"\widehat{y}", "y__hat"),
        (r"\ddot{x}", "x__ddot"),
        (r"\tilde{x}", "x__tilde"),
        (r"\vec{v}", "v__vec"),
        ("ŷ", "y__hat"),  # the Unicode accents are read in LaTeX too
    ],
)
def test_accents_make_names(text: str, name: str) -> None:
    assert tokens(text) == [f"name {name} 1"]


@pytest.mark.parametrize("text", [r"\hat{xy}", r"\hat", r"\hat{2}", r"\bar{\sin}"])
def test_an_accent_takes_one_letter(text: str) -> None:
    with pytest.raises(ParseError, match=r"takes one letter"):
        LatexLexer(text).run()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (r"\operatorname{relu}", "relu"),
        (r"\operatorname{leaky\_relu}", "leaky_relu"),  # LaTeX escapes _ in text
        (r"\mathrm{log_sigmoid}", "log_sigmoid"),
    ],
)
def test_text_names_may_hold_underscores(text: str, name: str) -> None:
    assert tokens(text) == [f"name {name} 1"]


def test_a_text_name_may_not_start_with_an_underscore() -> None:
    with pytest.raises(ParseError, match="may hold only a name"):
        LatexLexer(r"\operatorname{\_x}").run()
