"""The answer in textbook form: a shorter equal form of each result, found cheaply.

Targeted rewrites come first (``rewrites``): |u| and sign for real u, sin/cos back to tan, cot,
sec, csc, Pythagoras, powers combined, common factors pulled out, fractions combined, a number
multiplied into a sum, radicals combined, and the function itself pulled out of a logarithmic
derivative.  A short best-first search over them keeps the shortest form by sympy's
``count_ops``, ties going to the earlier (more textbook) form.  Only when they find nothing
shorter is ``sympy.simplify`` asked, within ``FALLBACK_SECONDS``.

No form may be longer or more exotic than the result: its printed length and operation count
are at most the result's, and it introduces no function that neither the input nor the result
has (tan may become sec, both being the input's family; exponentials never become cosh),
no new logarithm (``ln((2x⁴ + 1)^(2x⁴ + 1))``) and no case analysis.  Rewrites that hold only
for real values are checked here at points of the function's real domain; ``api.simplify``
cross-checks the chosen form again, as every printed form is.
"""

from __future__ import annotations

import dataclasses
import functools
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import sympy

from chainrule.calculus.engine import tree_size
from chainrule.calculus.guards import agrees, domain_points, exotic, functions
from chainrule.calculus.rewrites import (
    ALL_FUNCTIONS,
    FAMILIES,
    collect_common,
    combine_powers,
    combine_radicals,
    distribute_coefficient,
    factor_out,
    opaque,
    pythagorean,
    real_abs_sign,
    sines_and_cosines,
    trig_reciprocals,
)
from chainrule.calculus.typed import write_out
from chainrule.calculus.written import Written
from chainrule.model import ChainRule, Derivation

SIMPLIFY_MAX_NODES = 200  # larger results are left as they are
SIMPLIFY_MAX_RESULTS = 8  # with more variables than this (a whole network), none is simplified
FALLBACK_SECONDS = 0.5  # sympy.simplify's budget, where the rewrites found nothing
BEAMS = (2, 2, 1)  # the search: each round rewrites the best forms the round before found


def simplify_results(derivation: Derivation) -> Derivation:
    """Attach ``simplified`` to each ChainRule whose result has a shorter textbook form.

    Args:
        derivation: a derivation whose results are exact but unsimplified.

    Returns:
        A new derivation; a ChainRule's ``simplified`` is set only when a form with fewer
        operations (or as many, printed shorter) was found.  The same derivation when there
        are more than ``SIMPLIFY_MAX_RESULTS`` variables: a network's gradients are read in
        intermediates.
    """
    if len(derivation.chain_rules) > SIMPLIFY_MAX_RESULTS:
        return derivation
    context = _Context(derivation)
    steps = []
    changed = False
    for step in derivation.steps:
        if isinstance(step, ChainRule) and step.result is not None and step.simplified is None:
            better = _simpler(step.result, context, context.in_inputs(step.in_nodes))
            if better is not None:
                step = dataclasses.replace(step, simplified=better)
                changed = True
        steps.append(step)
    return dataclasses.replace(derivation, steps=tuple(steps)) if changed else derivation


class _Context:
    """What the forms of one derivation are judged by: the function, the functions a form
    may use, and (computed once, when first needed) points of the real domain."""

    def __init__(self, derivation: Derivation) -> None:
        self.derivation = derivation
        self.seen = set().union(*(functions(n.value) for n in derivation.graph.nodes))
        self._points: list[dict[sympy.Symbol, sympy.Float]] | None = None

    @functools.cached_property
    def function(self) -> sympy.Expr | None:
        """The function written in the inputs, as sympy evaluates it (None when too large)."""
        expression = self.derivation.expression
        return None if expression is None else expression.doit()

    def allowed(self, result: sympy.Expr) -> set[Any]:
        """The input's and the result's functions, with the rest of each trigonometric
        family they touch (sin brings cot and csc; exp brings no cosh)."""
        allowed = self.seen | functions(result)
        for family in FAMILIES:
            # tanh alone, the ML activation, keeps its ML derivative 1 − tanh² (no sech).
            if (allowed - {sympy.tanh}) & family:
                allowed |= family
        return allowed

    def in_inputs(self, form: sympy.Expr | None) -> sympy.Expr | None:
        """A gradient written in the named nodes (``identities``), written in the inputs:
        x·(p − y) becomes x·(σ(b + w·x) − y), the answer an ML text gives.  None when there
        is none, or a node is too large to write out.  (Evaluated, as every form the rewrites
        judge is; the renderers print sums in the order typed.)"""
        if form is None:
            return None
        graph = self.derivation.graph
        aside = {n.symbol: n.definition for n in graph.aside}
        form = write_out(write_out(form, aside), aside)  # an aside node may name an earlier one
        names = {s.name for s in form.free_symbols}
        mapping: dict[sympy.Expr, sympy.Expr] = {}
        for node in graph.nodes:
            if node.name in names:
                full = self.written.full(node.name)
                if full is None:
                    return None
                mapping[node.symbol] = full
        return form.xreplace(mapping)

    @functools.cached_property
    def written(self) -> Written:
        return Written(self.derivation.graph)

    @property
    def points(self) -> list[dict[sympy.Symbol, sympy.Float]]:
        if self._points is None:
            self._points = list(domain_points(self.derivation, self.function))
        return self._points


def _simpler(
    result: sympy.Expr, context: _Context, in_nodes: sympy.Expr | None
) -> sympy.Expr | None:
    if result.is_Atom or tree_size(result) > SIMPLIFY_MAX_NODES:
        return None
    try:
        return _choose(result, context, in_nodes)
    except (Exception, _OutOfTime):  # noqa: BLE001 - sympy's own bugs must not lose the result
        return None


def _choose(
    result: sympy.Expr, context: _Context, in_nodes: sympy.Expr | None = None
) -> sympy.Expr | None:
    allowed = context.allowed(result)
    ops, length = _ops(result), len(str(result))

    def key(form: sympy.Expr) -> tuple[int, int, int]:
        # Fewer operations; then fewer functions the input did not have; then smaller.
        foreign = len(functions(form) - context.seen - functions(result))
        return _ops(form), foreign, tree_size(form)

    def acceptable(form: sympy.Expr) -> bool:
        shorter = len(str(form))
        return (
            form != result
            and _ops(form) <= ops
            and shorter <= length
            and (_ops(form) < ops or shorter < length)
            and not exotic(form, result, context.function, allowed)
        )

    forms = _search(result, context, allowed)
    if in_nodes is not None:  # first: on a tie, the ML form (x·(σ(w·x + b) − y)) wins
        forms = {in_nodes: True} | forms
    for form in sorted(forms, key=key):  # stable: ties keep the order found
        # Checked even where every rewrite holds: a slip in one costs the form, not exit 70.
        if (
            acceptable(form)
            and (forms[form] or context.points)
            and agrees(form, result, context.points)
        ):
            return form
    if not result.is_Add or context.function is None or context.function.is_Add:
        # A product the rewrites left alone is as the chain made it; the terms of a sum's
        # derivative (f + g)′ = f′ + g′ stand as a textbook leaves them.
        return None
    fallback = time_boxed(lambda: sympy.simplify(result), FALLBACK_SECONDS)
    if fallback is not None and acceptable(fallback) and agrees(fallback, result, context.points):
        return fallback
    return None


def _search(result: sympy.Expr, context: _Context, allowed: set[Any]) -> dict[sympy.Expr, bool]:
    """Every form the rewrites reach in ``len(BEAMS)`` rounds, in the order found, each with
    whether it holds for every value (False: a real-only rewrite is on its way, to check).
    A move is tried only where its shape occurs (no radicals to combine, no combining)."""
    moves: list[tuple[set[str], bool, Callable[[sympy.Expr], sympy.Expr | None]]] = [
        ({"repeated base"}, True, combine_powers),
        ({"sum", "product of sums"}, True, opaque(sympy.factor_terms, powers=True)),
        ({"number times sum"}, True, distribute_coefficient),
        ({"roots"}, False, combine_radicals),
        ({"trigonometric quotient"}, True, lambda e: _cancel(sines_and_cosines(e))),
        ({"sum of quotients"}, True, _together),
        ({"sum"}, True, collect_common),
    ]
    function = context.function if result.is_Add else None
    if function is not None and not function.is_Add:
        moves.append(({"sum"}, True, lambda e: factor_out(e, function)))
    first, exact = _tidy(result, allowed)
    found = {first: exact}
    last: dict[sympy.Expr, int] = {}  # the move that made a form: each is idempotent
    frontier = [first]
    for beam in BEAMS:
        fresh = []
        for form in frontier:
            shapes = _shapes(form)
            for i, (when, holds, move) in enumerate(moves):
                moved = move(form) if when & shapes and last.get(form) != i else None
                if moved is None:
                    continue
                new, tidy_holds = _tidy(moved, allowed)
                if new not in found and new != result:
                    found[new] = found[form] and holds and tidy_holds
                    last[new] = i
                    fresh.append(new)
        frontier = sorted(fresh, key=_ops)[:beam]
    return found


def _tidy(expr: sympy.Expr, allowed: set[Any]) -> tuple[sympy.Expr, bool]:
    """The rewrites that never lengthen: |u| and sign, tan/cot/sec/csc, Pythagoras; and
    whether the form holds for every value (|u| → u only for real u)."""
    present = functions(expr)
    holds = True
    if present & {sympy.Abs, sympy.sign}:
        real = real_abs_sign(expr)
        holds = real == expr
        expr = real
    if present & ALL_FUNCTIONS:
        expr = pythagorean(trig_reciprocals(expr, allowed), allowed)
    return expr, holds


_together = opaque(sympy.together)
_cancel = opaque(sympy.cancel)


def _shapes(expr: sympy.Expr) -> set[str]:
    """Which moves can change ``expr`` (one walk, no recursion of ours)."""
    shapes = {"sum"} if expr.is_Add else set()
    roots = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        stack.extend(e.args)
        if e.is_Pow:
            if e.exp.is_Rational and e.exp.q == 2:
                roots += 1
                if sympy.denom(e.base) != 1:
                    shapes.add("roots")
            if e.exp.is_negative:
                shapes.add("quotient")
        elif e.is_Add and any(t.is_Mul or t.is_Pow for t in e.args):
            if any(sympy.denom(t) != 1 for t in e.args):
                shapes.add("sum of quotients")
        elif e.is_Mul:
            bases = [f.as_base_exp()[0] for f in e.args]
            if len(set(bases)) < len(bases):
                shapes.add("repeated base")
            if any(f.is_Add for f in e.args):
                shapes.add("product of sums")
                if e.args[0].is_Rational and e.args[0] not in (1, -1):
                    shapes.add("number times sum")
            if sum(isinstance(b, sympy.Abs) for b in bases):
                roots += 1
    if roots >= 2:
        shapes.add("roots")
    if "quotient" in shapes and functions(expr) & ALL_FUNCTIONS:
        shapes.add("trigonometric quotient")
    return shapes


def _ops(expr: sympy.Expr) -> int:
    return _count(expr)


@functools.lru_cache(maxsize=4096)
def _count(expr: sympy.Expr) -> int:
    return int(sympy.count_ops(expr))


class _OutOfTime(BaseException):
    """Raised by the timer inside sympy; a BaseException so sympy's ``except Exception``
    blocks do not swallow it."""


def time_boxed(work: Callable[[], sympy.Expr], seconds: float) -> sympy.Expr | None:
    """``work()``, or None when it takes longer than ``seconds`` (or fails).

    The timer is SIGALRM, so it runs only in the main thread; elsewhere (a library caller's
    thread) there is no way to stop sympy and the fallback is not tried.  A timer already
    set (by whoever runs us) is kept: restored afterwards with the time it has left.

    Args:
        work: the sympy call to run.
        seconds: its budget.

    Returns:
        What ``work`` returned; None when it ran out of time or raised.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        seconds = 0.0  # the outer deadline comes first: let it fire as it would have
    start = time.monotonic()
    armed = [True]  # a signal already on its way when the work ends must not raise

    def expire(signum: int, frame: object) -> None:
        if armed[0]:
            raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire) if seconds else None
    try:
        if seconds:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        return work()
    except (_OutOfTime, Exception):  # noqa: BLE001 - sympy's own failures cost only the form
        return None
    finally:
        armed[0] = False
        if seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer_left:
                left = max(outer_left - (time.monotonic() - start), 1e-6)
                signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
