"""What a simplified form must be: no more exotic than the result, and equal to it.

``simplify`` keeps a form only when it passes both.  *Exotic* is what a reader of a textbook
would not expect from this input: a function outside the input's families (cosh where there
were only exponentials, polygamma for a factorial), a case analysis, the imaginary unit, a new
logarithm (ln((2x⁴ + 1)^(2x⁴ + 1))), a new base raised to a variable power (16ˣ for 2^(4x)),
an argument factored (exp(t·(t + 3)) for exp(t² + 3t)).  *Equal* is checked numerically at
points where the function is real: some rewrites (|u| → u, √a·√b → √(ab)) hold only there.
The expressions judged are small (``simplify.SIMPLIFY_MAX_NODES``), so sympy's recursion over
them is safe.

>>> x = sympy.Symbol("x", real=True)
>>> exotic(1 / (4 * sympy.cosh(x / 2) ** 2), sympy.exp(-x), None, {sympy.exp})
True
>>> agrees(1 / x, sympy.sign(x) / sympy.Abs(x), [{x: -2}, {x: 3}])
True
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterator
from typing import Any

import sympy

from chainrule.calculus.rewrites import arguments
from chainrule.model import Derivation

POINTS, ATTEMPTS, DIGITS = 3, 16, 30  # where forms are compared with the result
TOLERANCE = 1e-10  # relative, between values computed with DIGITS digits


@functools.lru_cache(maxsize=4096)
def functions(expr: sympy.Expr) -> frozenset[Any]:
    """The classes of the functions applied in ``expr``, Piecewise among them.

    Args:
        expr: any expression.

    Returns:
        The classes (``sympy.sin``, ``sigmoid``, …).
    """
    return frozenset(type(f) for f in expr.atoms(sympy.Function, sympy.Piecewise))


def exotic(
    form: sympy.Expr, result: sympy.Expr, function: sympy.Expr | None, allowed: set[Any]
) -> bool:
    """Whether ``form`` brings in what neither ``result`` nor ``function`` has.

    Args:
        form: a candidate for the simplified result.
        result: the result it would replace.
        function: the function differentiated, written in the inputs (None when too large).
        allowed: the functions ``form`` may use.

    Returns:
        True for a function not allowed, a case analysis (Piecewise is one of the functions),
        the imaginary unit, a new logarithm, a new base to a variable power, or a new argument
        that is not written out.
    """
    if not functions(form) <= allowed:
        return True
    if form.has(sympy.I, sympy.zoo, sympy.nan) and not result.has(sympy.I):
        return True
    logs = result.atoms(sympy.log) | (function.atoms(sympy.log) if function is not None else set())
    if not form.atoms(sympy.log) <= logs:
        return True
    if not _moving_bases(form) <= _moving_bases(result) | _moving_bases(function):
        return True  # 2^(4x) is not 16^x
    known = arguments(result) | (arguments(function) if function is not None else set())
    # A new argument (exp(t²)·exp(3t) = exp(t² + 3t)) is written out, never factored:
    # exp(t·(t + 3)) and √(t·(5t − 1)) count fewer operations and read worse.
    return any(a != sympy.expand(a) for a in arguments(form) - known)


def _moving_bases(expr: sympy.Expr | None) -> set[sympy.Expr]:
    """The bases of powers whose exponent is not a number."""
    if expr is None:
        return set()
    return {p.base for p in expr.atoms(sympy.Pow) if not p.exp.is_Number}


def domain_points(
    derivation: Derivation, function: sympy.Expr | None
) -> Iterator[dict[sympy.Symbol, sympy.Float]]:
    """Up to ``POINTS`` reproducible points where the function is real and finite.

    The function written in the inputs is evaluated once a point; only when it is too large to
    be written, each intermediate in turn.  (Where the function is real but an intermediate is
    not, as √(x − 1)·√(x + 1) at x = −2, a form can only be refused in vain, never taken.)

    Args:
        derivation: whose inputs and intermediates define the function.
        function: the function written in the inputs, or None.

    Returns:
        The points, each a value for every input.
    """
    rng = random.Random(2024)
    graph = derivation.graph
    found = 0
    for attempt in range(ATTEMPTS):
        low, high = ((0.2, 1.4), (-2.0, 2.0), (-4.0, 4.0))[attempt * 3 // ATTEMPTS]
        point = {s: sympy.Float(rng.uniform(low, high), DIGITS) for s in graph.inputs}
        if function is not None:
            real = number(function.xreplace(point)) is not None
        else:
            env: dict[Any, Any] = dict(point)
            value: float | None = 0.0
            for node in graph.nodes:
                value = number(node.value.xreplace(env))
                if value is None:
                    break
                env[node.symbol] = sympy.Float(value, DIGITS)
            real = value is not None
        if real:
            yield point
            found += 1
            if found == POINTS:
                return


def number(expr: sympy.Expr) -> float | None:
    """The real, finite value of a constant expression, evaluated with ``DIGITS`` digits.

    Args:
        expr: an expression without free symbols.

    Returns:
        The value, or None where it is not real, not finite or not a number at all.
    """
    try:
        value = complex(expr.evalf(DIGITS))
    except (TypeError, ValueError, OverflowError):
        return None  # zoo, nan, or something sympy cannot evaluate
    if not math.isfinite(abs(value)) or abs(value.imag) > TOLERANCE * max(1, abs(value.real)):
        return None
    return value.real


def agrees(form: sympy.Expr, result: sympy.Expr, points: list[dict[Any, Any]]) -> bool:
    """Whether ``form`` equals ``result`` wherever the result is real among ``points``.

    Args:
        form: the candidate.
        result: the expression it would replace.
        points: values for the free symbols.

    Returns:
        False at the first point where ``form`` is not real or differs.
    """
    for point in points:
        expected = number(result.xreplace(point))
        if expected is None:
            continue
        got = number(form.xreplace(point))
        if got is None or abs(got - expected) > TOLERANCE * max(1, abs(expected)):
            return False
    return True
