"""Look for a simpler equal form of each result.  Optional and time-boxed by the runner.

sympy's ``simplify`` can take unbounded time; the runner calls this only after the exact
(unsimplified) derivation has already been produced, so running out of time costs nothing but
the simpler form.
"""

from __future__ import annotations

import dataclasses

import sympy

from chainrule.model import ChainRule, Derivation

SIMPLIFY_MAX_NODES = 150  # larger results are left as they are


def simplify_results(derivation: Derivation) -> Derivation:
    """Attach ``simplified`` to each ChainRule whose result has a shorter equal form.

    Args:
        derivation: a derivation whose results are exact but unsimplified.

    Returns:
        A new derivation; a ChainRule's ``simplified`` is set only when sympy found a form
        with fewer operations.
    """
    steps = []
    changed = False
    for step in derivation.steps:
        if isinstance(step, ChainRule) and step.result is not None and step.simplified is None:
            better = _simpler(step.result)
            if better is not None:
                step = dataclasses.replace(step, simplified=better)
                changed = True
        steps.append(step)
    return dataclasses.replace(derivation, steps=tuple(steps)) if changed else derivation


def _simpler(result: sympy.Expr) -> sympy.Expr | None:
    if _size(result) > SIMPLIFY_MAX_NODES or result.is_Atom:
        return None
    candidate = sympy.simplify(result)
    if candidate == result or sympy.count_ops(candidate) >= sympy.count_ops(result):
        return None
    return candidate


def _size(expr: sympy.Expr) -> int:
    count, stack = 0, [expr]
    while stack:
        count += 1
        stack.extend(stack.pop().args)
    return count
