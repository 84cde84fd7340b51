"""Judge a learner's derivative against the derivation's own result.

Numbers first: both are evaluated at random points (mpmath, 30 digits; a disagreement is
confirmed at 80 before it counts).  Where they agree everywhere, a time-boxed symbolic proof
(their difference expanded, simplified, rewritten in exponentials) says whether it was proved
("symbolic") or only seen at every point ("numeric").  Where they disagree, ``mistakes``
looks for the common mistake the answer is.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from chainrule.calculus.engine import tree_size
from chainrule.calculus.simplify import time_boxed  # the one timer
from chainrule.check.mistakes import diagnose
from chainrule.check.numeric import UndefinedError, evaluate
from chainrule.model import ChainRule, Derivation, Upstream, Verdict

POINTS = 12  # points where both must agree
ATTEMPTS = 80  # random points tried to find them
DIGITS, CONFIRM_DIGITS = 30, 80
TOLERANCE = mpmath.mpf(10) ** -20  # relative; 30 digits leave room for some cancellation
SYMBOLIC_SECONDS = 1.5
RANGES = ((0.2, 1.4), (-1.4, -0.2), (-3.0, 3.0), (1.4, 4.0))
SYMBOLIC_MAX_NODES = 400  # larger differences are compared numerically only


@dataclass
class Sample:
    """Where the answer was compared: each point's values (inputs and intermediates), the
    derivative there, and the answer there (None where it has no real value)."""

    envs: list[dict[Any, Any]]
    truth: list[Any]
    answer: list[Any]

    def disagreement(self) -> int | None:
        """The index of the first point where the answer differs, if any."""
        for i, (t, a) in enumerate(zip(self.truth, self.answer, strict=True)):
            if a is None or not close(a, t):
                return i
        return None


def judge(
    derivation: Derivation,
    answer: sympy.Expr,
    text: str,
    *,
    shown: sympy.Expr | None = None,
    seed: int = 2026,
) -> Derivation:
    """The derivation with a ``Verdict`` on ``answer`` as its first step.

    Args:
        derivation: from ``api.derive``, for exactly one variable.
        answer: the learner's derivative, in the derivation's input variables.
        text: the answer as typed.
        shown: the answer as the verdict shows it (as typed, in the names typed); ``answer``
            when None.
        seed: the random points are reproducible for a given seed.

    Returns:
        A copy whose steps start with the Verdict.

    """
    chain = derivation.chain_rules[0]
    truth = chain.result  # None past the size limits: then compared numerically only
    sample = sample_points(derivation, chain, answer, random.Random(seed))
    shown = answer if shown is None else shown
    if sample.envs and sample.disagreement() is None:
        how = "symbolic" if truth is not None and proved_equal(answer, truth) else "numeric"
        verdict = Verdict(chain.wrt, text, shown, True, how, (), len(sample.envs))
    elif not sample.envs and truth is not None and proved_equal(answer, truth):
        verdict = Verdict(chain.wrt, text, shown, True, "symbolic")  # no point: f(g(x))
    else:
        mistakes = diagnose(derivation, chain, sample, answer)
        how = "numeric" if sample.envs else "symbolic"
        verdict = Verdict(chain.wrt, text, shown, False, how, mistakes, len(sample.envs))
    return dataclasses.replace(derivation, steps=(verdict, *derivation.steps))


def sample_points(
    derivation: Derivation, chain: ChainRule, answer: sympy.Expr, rng: random.Random
) -> Sample:
    """Up to ``POINTS`` random points where the function and its derivative have real values.

    Args:
        derivation: the derivation (its graph gives the forward pass).
        chain: its ChainRule for the answer's variable.
        answer: the learner's answer in the inputs.
        rng: the source of the points.

    Returns:
        The sample; empty when no point has a real value (or an abstract function is in it).
    """
    sample = Sample([], [], [])
    graph = derivation.graph
    # A variable the answer names but the function lacks (--wrt t for x², answered t) gets a
    # value too, so the verdict compares values rather than finding the answer undefined.
    known = set(graph.inputs) | {n.symbol for n in graph.nodes}
    inputs = (*graph.inputs, *sorted(answer.free_symbols - known, key=lambda s: s.name))
    with mpmath.workdps(DIGITS):
        for attempt in range(ATTEMPTS):
            if len(sample.envs) == POINTS:
                break
            # Both signs and a wider range in turn: 2|x| for 2x must meet a negative x.
            low, high = RANGES[attempt % len(RANGES)]
            point = {s: mpmath.mpf(rng.uniform(low, high)) for s in inputs}
            env = forward(derivation, point)
            if env is None:
                continue
            t = derivative_at(derivation, chain, env)
            if t is None:
                continue
            sample.envs.append(env)
            sample.truth.append(t)
            sample.answer.append(confirmed(derivation, chain, answer, env, t))
    return sample


def derivative_at(derivation: Derivation, chain: ChainRule, env: Mapping[Any, Any]) -> Any:
    """The derivative's value where ``env`` holds the forward pass: from its result in the
    inputs, or where that was too large to write, from the reverse pass (as backprop does)."""
    if chain.result is not None:
        return value(chain.result, env)
    values = dict(env)
    for adjoint in derivation.adjoints:  # in reverse-pass order: each reuses earlier ones
        v = value(adjoint.recurrence, values)
        if v is None:
            return None
        values[Upstream(adjoint.of, adjoint.wrt)] = v
    return value(chain.in_intermediates, values)


def forward(derivation: Derivation, point: Mapping[Any, Any]) -> dict[Any, Any] | None:
    """The value of every input and intermediate at ``point``; None where one has no value."""
    env = dict(point)
    for node in derivation.graph.nodes:
        v = value(node.definition, env)
        if v is None:
            return None
        env[node.symbol] = v
    return env


def value(expr: sympy.Expr, env: Mapping[Any, Any]) -> Any:
    """``expr`` at ``env``, or None where it has no real value."""
    try:
        return evaluate(expr, env)
    except (UndefinedError, ZeroDivisionError, ValueError, OverflowError):
        return None


def confirmed(
    derivation: Derivation, chain: ChainRule, answer: sympy.Expr, env: dict[Any, Any], truth: Any
) -> Any:
    """The answer's value at ``env``; where it differs from the derivative's (``truth``), both
    are computed again with more digits, so that cancellation never makes a right answer look
    wrong."""
    a = value(answer, env)
    if a is None or close(a, truth):
        return a
    with mpmath.workdps(CONFIRM_DIGITS):
        nodes = {n.symbol for n in derivation.graph.nodes}
        precise = forward(derivation, {s: mpmath.mpf(v) for s, v in env.items() if s not in nodes})
        if precise is None:
            return a
        a2, t2 = value(answer, precise), derivative_at(derivation, chain, precise)
    return truth if a2 is not None and t2 is not None and close(a2, t2) else a


def close(a: Any, b: Any) -> bool:
    """Equal within ``TOLERANCE``, relative to the larger value (absolute below 1)."""
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return bool(abs(a - b) <= TOLERANCE * scale)


def proved_equal(answer: sympy.Expr, truth: sympy.Expr) -> bool:
    """Whether ``answer − truth`` simplifies to 0 within ``SYMBOLIC_SECONDS``.

    Args:
        answer: the answer in the inputs.
        truth: the derivative in the inputs.

    Returns:
        True when proved; False when not (unequal, too large, or out of time).
    """
    difference = answer - truth
    if difference == 0:
        return True
    if tree_size(difference) > SYMBOLIC_MAX_NODES:
        return False
    attempts: list[Callable[[sympy.Expr], sympy.Expr]] = [
        sympy.expand,
        sympy.simplify,
        lambda e: sympy.simplify(e.rewrite(sympy.exp)),
    ]

    def prove() -> sympy.Expr:
        for attempt in attempts:
            if attempt(difference) == 0:
                return sympy.S.true
        return sympy.S.false

    return time_boxed(prove, SYMBOLIC_SECONDS) is sympy.S.true
