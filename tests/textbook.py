"""The corpus of published chain-rule exercises, shared by its test and its benchmark.

``tests/data/textbook_chain_rule.tsv`` holds each exercise as a user would type it, the same
function in sympy syntax, and the answer as its source prints it.  The last two columns are
trusted data, so they are read with ``sympy.parse_expr`` here; chainrule's own code never is.

* ``load`` reads the corpus; ``Exercise.function`` and ``Exercise.answer`` parse it.
* ``final_answer`` is what a reader of chainrule takes away: the simplified form when there is
  one, else the result.
* ``sample_points`` finds points of the expressions' common real domain; ``value`` and ``close``
  compare expressions there (each free symbol is substituted by name, so chainrule's own symbols
  and the parsed ones meet).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import sympy

from chainrule.model import Derivation

CORPUS = Path(__file__).parent / "data" / "textbook_chain_rule.tsv"

# Every name the corpus uses for a variable or a constant exponent, real as chainrule's are.
NAMES = {name: sympy.Symbol(name, real=True) for name in "xyztuwrn"}

# Candidate values of the variable, tried in order; a few are small for narrow domains such
# as artanh(4x).  Other symbols (the r in x^r) take a fixed value.
CANDIDATES = (0.3, 0.7, 1.3, 2.1, -0.4, -1.2, 0.15, -0.15, 0.55, 1.7, 3.2, -2.3, 6.5, -0.7, 0.1)
FIXED = {"r": 1.7, "n": 2.5}
DIGITS = 30


@dataclass(frozen=True)
class Exercise:
    """One published exercise: where it is printed, the function and its published derivative."""

    id: str
    source: str
    section: str
    item: str
    url: str
    wrt: str
    expression: str  # chainrule's notation
    sympy_expression: str
    published_answer: str

    def function(self) -> sympy.Expr:
        return sympy.parse_expr(self.sympy_expression, local_dict=dict(NAMES))

    def answer(self) -> sympy.Expr:
        return sympy.parse_expr(self.published_answer, local_dict=dict(NAMES))

    def variable(self) -> sympy.Symbol:
        if self.wrt:
            return NAMES[self.wrt]
        (only,) = self.function().free_symbols
        return only

    def cite(self) -> str:
        return f"{self.source}, {self.section}, {self.item} ({self.url})"


def load(path: Path = CORPUS) -> list[Exercise]:
    """Every exercise in the corpus, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Exercise(**row) for row in rows]


def final_answer(derivation: Derivation) -> sympy.Expr:
    """The derivative a reader takes away: ``simplified`` when present, else ``result``."""
    (rule,) = derivation.chain_rules
    answer = rule.simplified if rule.simplified is not None else rule.result
    assert answer is not None, "a textbook exercise's result is small enough to write out"
    return answer


def value(expr: sympy.Expr, point: dict[str, float]) -> complex | None:
    """``expr`` at ``point`` (symbols matched by name), or None where it is not finite."""
    substituted = expr.subs({s: point[s.name] for s in expr.free_symbols})
    try:
        number = complex(sympy.N(substituted, DIGITS))
    except (TypeError, ValueError):
        return None  # zoo, nan or something left unevaluated
    return number if math.isfinite(abs(number)) else None


def is_real(number: complex | None) -> bool:
    return number is not None and abs(number.imag) <= 1e-12 * max(1.0, abs(number.real))


def sample_points(exercise: Exercise, *exprs: sympy.Expr, count: int = 3) -> list[dict[str, float]]:
    """The first ``count`` candidate points where every expression is real and finite."""
    found = []
    for candidate in CANDIDATES:
        point = {**FIXED, exercise.variable().name: candidate}
        if all(is_real(value(expr, point)) for expr in exprs):
            found.append(point)
            if len(found) == count:
                break
    return found


def close(a: complex | None, b: complex | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
