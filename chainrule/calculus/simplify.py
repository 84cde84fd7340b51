"""Look for a simpler equal form of each result.  Optional and time-boxed by the runner.

sympy's ``simplify`` can take unbounded time; the runner calls this only after the exact
(unsimplified) derivation has already been produced, so running out of time costs nothing but
the simpler form.
"""

from __future__ import annotations

import dataclasses

import sympy

from chainrule.calculus.engine import tree_size
from chainrule.model import ChainRule, Derivation

SIMPLIFY_MAX_NODES = 150  # larger results are left as they are
SIMPLIFY_MAX_RESULTS = 8  # with more variables than this (a whole network), none is simplified


def simplify_results(derivation: Derivation) -> Derivation:
    """Attach ``simplified`` to each ChainRule whose result has a shorter equal form.

    Args:
        derivation: a derivation whose results are exact but unsimplified.

    Returns:
        A new derivation; a ChainRule's ``simplified`` is set only when sympy found a form
        with fewer operations.  The same derivation when there are more than
        ``SIMPLIFY_MAX_RESULTS`` variables: a network's gradients are read in intermediates.
    """
    if len(derivation.chain_rules) > SIMPLIFY_MAX_RESULTS:
        return derivation
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
    if tree_size(result) > SIMPLIFY_MAX_NODES or not _worth_trying(result):
        return None
    try:
        candidate = sympy.simplify(result)
    except Exception:  # noqa: BLE001 - optional step: sympy's own bugs must not lose the result
        return None
    if candidate == result or sympy.count_ops(candidate) >= sympy.count_ops(result):
        return None
    if candidate.has(sympy.Piecewise) and not result.has(sympy.Piecewise):
        return None  # case analysis is not what a reader of a chain rule calls simpler
    return candidate


def _worth_trying(result: sympy.Expr) -> bool:
    """Sums (paths added up) and quotients are where simplify finds something; a bare
    product of factors (a single path) is already as simple as the chain rule made it, and
    sympy's ``simplify`` costs a noticeable fraction of a second even then."""
    if result.is_Atom:
        return False
    if result.is_Add:
        return True
    return any(p.exp.is_negative for p in result.atoms(sympy.Pow))
