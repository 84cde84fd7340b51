"""The plain-math lexer (``read.lexer``): token kinds, texts and columns, glyphs, superscripts
and subscripts, and the characters it refuses with the hint it gives."""

from __future__ import annotations

import pytest

from chainrule.errors import LimitError, ParseError
from chainrule.read.lexer import Lexer
from chainrule.read.notation import MAX_LITERAL_DIGITS


def tokens(text: str) -> list[str]:
    """Every token but the final ``sep`` and ``end``, as "kind text column"."""
    found = Lexer(text).run()
    assert [t.kind for t in found[-2:]] == ["sep", "end"]
    return [f"{t.kind} {t.text} {t.col}" for t in found[:-2]]


def refusal(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        Lexer(text).run()
    return caught.value


def test_kinds_texts_and_columns_of_a_statement() -> None:
    assert tokens("y = 2*sin(x) + |a|!, b; c") == [
        "name y 1", "eq = 3", "num 2 5", "op * 6", "name sin 7", "open ( 10", "name x 11",
        "close ) 12", "op + 14", "bar | 16", "name a 17", "bar | 18", "op ! 19", "op , 20",
        "name b 22", "sep ; 23", "name c 25",
    ]  # fmt: skip


def test_every_line_ends_in_a_separator_and_the_text_in_end() -> None:
    found = Lexer("a\r\nb # a comment\n").run()
    assert [(t.kind, t.text, t.line, t.col) for t in found] == [
        ("name", "a", 1, 1),
        ("sep", "\n", 1, 2),  # the \r is not part of the line
        ("name", "b", 2, 1),
        ("sep", "\n", 2, 14),  # after the comment, which yields no token
        ("sep", "\n", 3, 1),
        ("end", "", 3, 1),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.5", ["num 2.5 1 "]),
        (".5", ["num 0.5 1 "]),
        ("007", ["num 007 1 "]),
        ("2.5e-3", ["num 2.5 1 -3"]),
        ("1E+2", ["num 1 1 +2"]),
        ("1e5x", ["num 1 1 5", "name x 4 "]),
        ("2e", ["num 2 1 ", "name e 2 "]),  # no digits after e: Euler's number
        ("2e-x", ["num 2 1 ", "name e 2 ", "op - 3 ", "name x 4 "]),
    ],
)
def test_numbers_and_scientific_exponents(text: str, expected: list[str]) -> None:
    found = Lexer(text).run()[:-2]
    assert [f"{t.kind} {t.text} {t.col} {t.exp}" for t in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2", ["name x 1", "op ^ 2", "num 2 4"]),
        ("x·y", ["name x 1", "op * 2", "name y 3"]),
        ("x⋅y", ["name x 1", "op * 2", "name y 3"]),
        ("x×y", ["name x 1", "op * 2", "name y 3"]),
        ("x∗y", ["name x 1", "op * 2", "name y 3"]),
        ("x÷y", ["name x 1", "op / 2", "name y 3"]),
        ("x − y", ["name x 1", "op - 3", "name y 5"]),
        ("x – y", ["name x 1", "op - 3", "name y 5"]),
        ("√x", ["root sqrt 1", "name x 2"]),
        ("∛(y)", ["root cbrt 1", "open ( 2", "name y 3", "close ) 4"]),
        ("２ｘ＋１", ["num 2 1", "name x 2", "op + 3", "num 1 4"]),
        ("𝑥", ["name x 1"]),
        ("θ + σ", ["name theta 1", "op + 3", "name sigma 5"]),
        ("ς ϕ µ", ["name sigma 1", "name phi 3", "name mu 5"]),
        ("Δ", ["name Delta 1"]),
        ("a\tb\u00a0c\u2009d", ["name a 1", "name b 3", "name c 5", "name d 7"]),
        ("\ufeffx", ["name x 2"]),  # a byte-order mark opening the text is skipped
    ],
)
def test_glyphs_keep_their_columns(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # x² → x ^ ( 2 ): the parser needs no rules of its own for superscripts
        ("x²", ["name x 1", "op ^ 2", "open ( 2", "num 2 2", "close ) 2"]),
        ("x²³", ["name x 1", "op ^ 2", "open ( 2", "num 23 2", "close ) 3"]),
        ("x⁻¹", ["name x 1", "op ^ 2", "open ( 2", "op - 2", "num 1 3", "close ) 3"]),
        ("xⁿ⁺¹", ["name x 1", "op ^ 2", "open ( 2", "name n 2", "op + 3", "num 1 4", "close ) 4"]),
        ("x⁽²⁾", ["name x 1", "op ^ 2", "open ( 2", "open ( 2", "num 2 3", "close ) 4",
                  "close ) 4"]),
    ],
)  # fmt: skip
def test_superscripts_become_a_bracketed_power(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("W_1", "W_1"),
        ("W_{12}", "W_12"),
        ("W₁₂", "W_12"),
        ("x_i", "x_i"),
        ("x_i_j", "x_i_j"),
        ("θ₁", "theta_1"),
        ("θ_{1}", "theta_1"),
        ("xₐ", "x_a"),
        ("W1", "W1"),
        ("dL_dz", "dL_dz"),
        ("lambda", "lambda"),  # the Greek letter, not Python's keyword
    ],
)
def test_subscripts_join_their_name(text: str, name: str) -> None:
    assert tokens(text) == [f"name {name} 1"]


@pytest.mark.parametrize(
    ("text", "message", "column", "hint"),
    [
        ("f'", "unexpected quote \"'\"", 2, "strings and primes (f') are not supported"),
        ('"s"', "unexpected quote '\"'", 1, "strings are not supported"),
        ("`x", "unexpected '`'", 1, None),
        ("x.y", "unexpected '.'", 2,
         "decimals need digits after the point; attributes are not supported"),
        ("x:y", "unexpected ':'", 2, None),
        ("a@b", "unexpected '@'", 2, "matrix products are not supported; use * or a space"),
        ("x<y", "unexpected '<'", 2, "comparisons are not supported"),
        ("x>y", "unexpected '>'", 2, "comparisons are not supported"),
        ("x // y", "unexpected '//'", 3, "use '/' to divide"),
        ("x!=y", "unexpected '!='", 2, "comparisons are not supported"),
        ("x!!", "unexpected '!!'", 2, "double factorials are not supported"),
        ("x==y", "unexpected '=='", 2, "use '=' to name an intermediate: y = sin(u)"),
        ("x:=y", "unexpected ':='", 2, "write 'name = expression'"),
        ("x?", "unexpected '?'", 2, None),
        ("₁", "unexpected subscript", 1, "subscripts follow a name: W₁"),
        ("x\x07", "control character U+0007 is not allowed", 2, None),
        ("x\ud800", "invalid character U+D800 (a lone surrogate)", 2, None),
        ("x\u200by", "invisible character U+200B is not allowed", 2, None),
        ("x\ufeff", "invisible character U+FEFF is not allowed", 2, None),  # not at the start
        ("xᵃ", "unsupported superscript or subscript (U+1D43)", 2, None),
        ("x€", "unexpected character '€' (U+20AC)", 2, None),
        ("x\u05d0", "unexpected character (U+05D0)", 2, None),  # right-to-left: not echoed
        ("x\u0301", "unexpected character (U+0301)", 2, None),  # a combining mark: not echoed
        ("W_{a+b}", "a subscript in braces may hold only letters and digits", 2, None),
        ("W_{}", "a subscript in braces may hold only letters and digits", 2, None),
        ("x_", "name 'x_' ends with '_'", 1, "write a subscript like x_1"),
        ("_x", "name '_x' is not allowed: names starting with '_' are reserved", 1, None),
        ("eval", "name 'eval' is not allowed: it is reserved", 1, "choose another name"),
        ("for", "name 'for' is not allowed: it is a Python keyword", 1, None),
    ],
)  # fmt: skip
def test_refused_characters_and_their_hints(
    text: str, message: str, column: int, hint: str | None
) -> None:
    err = refusal(text)
    assert (err.message, err.column, err.hint) == (message, column, hint)
    assert err.source == text
    assert err.option is None


def test_refusal_names_the_line_it_is_on() -> None:
    err = refusal("a = 1\nb = a ? 2")
    assert (err.source, err.column) == ("b = a ? 2", 7)


def test_a_backslash_in_math_syntax_points_to_the_latex_reader() -> None:
    err = refusal(r"x + \sin(x)")
    assert (err.message, err.column) == ("unexpected '\\'", 5)
    assert err.hint == "this looks like LaTeX: read it as LaTeX"
    # The library names the setting, never a command-line flag; the CLI adds the flag.
    assert (err.option, err.value) == ("syntax", "latex")


def test_literal_limits() -> None:
    assert tokens("9" * MAX_LITERAL_DIGITS) == [f"num {'9' * MAX_LITERAL_DIGITS} 1"]
    with pytest.raises(LimitError) as long_literal:
        Lexer("x + " + "9" * (MAX_LITERAL_DIGITS + 1)).run()
    assert long_literal.value.column == 5
    assert f"the limit is {MAX_LITERAL_DIGITS}" in long_literal.value.message
    with pytest.raises(LimitError, match="exponent has more than"):
        Lexer("1e" + "9" * (MAX_LITERAL_DIGITS + 1)).run()


# -- accents, square brackets and where a token ends ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ŷ", "y__hat"),  # precomposed
        ("y\u0302", "y__hat"),  # a letter and a combining mark
        ("x̄", "x__bar"),
        ("x\u0305", "x__bar"),  # an overline is a bar too
        ("ẋ", "x__dot"),
        ("ẍ", "x__ddot"),
        ("x̃", "x__tilde"),
        ("v⃗", "v__vec"),
        ("ŷ₁", "y__hat_1"),
        ("ŷ_1", "y__hat_1"),
        ("ŷ1", "y__hat_1"),  # as y1 is y₁
        ("θ̂", "theta__hat"),
        ("Ŵ_{12}", "W__hat_12"),
    ],
)
def test_accented_letters_are_names(text: str, name: str) -> None:
    assert tokens(text) == [f"name {name} 1"]


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("aŷ", "an accent on 'ay': accents go on one letter", 1),
        ("x\u0302\u0304", "two accents on one letter", 3),
        ("2\u0302", "an accent must follow a letter", 2),
        (" \u0302x", "an accent must follow a letter", 2),
        ("x\u0301", "unexpected character (U+0301)", 2),  # an acute is no accent of math
    ],
)
def test_accents_the_lexer_refuses(text: str, message: str, column: int) -> None:
    err = refusal(text)
    assert (err.message, err.column) == (message, column)


def test_square_brackets_are_brackets() -> None:
    assert tokens("[x](y)") == [
        "open [ 1", "name x 2", "close ] 3", "open ( 4", "name y 5", "close ) 6"
    ]  # fmt: skip


def test_each_token_knows_where_it_ends() -> None:
    found = Lexer("θ₁ + 2.5x ŷ sin").run()
    assert [(t.text, t.col, t.end) for t in found[:-2]] == [
        ("theta_1", 1, 3), ("+", 4, 5), ("2.5", 6, 9), ("x", 9, 10), ("y__hat", 11, 12),
        ("sin", 13, 16),
    ]  # fmt: skip


def test_pytorchs_gelu_keyword_gets_the_name_of_the_approximation() -> None:
    with pytest.raises(ParseError) as caught:
        Lexer("gelu(x, approximate='tanh')").run()
    assert (caught.value.column, caught.value.hint) == (
        21,
        "for GELU's tanh approximation write gelu_tanh(x)",
    )
    with pytest.raises(ParseError) as other:
        Lexer("f'(x)").run()
    assert other.value.hint == "strings and primes (f') are not supported"
