"""Cross-check a derivation numerically before anyone sees it.

The check is independent of the engine's symbolic work: the program is evaluated forward at a
random point with 50-digit arithmetic, nudged along a random direction, and the central
difference is compared with what the derivation claims (its upstream-gradient recurrences,
its expressions in intermediates and its results in the inputs).  A disagreement is a bug:
``VerificationError``, exit 70, and the wrong derivative is never printed.

It never cries wolf where the function is ill-conditioned: a finite difference that disagrees
is refined (``difference``: Richardson extrapolation, then 400 digits with a far smaller
step); one that never settles moves the check to another point; where no point settles, a
small derivation is compared with ``sympy.diff`` symbolically.  ``verified`` says which check
ran: ``numeric``, ``numeric_refined`` (after refining), ``symbolic`` or ``skipped``.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.check.difference import NotConvergedError, central, richardson, step
from chainrule.check.numeric import UndefinedError, evaluate
from chainrule.errors import VerificationError
from chainrule.model import Derivation, Note, Upstream

DIGITS = (50, 400)  # a mismatch at 50 digits is retried at 400 before it counts as a bug
TOLERANCE = mpmath.mpf(10) ** -12
ATTEMPTS = 8
SYMBOLIC_MAX_NODES = 400  # where no point settles, results up to this size are compared


def verify(
    derivation: Derivation, *, seed: int = 2024, since: Derivation | None = None
) -> Derivation:
    """Check ``derivation`` at random points; return it with ``verified`` set.

    Args:
        derivation: from ``engine.differentiate``.
        seed: the random points are reproducible for a given seed.
        since: the same derivation as checked numerically before (``simplify`` then added
            ``simplified`` forms): only the forms added since are checked, each against its
            checked result; where that finds no point, the whole derivation is.

    Returns:
        The same derivation with ``verified``: ``"numeric"`` (the central difference agreed),
        ``"numeric_refined"`` (it agreed once refined: Richardson extrapolation, 400 digits,
        or another point where the first was ill-conditioned), ``"symbolic"`` (no point
        settled, and the results equal ``sympy.diff``; always so for abstract functions), or
        ``"skipped"`` with a note when no sampled point has a real value.

    Raises:
        VerificationError: the derivation disagrees with the finite difference.
    """
    graph = derivation.graph
    if any(n.definition.atoms(AppliedUndef) for n in graph.nodes):
        return _symbolic(derivation)
    rng = random.Random(seed)
    added = None
    if since is not None and since.verified.startswith("numeric"):
        before = {c.wrt: c.simplified for c in since.chain_rules}
        added = [c for c in derivation.chain_rules if c.simplified is not before.get(c.wrt)]
    refined = unsettled = False
    for attempt in range(ATTEMPTS):
        point = _point(graph.inputs, rng, attempt)
        try:
            if added is None:
                refined = _check_with_retry(derivation, point, rng) or refined
            for chain in added or ():
                what = f"simplified of d/d{chain.wrt}"
                _agree_with_retry(chain.simplified, chain.result, point, what, derivation)
        except UndefinedError:
            continue
        except NotConvergedError:
            refined = unsettled = True  # ill-conditioned here: another point
            continue
        return dataclasses.replace(derivation, verified="numeric_refined" if refined else "numeric")
    if added is not None:
        return verify(derivation, seed=seed)
    if unsettled:
        return _unsettled(derivation)
    return _skipped(derivation, Note("no_real_point"))


def _check_with_retry(derivation: Derivation, point: Mapping[Any, Any], rng: random.Random) -> bool:
    """``_check_at`` at each precision in ``DIGITS`` until one agrees; the last one's
    disagreement is raised.  Huge values cancel digits in the finite difference (a constant
    like π^(2π³) ≈ 10^31 costs thirty), and a fast oscillation needs a smaller step, so a near
    miss is retried at the same point, with the same direction, with many more digits.
    Returns whether the check needed refining (see ``verify``)."""
    state = rng.getstate()
    for digits in DIGITS:
        rng.setstate(state)
        with mpmath.workdps(digits):
            try:
                return _check_at(derivation, point, rng) or digits != DIGITS[0]
            except (VerificationError, NotConvergedError):
                if digits == DIGITS[-1]:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def _agree_with_retry(
    form: Any, checked: Any, point: Mapping[Any, Any], what: str, derivation: Derivation
) -> None:
    """``form`` and the already checked ``checked`` agree at ``point``, at each precision in
    ``DIGITS`` until one does (see ``_check_with_retry``)."""
    for digits in DIGITS:
        with mpmath.workdps(digits):
            try:
                _agree(evaluate(form, point), evaluate(checked, point), what, derivation)
                return
            except VerificationError:
                if digits == DIGITS[-1]:
                    raise


def _symbolic(derivation: Derivation) -> Derivation:
    """Abstract functions have no values: compare with sympy.diff symbolically instead."""
    expression = derivation.expression
    chains = derivation.chain_rules
    if expression is None or any(c.result is None for c in chains):
        return _skipped(derivation, Note("abstract_too_large"))
    symbols = derivation.graph.symbols
    for chain in chains:
        # The expression is as typed (unevaluated): evaluated before sympy differentiates it.
        oracle = sympy.diff(expression.doit(), symbols[chain.wrt]) if chain.wrt in symbols else 0
        if chain.result is None or sympy.simplify(chain.result - oracle) != 0:
            # sympy could not prove it either way: say so rather than claim a check.
            return _skipped(derivation, Note("symbolic_undecided"))
    return dataclasses.replace(derivation, verified="symbolic")


def _unsettled(derivation: Derivation) -> Derivation:
    """No sampled point let the difference quotient settle: compare small results with
    ``sympy.diff``; larger ones are skipped with a note (never a false alarm)."""
    expression = derivation.expression
    chains = derivation.chain_rules
    small = all(c.result is not None and c.result_size <= SYMBOLIC_MAX_NODES for c in chains)
    if expression is None or not small:
        return _skipped(derivation, Note("ill_conditioned"))
    checked = _symbolic(derivation)
    if checked.verified == "symbolic":
        return checked
    return _skipped(derivation, Note("ill_conditioned"))


def _skipped(derivation: Derivation, note: Note) -> Derivation:
    # A derivation is checked again once simplified: its note is already there then.
    notes = derivation.notes if note in derivation.notes else (*derivation.notes, note)
    return dataclasses.replace(derivation, verified="skipped", notes=notes)


def _point(inputs: tuple[sympy.Symbol, ...], rng: random.Random, attempt: int) -> dict[Any, Any]:
    # Positive values first (logs and roots are defined there), then both signs, wider.
    low, high = (0.2, 1.4) if attempt < 4 else (-2.0, 2.0)
    return {s: mpmath.mpf(rng.uniform(low, high)) for s in inputs}


def _forward(
    derivation: Derivation, point: Mapping[Any, Any], nudge: Mapping[str, Any]
) -> dict[Any, Any]:
    """Values of every symbol; ``nudge`` adds to named values (inputs or intermediates)."""
    env = dict(point)
    for s in derivation.graph.inputs:
        if s.name in nudge:
            env[s] = env[s] + nudge[s.name]
    for node in derivation.graph.nodes:
        value = evaluate(node.definition, env)
        env[node.symbol] = value + nudge.get(node.name, 0)
    return env


def _check_at(derivation: Derivation, point: Mapping[Any, Any], rng: random.Random) -> bool:
    graph = derivation.graph
    out = graph.symbols[graph.output]
    env = _forward(derivation, point, {})
    _check_identities(derivation, env)
    # The derivation's own reverse pass, evaluated: each recurrence reuses upstream values.
    for adjoint in derivation.adjoints:
        env[Upstream(adjoint.of, adjoint.wrt)] = value = evaluate(adjoint.recurrence, env)
        if adjoint.in_nodes is not None:
            what = f"∂{adjoint.of}/∂{adjoint.wrt} in forward values"
            _agree(evaluate(adjoint.in_nodes, env), value, what, derivation)
    claimed: dict[str, Any] = {}
    for chain in derivation.chain_rules:
        value = evaluate(chain.in_intermediates, env)
        claimed[chain.wrt] = value
        for name, form in (("result", chain.result), ("simplified", chain.simplified)):
            if form is not None:
                _agree(evaluate(form, point), value, f"{name} of d/d{chain.wrt}", derivation)
        if chain.in_nodes is not None:
            what = f"d/d{chain.wrt} in forward values"
            _agree(evaluate(chain.in_nodes, env), value, what, derivation)
        for path_sum in _path_sums(chain, env):
            _agree(path_sum, value, f"sum over paths for d/d{chain.wrt}", derivation)
    inputs = {s.name for s in graph.inputs}
    groups = [[w for w in derivation.wrt if w in inputs]]
    groups += [[w] for w in derivation.wrt if w not in inputs]
    refined = False
    for group in groups:
        if not group:
            continue
        direction = {w: mpmath.mpf(rng.uniform(-1, 1)) for w in group}

        def along(t: Any, direction: dict[str, Any] = direction) -> Any:
            return _forward(derivation, point, {w: t * d for w, d in direction.items()})[out]

        predicted = mpmath.fsum(claimed[w] * d for w, d in direction.items())
        finite = central(along, step())
        if not _close(predicted, finite):
            # Shrink the step until the quotient settles; unsettled, it raises NotConvergedError.
            finite, refined = richardson(along, step()), True
        _agree(predicted, finite, "gradient along a random direction", derivation)
    return refined


def _check_identities(derivation: Derivation, env: dict[Any, Any]) -> None:
    """The forms written in the forward values (``calculus.identities``) against the ones they
    re-express: each cached local factor here, the gradients' ``in_nodes`` in the reverse pass.
    The aside assignments such a form may name are evaluated into ``env`` first."""
    forms = [a.in_nodes for a in derivation.adjoints] + [c.in_nodes for c in derivation.chain_rules]
    named = {s for form in forms if form is not None for s in form.free_symbols}
    for node in derivation.graph.aside:
        # Only where a form names it: elsewhere its value (maybe undefined here) is no concern.
        if node.symbol in named:
            env[node.symbol] = evaluate(node.definition, env)
    for factor in derivation.local_derivatives:
        if factor.cached is not None:
            what = f"∂{factor.of}/∂{factor.wrt} in forward values"
            _agree(evaluate(factor.cached, env), evaluate(factor.derivative, env), what, derivation)


def _path_sums(chain: Any, env: Mapping[Any, Any]) -> list[Any]:
    if not chain.paths:
        return []
    return [mpmath.fsum(evaluate(p.product, env) for p in chain.paths)]


def _close(value: Any, reference: Any) -> bool:
    scale = max(mpmath.mpf(1), abs(value), abs(reference))
    return bool(abs(value - reference) <= TOLERANCE * scale)


def _agree(value: Any, reference: Any, what: str, derivation: Derivation) -> None:
    if not _close(value, reference):
        raise VerificationError(
            f"internal error: the {what} failed its numerical cross-check "
            f"({mpmath.nstr(value, 12)} vs {mpmath.nstr(reference, 12)}); "
            "please report this input",
            source=derivation.source,
        )
