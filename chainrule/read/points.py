"""A point to evaluate at, as the user types it: ``x=1.5``, ``W1=0.3,b1=-1``, ``θ = pi/4``.

Each value is read by chainrule's own parser (never ``eval``) and must be a constant: numbers,
π, e, and functions of them (``sqrt(2)``, ``1/3``, ``-1``, ``e^2``).  Names are read as in an
expression (``W₁`` is ``W_1``, ``θ`` is ``theta``, ``ŷ`` is ``y__hat``).  ``calculus.point``
turns the Terms into exact sympy numbers; ``api.parse_points`` does both.

>>> point = read_points(["x=1.5", "W1=0.3, b1=-1", "θ = pi/4"])
>>> [(name, term.op) for name, term in point.items()]
[('x', 'number'), ('W1', 'number'), ('b1', 'neg'), ('theta', 'div')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from chainrule.errors import ChainruleError, ParseError
from chainrule.model import NameParts, Term
from chainrule.read.lexer import Lexer
from chainrule.read.notation import CONSTANTS
from chainrule.read.program import parse

_OPEN, _CLOSE = "([{", ")]}"


def read_points(specs: Sequence[str] | str) -> dict[str, Term]:
    """Read ``name=value`` pairs, several to a string when separated by commas.

    Args:
        specs: strings like ``"x=1.5"`` or ``"W1=0.3, b1=-1"`` (a comma inside brackets, as
            in ``log(8, 2)``, belongs to the value).

    Returns:
        Each name as ``read.program.parse`` writes it (``W₁`` → ``W_1``) → the value's Term,
        in the order given.

    Raises:
        ParseError: a pair without ``=``, a name that is not one name, a value that does not
            read or is not a constant, or a name given twice (``option`` is "at").
    """
    out: dict[str, Term] = {}
    for spec in [specs] if isinstance(specs, str) else specs:
        for start, pair in _pairs(spec):
            name, term = _pair(spec, start, pair)
            if name in out:
                raise _error(f"'{pair.split('=')[0].strip()}' is given two values", spec, start + 1)
            out[name] = term
    return out


def _pairs(spec: str) -> Iterator[tuple[int, str]]:
    """(0-based start, text) of each comma-separated pair, commas inside brackets kept."""
    depth, start = 0, 0
    for i, ch in enumerate(spec + ","):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == "," and (depth == 0 or i == len(spec)):
            if spec[start:i].strip() or i < len(spec):
                yield start, spec[start:i]
            start = i + 1


def _pair(spec: str, start: int, pair: str) -> tuple[str, Term]:
    name_text, equals, value_text = pair.partition("=")
    if not equals or not name_text.strip() or not value_text.strip():
        raise _error(
            f"expected name=value, got '{pair.strip()}'",
            spec,
            start + len(pair) - len(pair.lstrip()) + 1,
            hint="give each variable a value, like x=1.5 or W1=0.3,b1=-1",
        )
    name = _name(name_text.strip(), spec, start + len(name_text) - len(name_text.lstrip()))
    offset = start + len(name_text) + 1
    try:
        program = parse(value_text)
    except ChainruleError as err:
        column = None if err.column is None else offset + err.column
        raise _error(err.message, spec, column, hint=err.hint) from None
    if not program.is_expression:
        raise _error(f"the value of '{name_text.strip()}' is not one number", spec, offset + 1)
    term = program.assignments[0].value
    variable = _first_variable(term)
    if variable is not None:
        raise _error(
            f"the value of '{name_text.strip()}' must be a number, not use '{variable.text}'",
            spec,
            offset + variable.column,
            hint="values are numbers, π, e and functions of them: 1.5, -1, pi/4, sqrt(2)",
        )
    return name, term


def _name(text: str, spec: str, start: int) -> str:
    """``text`` as one name, as the parser writes it; primes (c′) make a version."""
    bare = text.rstrip("′″‴'")
    version = sum({"″": 2, "‴": 3}.get(c, 1) for c in text[len(bare) :])
    try:
        toks = Lexer(bare).run()
    except ChainruleError:
        toks = []
    if [t.kind for t in toks] != ["name", "sep", "end"]:
        raise _error(f"'{text}' is not a variable name", spec, start + 1)
    if toks[0].text in CONSTANTS:
        raise _error(f"'{text}' is a constant, not a variable", spec, start + 1)
    return dataclasses.replace(NameParts.of(toks[0].text), version=version).name


def _first_variable(term: Term) -> Term | None:
    """The first symbol or abstract function in ``term`` (an iterative walk), or None."""
    stack = [term]
    while stack:
        t = stack.pop()
        if t.op in ("symbol", "apply"):
            return t
        stack.extend(reversed(t.args))
    return None


def _error(message: str, spec: str, column: int | None, hint: str | None = None) -> ParseError:
    return ParseError(message, source=spec, column=column, hint=hint, option="at")
