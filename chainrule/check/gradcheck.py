"""A gradient check: each derivative the derivation claims, against a central finite difference
of its forward pass, at a given point or at several random ones.

The derivation's side is what backpropagation computes (the reverse pass over its local
factors, as the ``--at`` tables show it) and, where the derivation writes them, its result and
simplified form in the inputs.  The numerical side nudges one variable (or named intermediate)
of the forward pass and takes the central difference with ``difference.step()`` scaled by the
variable's size, in 50-digit arithmetic.  Nothing is a disagreement until it is confirmed: a
pair that differs by more than ``TOLERANCE`` is refined (Richardson extrapolation, then 400
digits on both sides); a difference quotient that never settles is reported as such, never as
a wrong derivative.  Random points are drawn from a seeded generator, three decimals each so
that they can be typed back (``--at x=0.734``); a point where the function or a derivative has
no value (a pole, a corner) is skipped for another.

>>> from chainrule.api import derive
>>> step = gradcheck(derive("sin(x**2)"), [{"x": sympy.Rational(1, 2)}])
>>> step.agree, [e.ok for e in step.entries], float(step.entries[0].numeric) # doctest: +ELLIPSIS
(True, [True], 0.968...)
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.check.difference import NotConvergedError, central, richardson, step
from chainrule.check.numeric import UndefinedError, evaluate
from chainrule.check.values import values
from chainrule.errors import MathError
from chainrule.model import Constant, Derivation, GradCheck, GradEntry, Note, Number, Upstream

TOLERANCE = sympy.Float("1e-10", 15)  # the largest relative error that counts as agreement
DIGITS = (50, 400)  # a pair that differs at 50 digits is compared again at 400
POINTS = 3  # random points by default
ATTEMPTS = 8  # random draws per point wanted, before giving up on finding one
_SHOWN = 30  # digits kept of each value


def with_gradcheck(
    derivation: Derivation,
    points: Sequence[Mapping[str, sympy.Expr]] | None = None,
    *,
    count: int = POINTS,
    seed: int = 0,
) -> Derivation:
    """The derivation with its ``GradCheck`` step added last (see ``gradcheck``).

    Returns:
        A copy with the step, and a note when random points had to be skipped or nothing
        could be compared.
    """
    check = gradcheck(derivation, points, count=count, seed=seed)
    notes: list[Note] = []
    if check.skipped:
        notes.append(Note("gradcheck_skipped", (("count", str(check.skipped)),)))
    if not any(e.ok is not None for e in check.entries):
        notes.append(Note("gradcheck_nothing"))
    return dataclasses.replace(
        derivation, steps=(*derivation.steps, check), notes=(*derivation.notes, *notes)
    )


def gradcheck(
    derivation: Derivation,
    points: Sequence[Mapping[str, sympy.Expr]] | None = None,
    *,
    count: int = POINTS,
    seed: int = 0,
) -> GradCheck:
    """Compare every derivative of ``derivation`` with a central finite difference.

    Args:
        derivation: from ``api.derive`` (it need not have been cross-checked).
        points: the points, each name → exact real number (``api.parse_points``); None for
            ``count`` random points drawn with ``seed``.
        count: how many random points.
        seed: the random points are the same for the same seed.

    Returns:
        The step: one ``GradEntry`` per variable and point; ``agree`` is False when any
        derivative disagrees with its finite difference beyond ``TOLERANCE``.

    Raises:
        MathError: the derivation has no values (abstract functions, huge constants); at a
            given point, an intermediate without a real value (``option`` "at").
        VariableError: a given point without a value for an input (``option`` "at").
    """
    nodes = derivation.graph.nodes
    if any(n.definition.atoms(AppliedUndef) for n in nodes):
        raise MathError("abstract functions have no values: there is nothing to compare")
    if any(n.definition.atoms(Constant) for n in nodes):
        raise MathError("a constant here is too large to evaluate: there is nothing to compare")
    if points is not None:
        entries = [e for point in points for e in _at(derivation, point)]
        return GradCheck(tuple(entries), TOLERANCE, random=False)
    rng = random.Random(seed)
    inputs = derivation.graph.input_names
    wanted = count if inputs else 1  # without variables every point is the same
    entries, skipped = [], 0
    for attempt in range(wanted * ATTEMPTS):
        if len(entries) >= wanted * len(derivation.wrt):
            break
        point = _random_point(inputs, rng, attempt)
        try:
            found = _at(derivation, point)
        except (MathError, UndefinedError):
            skipped += 1
            continue
        if any(e.ok is None for e in found):  # a corner, a pole nearby, unsettled: elsewhere
            skipped += 1
            continue
        entries += found
    return GradCheck(tuple(entries), TOLERANCE, random=True, seed=seed, skipped=skipped)


def _random_point(inputs: Sequence[str], rng: random.Random, attempt: int) -> dict[str, Any]:
    # Positive values every other draw (logs and roots are defined there), else both signs.
    low, high = (0.1, 2.0) if attempt % 2 == 0 else (-2.0, 2.0)
    return {name: sympy.Rational(round(rng.uniform(low, high) * 1000), 1000) for name in inputs}


def _at(derivation: Derivation, point: Mapping[str, sympy.Expr]) -> list[GradEntry]:
    """One entry per variable at ``point``."""
    shown = values(derivation, point)  # the --at numbers: corners found, the point resolved
    exact = {name: number.exact for name, number in shown.point}
    at = tuple(shown.point)
    out = []
    for chain, (wrt, number) in zip(derivation.chain_rules, shown.derivatives, strict=True):
        if not number.exists:
            out.append(GradEntry(wrt, at, None, None, None, None, why="no_value"))
            continue
        out.append(_compare(derivation, wrt, chain, exact, at))
    return out


def _compare(
    derivation: Derivation,
    wrt: str,
    chain: Any,
    point: Mapping[str, sympy.Expr | None],
    at: tuple[tuple[str, Number], ...],
) -> GradEntry:
    why = ""
    for digits in DIGITS:
        with mpmath.workdps(digits):
            env = {
                derivation.graph.symbols[name]: evaluate(value, {})
                for name, value in point.items()
                if value is not None
            }
            try:
                numeric = _difference(derivation, env, wrt, refine=digits != DIGITS[0])
                forms = _claimed(derivation, env, chain)
            except NotConvergedError:
                why = "unsettled"
                continue
            except UndefinedError:
                why = "undefined_nearby"
                continue
            form, symbolic, error = max(
                ((name, value, _relative(value, numeric)) for name, value in forms),
                key=lambda item: item[2],
            )
            if error <= TOLERANCE or digits == DIGITS[-1]:
                return GradEntry(
                    wrt,
                    at,
                    sympy.Float(symbolic, _SHOWN),
                    sympy.Float(numeric, _SHOWN),
                    sympy.Float(error, 15),
                    bool(error <= TOLERANCE),
                    form=form,
                )
    return GradEntry(wrt, at, None, None, None, None, why=why)


def _relative(value: Any, reference: Any) -> Any:
    """|value − reference| over the larger magnitude; below 10^(−digits/2) a value counts
    as 0 (two zeros agree; a zero's difference quotient is rounding noise)."""
    floor = mpmath.mpf(10) ** -(mpmath.mp.dps // 2)
    return abs(value - reference) / max(abs(value), abs(reference), floor)


def _forward(
    derivation: Derivation, env: Mapping[Any, Any], nudge: Mapping[str, Any]
) -> tuple[Any, dict[Any, Any]]:
    """The output's value, ``nudge`` added to the named inputs or intermediates."""
    values_ = dict(env)
    for s in derivation.graph.inputs:
        if s.name in nudge:
            values_[s] = values_[s] + nudge[s.name]
    for node in derivation.graph.nodes:
        values_[node.symbol] = evaluate(node.definition, values_) + nudge.get(node.name, 0)
    return values_[derivation.graph.symbols[derivation.output]], values_


def _difference(derivation: Derivation, env: Mapping[Any, Any], wrt: str, *, refine: bool) -> Any:
    """d(output)/d(wrt) by a central difference; with ``refine``, Richardson-extrapolated."""
    _, forward = _forward(derivation, env, {})
    symbol = derivation.graph.symbols.get(wrt)
    size = abs(forward[symbol]) if symbol is not None and symbol in forward else 0
    h = step() * max(1, size)

    def along(t: Any) -> Any:
        return _forward(derivation, env, {wrt: t})[0]

    return richardson(along, h) if refine else central(along, h)


def _claimed(derivation: Derivation, env: Mapping[Any, Any], chain: Any) -> list[tuple[str, Any]]:
    """The derivative as the derivation writes it, evaluated: by its reverse pass (each
    upstream gradient reused), and its result and simplified form in the inputs."""
    _, forward = _forward(derivation, env, {})
    for adjoint in derivation.adjoints:
        forward[Upstream(adjoint.of, adjoint.wrt)] = evaluate(adjoint.recurrence, forward)
    forms = [("backprop", evaluate(chain.in_intermediates, forward))]
    for name, form in (("result", chain.result), ("simplified", chain.simplified)):
        if form is not None:
            try:
                forms.append((name, evaluate(form, env)))
            except UndefinedError:
                # Written out, a form can divide 0 by 0 where the reverse pass does not
                # (sympy's x·|x|/x): no value of it here to compare.
                continue
    return forms
