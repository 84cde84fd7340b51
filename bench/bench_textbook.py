"""How often chainrule's final answer is as short as the textbook's, on published exercises.

For every exercise of tests/data/textbook_chain_rule.tsv (OpenStax Calculus Volume 1, Paul's
Online Notes, MIT OCW 18.01): derive it, simplify it, and compare sympy's ``count_ops`` of
chainrule's final answer (``simplified`` when present, else ``result``) with that of the
published answer (read by ``sympy.parse_expr``, i.e. in sympy's canonical form).  An answer
"as short" has no more operations.  Target (issue 8, item 3): at least 95%.

The misses are grouped by why, first matching reason wins:

* count artifact: chainrule's answer is as short as the printed answer read literally; sympy's
  canonical form of the printed answer is shorter (a number distributed into a sum, a decimal);
* sign/Abs forms: ``Abs``, ``sign``, ``Heaviside`` or ``Piecewise`` where the book has none;
* logarithmic differentiation left unfactored: the book writes f(x)·(…) with the function's
  own factors, chainrule does not;
* sec/csc/cot rewritten: the book uses sec, csc, cot (or sech, csch, coth) and chainrule
  writes 1/cos, 1/tan, tan² + 1, 1 − tanh² instead;
* roots split: √(a)·√(b) where the book has √(ab);
* fractions combined or split differently: one side is a sum of fractions, the other a single
  quotient;
* common factors expanded or not pulled out: ``factor_terms`` or ``factor`` would make it as
  short;
* other.

Speed: the same run times chainrule's simplifier (``calculus.simplify``: targeted rewrites,
``sympy.simplify`` only where they find nothing) against ``sympy.simplify`` on the same 188
results, each with sympy's cache cleared first, so neither profits from the other's work.

    python bench/bench_textbook.py [--examples 3] [--all]
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sympy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus reader lives with the tests that share it

from sympy.core.cache import clear_cache  # noqa: E402

from chainrule.api import derive, simplify  # noqa: E402
from chainrule.calculus.simplify import simplify_results  # noqa: E402
from chainrule.model import Derivation  # noqa: E402
from tests.textbook import NAMES, Exercise, final_answer, load  # noqa: E402

TARGET = 95.0
RECIPROCALS = (sympy.sec, sympy.csc, sympy.cot, sympy.sech, sympy.csch, sympy.coth)
CASES = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Piecewise)


@dataclass
class Outcome:
    exercise: Exercise
    ours: sympy.Expr | None
    published: sympy.Expr
    derive_s: float
    simplify_s: float
    error: str = ""
    derivation: Derivation | None = None

    @property
    def canonical(self) -> sympy.Expr:
        """Ours read back in sympy's own classes, for comparing structure with the book's."""
        return sympy.parse_expr(str(self.ours), local_dict=dict(NAMES))

    @property
    def ours_ops(self) -> int:
        return int(sympy.count_ops(self.ours))

    @property
    def published_ops(self) -> int:
        return int(sympy.count_ops(self.published))

    @property
    def as_short(self) -> bool:
        return self.ours is not None and self.ours_ops <= self.published_ops


def measure(exercise: Exercise) -> Outcome:
    published = exercise.answer()
    start = time.perf_counter()
    try:
        derivation = derive(exercise.expression, exercise.wrt or None)
    except Exception as error:  # noqa: BLE001 - a benchmark reports every failure and goes on
        return Outcome(exercise, None, published, time.perf_counter() - start, 0.0, str(error))
    derived = time.perf_counter()
    ours = final_answer(simplify(derivation))
    done = time.perf_counter()
    return Outcome(exercise, ours, published, derived - start, done - derived, "", derivation)


def race(outcomes: list[Outcome]) -> tuple[float, float, float]:
    """CPU seconds (unlike wall time, not inflated by whatever else the machine runs) for
    chainrule's simplifier and for ``sympy.simplify`` on every result, and the slowest single
    ``sympy.simplify``; sympy's cache cleared before each call."""
    ours = theirs = slowest = 0.0
    for o in outcomes:
        if o.derivation is None:
            continue
        clear_cache()
        start = time.process_time()
        simplify_results(o.derivation)
        ours += time.process_time() - start
        for chain in o.derivation.chain_rules:
            clear_cache()
            start = time.process_time()
            sympy.simplify(chain.result)
            took = time.process_time() - start
            theirs, slowest = theirs + took, max(slowest, took)
    return ours, theirs, slowest


def _literal_ops(outcome: Outcome) -> int:
    printed = sympy.parse_expr(
        outcome.exercise.published_answer, local_dict=dict(NAMES), evaluate=False
    )
    return int(sympy.count_ops(printed))


def _count_artifact(o: Outcome) -> bool:
    exact = sympy.nsimplify(o.published, rational=True)
    return o.ours_ops <= max(_literal_ops(o), int(sympy.count_ops(exact)))


def _cases(o: Outcome) -> bool:
    return bool(o.ours is not None and o.ours.has(*CASES) and not o.published.has(*CASES))


def _log_differentiation(o: Outcome) -> bool:
    function, x = o.exercise.function(), o.exercise.variable()
    factors = {f for f in sympy.Mul.make_args(function) if f.has(x)}
    moving_power = any(p.base.has(x) and p.exp.has(x) for p in function.atoms(sympy.Pow))
    return (
        (moving_power or len(factors) >= 3)
        and factors <= set(sympy.Mul.make_args(o.published))
        and not factors <= set(sympy.Mul.make_args(o.canonical))
    )


def _reciprocals(o: Outcome) -> bool:
    def count(e: sympy.Expr) -> int:
        return sum(len(e.atoms(f)) for f in RECIPROCALS)

    return count(o.published) > count(o.canonical)


def _roots(o: Outcome) -> bool:
    def roots(e: sympy.Expr) -> int:
        return sum(1 for p in e.atoms(sympy.Pow) if p.exp.is_Rational and not p.exp.is_Integer)

    return roots(o.canonical) > roots(o.published)


def _fractions(o: Outcome) -> bool:
    def sums_of_fractions(e: sympy.Expr) -> int:
        return sum(any(sympy.denom(t) != 1 for t in a.args) for a in e.atoms(sympy.Add))

    ours, book = o.canonical, o.published
    return ours.is_Add != book.is_Add or sums_of_fractions(ours) != sums_of_fractions(book)


def _factors(o: Outcome) -> bool:
    tries = (sympy.factor_terms, sympy.factor)
    return any(sympy.count_ops(t(o.canonical)) <= o.published_ops for t in tries)


REASONS: tuple[tuple[str, Callable[[Outcome], bool]], ...] = (
    ("count artifact (sympy's canonical form of the printed answer is shorter)", _count_artifact),
    ("sign/Abs forms", _cases),
    ("logarithmic differentiation left unfactored", _log_differentiation),
    ("sec/csc/cot (sech) rewritten as 1/cos, 1/tan, tan²+1, 1−tanh²", _reciprocals),
    ("roots split: √a·√b for √(ab)", _roots),
    ("fractions combined or split differently", _fractions),
    ("common factors expanded or not pulled out", _factors),
    ("other", lambda o: True),
)


def why(outcome: Outcome) -> str:
    if outcome.ours is None:
        return "not derived"
    return next(name for name, test in REASONS if test(outcome))


def commit() -> str:
    try:
        run = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return run.stdout.strip()


def report(outcomes: list[Outcome], examples: int, elapsed: float) -> None:
    total = len(outcomes)
    short = sum(o.as_short for o in outcomes)
    print(f"Textbook corpus: {total} published exercises ({CORPUS_NAME})")
    print(f"measured {datetime.datetime.now():%Y-%m-%d %H:%M} at {commit()}")
    print(
        f"as short as the published answer: {short}/{total} = {100 * short / total:.1f}% "
        f"(target {TARGET:.0f}%)"
    )
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if not o.as_short:
            groups.setdefault(why(o), []).append(o)
    print(f"\nmisses by why ({total - short}):")
    for name, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"  {name}: {len(members)}")
        for o in members[:examples]:
            print(f"    {o.exercise.id}: {o.exercise.expression}")
            if o.ours is None:
                print(f"      error: {o.error}")
                continue
            print(f"      chainrule ({o.ours_ops} ops): {o.ours}")
            print(f"      published ({o.published_ops} ops): {o.published}")
    derive_s = sum(o.derive_s for o in outcomes)
    simplify_s = sum(o.simplify_s for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.derive_s + o.simplify_s)
    print(
        f"\ntime: {elapsed:.2f} s in all; derive (cross-checked) {derive_s:.2f} s, "
        f"simplify (cross-checked) {simplify_s:.2f} s; slowest {slowest.exercise.id} "
        f"{slowest.derive_s + slowest.simplify_s:.2f} s"
    )
    ours, theirs, longest = race(outcomes)
    print(
        f"simplifying the {total} results, sympy's cache cleared before each (CPU time): "
        f"chainrule {ours:.2f} s, sympy.simplify {theirs:.2f} s ({theirs / ours:.1f}x; its "
        f"slowest {longest:.2f} s)"
    )


CORPUS_NAME = "tests/data/textbook_chain_rule.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3, help="examples listed per reason")
    parser.add_argument("--all", action="store_true", help="list every miss")
    args = parser.parse_args()
    start = time.perf_counter()
    outcomes = [measure(exercise) for exercise in load()]
    elapsed = time.perf_counter() - start
    report(outcomes, len(outcomes) if args.all else args.examples, elapsed)


if __name__ == "__main__":
    main()
