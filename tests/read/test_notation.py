"""The name tables and the notation summary (``read.notation``)."""

from __future__ import annotations

import sys
from typing import NoReturn

import pytest

from chainrule.calculus.functions import FUNCTIONS
from chainrule.errors import ParseError
from chainrule.model import FUNCTION_ARITIES
from chainrule.read.notation import (
    ACCENT_MARKS,
    ALIASES,
    CONSTANTS,
    DUALS,
    FORBIDDEN_NAMES,
    GREEK,
    GREEK_NAMES,
    INVERSES,
    KEYWORDS,
    LOG_NAMES,
    NOTATION_HELP,
    check_name,
    is_function_name,
)


def test_every_alias_is_a_known_function() -> None:
    assert set(ALIASES.values()) | set(DUALS.values()) <= set(FUNCTIONS)


def test_notation_help_is_short_and_documents_the_rules() -> None:
    lines = NOTATION_HELP.strip("\n").split("\n")
    assert len(lines) <= 25
    for needle in ("sin x", "sin 2x", "f and g", "--func", "W_1", "e ", "x^2^3", "asin"):
        assert needle in NOTATION_HELP


def test_notation_help_needs_no_sympy() -> None:
    import subprocess

    code = (
        "import sys; from chainrule.read.notation import NOTATION_HELP; "
        "print('sympy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_function_tables_agree_across_layers() -> None:
    # The reader's canonical names, the model's arities and the calculus constructors are one
    # vocabulary: a name in one table and not another would parse and then fail to build.
    assert set(FUNCTION_ARITIES) == set(FUNCTIONS)
    for table in (ALIASES, DUALS, INVERSES):
        for spelling, canonical in table.items():
            assert canonical in FUNCTION_ARITIES, (spelling, canonical)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("ln", "log"), ("arcsin", "asin"), ("arsinh", "asinh"), ("arccosh", "acosh"),
     ("abs", "Abs"), ("sgn", "sign"), ("heaviside", "Heaviside"), ("max", "Max"),
     ("ReLU", "relu"), ("SoftPlus", "softplus"), ("sin", "sin")],
)  # fmt: skip
def test_spellings_map_to_canonical_names(spelling: str, canonical: str) -> None:
    assert ALIASES[spelling] == canonical


def test_duals_constants_and_greek() -> None:
    assert DUALS == {"sigma": "sigmoid", "gamma": "gamma", "Gamma": "gamma"}
    assert not set(DUALS) & set(ALIASES)  # a dual is a symbol unless "(" follows
    assert CONSTANTS == {"e": "E", "E": "E", "pi": "pi"}
    assert (GREEK["α"], GREEK["σ"], GREEK["ω"], GREEK["Ω"], GREEK["ς"]) == (
        "alpha", "sigma", "omega", "Omega", "sigma"
    )  # fmt: skip
    assert len({GREEK[chr(c)] for c in range(0x3B1, 0x3CA) if c != 0x3C2}) == 24
    assert "lambda" in GREEK_NAMES and "pi" in GREEK_NAMES


def _refusal(name: str) -> tuple[str, int, str | None] | None:
    def fail(message: str, col: int, hint: str | None) -> NoReturn:
        raise ParseError(message, column=col, hint=hint)

    try:
        check_name(name, fail, 7)
    except ParseError as err:
        assert err.column is not None
        return err.message, err.column, err.hint
    return None


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("_x", ("name '_x' is not allowed: names starting with '_' are reserved", 7, None)),
        ("a__b", ("name 'a__b' is not allowed: '__' is reserved", 7, None)),
        (
            "__import__",
            ("name '__import__' is not allowed: names starting with '_' are reserved", 7, None),
        ),  # fmt: skip
        ("import", ("name 'import' is not allowed: it is a Python keyword", 7, None)),
        ("None", ("name 'None' is not allowed: it is a Python keyword", 7, None)),
        ("eval", ("name 'eval' is not allowed: it is reserved", 7, "choose another name")),
        ("os", ("name 'os' is not allowed: it is reserved", 7, "choose another name")),
        ("W_", ("name 'W_' ends with '_'", 7, "write a subscript like W_1")),
        ("lambda", None),  # the Greek letter
        ("x", None),
        ("W_1", None),
        ("theta_12", None),
        ("evaluate", None),
    ],
)
def test_check_name(name: str, refusal: tuple[str, int, str | None] | None) -> None:
    assert _refusal(name) == refusal


def test_every_forbidden_name_and_keyword_is_refused() -> None:
    for name in FORBIDDEN_NAMES | KEYWORDS:
        assert _refusal(name) is not None, name


def test_the_other_names_textbooks_print() -> None:
    assert {ALIASES[n] for n in ("cosec", "cotan", "ctg", "tg", "arctg", "arcctg")} == {
        "csc", "cot", "tan", "atan", "acot"
    }  # fmt: skip
    assert [ALIASES[n] for n in ("argsinh", "arccosh", "artanh", "cosech")] == [
        "asinh", "acosh", "atanh", "csch"
    ]  # fmt: skip
    assert LOG_NAMES == {"log2": "2", "log10": "10"}


def test_is_function_name() -> None:
    for name in ("sin", "ln", "log_2", "log10", "sigma", "cosec"):
        assert is_function_name(name), name
    for name in ("x", "e", "pi", "theta", "sinx", "f"):
        assert not is_function_name(name), name


def test_the_accents_read_are_the_accents_shown() -> None:
    from chainrule.model import ACCENTS

    assert set(ACCENT_MARKS.values()) == set(ACCENTS)
    assert all(ACCENT_MARKS[mark] == name for name, mark in ACCENTS.items())


@pytest.mark.parametrize("spelling", ["acoth", "arcoth", "arccoth", "argcoth"])
def test_the_inverse_hyperbolic_cotangent_the_help_promises_is_known(spelling: str) -> None:
    # "asinh/arsinh …" in the help covers acoth too; it was "unknown function" (issue 9).
    assert ALIASES[spelling] == "acoth" and FUNCTION_ARITIES["acoth"] == (1,)
    assert FUNCTIONS["acoth"].__name__ == "acoth"  # sympy.acoth
