"""Property tests for the parser.

1. Whatever the text, ``parse`` returns a Program or raises a ChainruleError, nothing else.
2. Random well-formed Terms, printed in plain (or LaTeX) notation with random spellings and
   spacing, parse back to a Term that means the same (compared through sympy).
"""

from __future__ import annotations

import dataclasses
import random
import re

import pytest
import sympy
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from chainrule.errors import ChainruleError
from chainrule.model import FUNCTION_ARITIES, TERM_OPS, NameParts, Program, Term
from chainrule.read.program import parse
from tests.helpers import call, num, op, sym, to_sympy
from tests.strategies import ATOMS, SYNTAXES, TERMS, Printer

FUZZ = settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUNDTRIP = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMBER_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


def _check_outcome(text: str, syntax: str, functions: tuple[str, ...] = ()) -> None:
    try:
        program = parse(text, syntax=syntax, functions=functions)
    except ChainruleError as err:
        assert err.message and "\n" not in err.message
        if err.column is not None and err.source is not None:
            assert 1 <= err.column <= len(err.source) + 1
        return
    assert isinstance(program, Program) and program.assignments
    for assignment in program.assignments:
        stack = [assignment.value]
        while stack:
            term = stack.pop()
            assert isinstance(term, Term) and term.op in TERM_OPS and term.column >= 1
            if term.op == "number":
                assert NUMBER_TEXT.fullmatch(term.text), term.text
            if term.op == "call":
                assert term.text in FUNCTION_ARITIES
            stack.extend(term.args)


@FUZZ
@given(st.lists(st.sampled_from(ATOMS), max_size=40).map("".join), SYNTAXES)
def test_token_soup_parses_or_raises_a_chainrule_error(text: str, syntax: str) -> None:
    _check_outcome(text, syntax)


@FUZZ
@given(st.text(max_size=60), SYNTAXES)
def test_any_unicode_parses_or_raises_a_chainrule_error(text: str, syntax: str) -> None:
    _check_outcome(text, syntax)


@FUZZ
@given(
    st.lists(st.sampled_from(ATOMS[:60]), max_size=25).map("".join),
    st.lists(st.sampled_from(["f", "h", "net", "sin", "e", "_x", "", "a b"]), max_size=2),
)
def test_declared_functions_never_crash(text: str, functions: list[str]) -> None:
    _check_outcome(text, "auto", tuple(functions))


# -- round trip ----------------------------------------------------------------------------------


def _meaning(term: Term) -> object:
    try:
        meaning = to_sympy(term)
    except (ValueError, TypeError, ZeroDivisionError):  # e.g. Max(zoo): sympy cannot build it
        reject()
    # sympy's arithmetic with zoo/nan is not canonical (zoo·(x+1) vs zoo·(2x+2)): the same
    # text can build unequal forms, so such terms say nothing about the parser.
    if meaning.has(sympy.zoo, sympy.nan):
        reject()
    return meaning


def _same(expected: object, got: object) -> bool:
    """Equal meanings: a*(b/c) printed as a*b/c reads back as (a*b)/c, equal but not alike."""
    return bool(expected == got or sympy.simplify(expected - got) == 0)  # type: ignore[operator]


# (√x)² and (∛x)³, which the Printer writes √(x)^2 and ∛(x)^3 with this seed: a fresh draw
# found that the parser read them as √(x²) = |x|.
ROOT_POWERS = [
    (op("pow", call("sqrt", sym("x")), num(2)), "√(x)^2"),
    (op("pow", call("cbrt", sym("x")), num(3)), "∛(x)^3"),
]
ROOT_SEED = 1


@pytest.mark.parametrize(("term", "printed"), ROOT_POWERS, ids=[p for _, p in ROOT_POWERS])
def test_printed_root_powers_parse_back(term: Term, printed: str) -> None:
    text = Printer(random.Random(ROOT_SEED), latex=False).text(term)
    assert text == printed
    assert _same(_meaning(term), to_sympy(parse(text, syntax="math").assignments[0].value)), text


@ROUNDTRIP
@given(TERMS, st.randoms(use_true_random=False))
@example(ROOT_POWERS[0][0], random.Random(ROOT_SEED))
@example(ROOT_POWERS[1][0], random.Random(ROOT_SEED))
def test_printed_terms_parse_back_to_the_same_meaning(term: Term, rng: random.Random) -> None:
    text = Printer(rng, latex=False).text(term)
    parsed = parse(text, syntax="math")
    assert parsed.is_expression, text
    assert _same(_meaning(term), to_sympy(parsed.assignments[0].value)), text


@ROUNDTRIP
@given(TERMS, st.randoms(use_true_random=False))
def test_printed_latex_parses_back_to_the_same_meaning(term: Term, rng: random.Random) -> None:
    text = Printer(rng, latex=True).text(term)
    parsed = parse(text, syntax="latex")
    assert _same(_meaning(term), to_sympy(parsed.assignments[0].value)), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["u", "v", "w_1", "h2"]), TERMS), min_size=2, max_size=4))
def test_printed_programs_parse_back(statements: list[tuple[str, Term]]) -> None:
    rng = random.Random(len(statements))
    printer = Printer(rng, latex=False)
    text = "\n".join(f"{name} = {printer.text(term)}" for name, term in statements)
    program = parse(text)
    # A name assigned again is a new version of it (u, u′, …): the same name underneath.
    typed = [
        dataclasses.replace(NameParts.of(s.name or ""), version=0).name for s in program.assignments
    ]
    assert typed == [name for name, _ in statements]
    for (_, term), statement in zip(statements, program.assignments, strict=True):
        assert _same(_meaning(term), to_sympy(statement.value)), text
