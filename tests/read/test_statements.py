"""``read.statements``: statements found among the tokens, augmented assignments, and the
versions of a name a program assigns more than once."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.api import derive
from chainrule.errors import ParseError, ProgramError
from chainrule.model import Note
from chainrule.read.lexer import Lexer
from chainrule.read.program import parse
from chainrule.read.statements import split
from tests.helpers import assert_close, numeric_value, points, to_sympy


def R(name: str) -> sympy.Symbol:  # noqa: N802 - reads like a symbol constructor
    return sympy.Symbol(name, real=True)


def assignments(text: str) -> list[tuple[str | None, sympy.Expr]]:
    return [(a.name, to_sympy(a.value)) for a in parse(text).assignments]


def test_split_finds_each_statement_and_its_target() -> None:
    toks = Lexer("a = 1; b += a\n\nsin(a)").run()
    found = split(toks)
    assert [(s.target and s.target.text, s.op, toks[s.value].text) for s in found] == [
        ("a", "", "1"),
        ("b", "+", "a"),
        (None, "", "sin"),
    ]
    assert [toks[s.end].kind for s in found] == ["sep", "sep", "sep"]


def test_an_augmented_operator_must_touch_its_equals_sign() -> None:
    with pytest.raises(ParseError, match="unexpected '='"):
        parse("c + = 1")


def test_each_assignment_of_a_name_is_a_new_version() -> None:
    assert assignments("c = 2*x; c = c + 1; y = c^2") == [
        ("c", 2 * R("x")),
        ("c__1", R("c") + 1),
        ("y", R("c__1") ** 2),
    ]
    assert parse("c = 2*x; c = c + 1").notes == (
        Note("reassigned", (("name", "c"), ("count", "2"))),
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("c = x; c += 1", R("c") + 1),
        ("c = x; c -= 2*y", R("c") - 2 * R("y")),
        ("c = x; c *= 2 + y", R("c") * (2 + R("y"))),  # the whole right side, as in code
        ("c = x; c /= y - 1", R("c") / (R("y") - 1)),
    ],
)
def test_augmented_assignments(text: str, value: sympy.Expr) -> None:
    (_, first), (name, second) = assignments(text)
    assert first == R("x") and name == "c__1" and second == value


def test_a_name_used_in_its_first_assignment_starts_from_an_input() -> None:
    assert assignments("x = x/255; y = sigmoid(w*x)")[0] == ("x__1", R("x") / 255)
    assert assignments("c += 1")[0] == ("c__1", R("c") + 1)
    assert parse("x = x/255").notes == (Note("reassigned_input", (("name", "x"),)),)
    d = derive("x = x/2; x = x^2", "x")
    assert [n.name for n in d.graph.nodes] == ["x__1", "x__2"]
    assert sympy.simplify(d.chain_rules[0].result - R("x") / 2) == 0  # ((x/2)²)′ = x/2


def test_a_use_before_the_first_assignment_is_still_an_error() -> None:
    with pytest.raises(ProgramError, match="'c' is used at column 5 before it is defined"):
        derive("y = c; c = 1; c = c + 1")


def test_versions_of_accented_and_subscripted_names() -> None:
    names = [a.name for a in parse("ŷ = a; ŷ = ŷ^2; W_1 = ŷ; W_1 *= 3").assignments]
    assert names == ["y__hat", "y__hat__1", "W_1", "W_1__1"]
    assert parse("ŷ = a; ŷ = 2ŷ").notes[0].data == (("name", "ŷ"), ("count", "2"))


def test_a_forward_pass_written_as_code_derives_as_sympy_does() -> None:
    code = "h = W1*x + b1\nh = sigmoid(h)\nh = W2*h + b2\nL = (h - y)^2"
    d = derive(code, "W1")
    assert [n.name for n in d.graph.nodes] == ["h", "h__1", "h__2", "L"]
    W1, W2, b1, b2, x, y = (R(n) for n in ("W1", "W2", "b1", "b2", "x", "y"))  # noqa: N806
    hidden = 1 / (1 + sympy.exp(-(W1 * x + b1)))  # σ written out: an oracle of its own
    oracle = sympy.diff((W2 * hidden + b2 - y) ** 2, W1)
    for point in points(oracle.free_symbols, 3):
        want = numeric_value(oracle, point)
        got = numeric_value(d.chain_rules[0].result, point)
        assert want is not None and got is not None
        assert_close(got, want, "dL/dW1")


STEPS = st.lists(st.tuples(st.sampled_from("+-*/"), st.integers(1, 5)), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(STEPS, st.booleans())
def test_reassigned_programs_derive_as_the_code_computes(steps, augmented: bool) -> None:
    x = R("x")
    lines, value = ["c = x^2"], x**2
    for op, k in steps:
        rhs = f"{k}*x + 1"
        lines.append(f"c {op}= {rhs}" if augmented else f"c = c {op} ({rhs})")
        operand = k * x + 1
        value = {"+": value + operand, "-": value - operand, "*": value * operand}.get(
            op, value / operand
        )
    d = derive("\n".join(lines), "x")
    assert d.output == f"c__{len(steps)}"
    oracle, result = sympy.diff(value, x), d.chain_rules[0].result
    assert result is not None
    for point in points([x], 3):
        assert_close(complex(result.evalf(30, subs=point)),
                     complex(oracle.evalf(30, subs=point)), "\n".join(lines))  # fmt: skip
