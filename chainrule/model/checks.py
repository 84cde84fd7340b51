"""What the checks add as steps: values at a point with their flags (``Values``), a verdict on a
learner's answer (``Verdict``), a gradient check (``GradCheck``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy

from chainrule.model.steps import Step


@dataclass(frozen=True)
class Mistake:
    """One thing wrong with a learner's answer, as data (``render.verdict`` words it).

    ``kind``: inner_forgotten, missing_path, product_of_derivatives, sign, constant_factor,
    wrong_point, wrong_order, power_not_reduced or disagree.  ``factor`` names where: (of,
    wrt) for a local factor, the nodes of a path, or () for the whole derivative.
    ``expected`` and ``got`` are that factor as it is (in intermediates) and as the answer has
    it; for a path or the whole derivative, in the inputs; for ``disagree``, the two values at
    the point ``at``.  ``wrong_point``: the factor was taken at ``at`` instead of
    ``correct_at``; ``constant_factor``: answer = scale × the derivative; ``wrong_order``: the
    answer is the derivative of ``got`` (the functions swapped), not of ``expected``.  ``got``
    is None where the answer has no real value.
    """

    kind: str
    factor: tuple[str, ...] = ()
    expected: sympy.Expr | None = None
    got: sympy.Expr | None = None
    at: tuple[tuple[str, sympy.Expr], ...] = ()
    correct_at: tuple[tuple[str, sympy.Expr], ...] = ()
    scale: sympy.Expr | None = None


@dataclass(frozen=True)
class Verdict(Step):
    """A learner's answer for d(output)/d(wrt) judged against the derivation's result: first of
    the steps, so every format says it before the derivation (shown only when it is wrong).

    ``how``: "symbolic" (their difference simplifies to 0) or "numeric" (compared at points).
    """

    title: ClassVar[str] = "Your answer"

    wrt: str
    answer_text: str  # as the learner typed it
    answer: sympy.Expr  # read, in the input variables
    correct: bool
    how: str
    mistakes: tuple[Mistake, ...] = ()
    points: int = 0  # how many points the answer was compared at


@dataclass(frozen=True)
class Number:
    """A value at a point: ``decimal`` (a sympy Float, ``check.values.DIGITS`` digits) and
    ``exact`` (a closed form in integers, fractions, roots, π and e, where the point's values
    give a small one).  Both are None where the value does not exist there (relu′ at 0).
    """

    decimal: sympy.Float | None
    exact: sympy.Expr | None = None

    @property
    def exists(self) -> bool:
        return self.decimal is not None


@dataclass(frozen=True)
class Flag:
    """Something the values at a point show, as data (``render.values`` words it).

    ``kind``: "vanishing" or "exploding" (a magnitude below ``check.values.SMALL`` or above
    ``check.values.LARGE``), "sigmoid" (the σ′ factors on a path: each ≤ 1/4, so ``count`` of
    them shrink it by at least 4^count) or "undefined" (a local
    factor with no value here: ``why`` is "kink", a point where the function has a corner,
    or "pole").  ``scope``: "factor" or "adjoint" (an upstream gradient at an
    intermediate; ``nodes`` is (of, wrt)), "path" (the path's nodes, output
    first) or "derivative" (``nodes`` is (wrt,)).  ``factors`` are (of, wrt, value).
    """

    kind: str
    scope: str
    nodes: tuple[str, ...]
    value: Number | None = None
    count: int = 0
    factors: tuple[tuple[str, str, Number], ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Values(Step):
    """The derivation's numbers at one point: the forward pass (``point`` for the inputs,
    ``forward`` for every intermediate), then the backward pass (each local factor as (of, wrt,
    value), each upstream gradient as (of, wrt, value), each path's product as (wrt, nodes,
    value): the listed paths, or a long chain's only one, each derivative as (wrt, value)),
    and what they show (``flags``).  Made by
    ``check.values``; last of the steps.
    """

    title: ClassVar[str] = "Values at the point"

    point: tuple[tuple[str, Number], ...]
    forward: tuple[tuple[str, Number], ...]
    factors: tuple[tuple[str, str, Number], ...]
    adjoints: tuple[tuple[str, str, Number], ...]
    paths: tuple[tuple[str, tuple[str, ...], Number], ...]
    derivatives: tuple[tuple[str, Number], ...]
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class GradEntry:
    """One derivative at one point against its central finite difference (``check.gradcheck``).

    ``symbolic`` is the derivation's value (``form``: "backprop", its reverse pass; "result"
    or "simplified", that form in the inputs, when it is the one that agrees least),
    ``numeric`` the difference quotient, ``relative_error`` |symbolic − numeric| over the
    larger.  ``ok`` is None when they could not be compared, ``why`` saying so: "no_value"
    (no derivative there: a corner or a pole), "unsettled" (the difference quotient does not
    settle: ill-conditioned) or "undefined_nearby" (the function has no value a step away).
    """

    wrt: str
    point: tuple[tuple[str, Number], ...]
    symbolic: sympy.Float | None
    numeric: sympy.Float | None
    relative_error: sympy.Float | None
    ok: bool | None
    why: str = ""
    form: str = "backprop"


@dataclass(frozen=True)
class GradCheck(Step):
    """Every derivative compared with a finite difference, at given points or at random ones
    (``random``: drawn with ``seed``, ``skipped`` of them passed over where a value was
    missing).  Made by ``check.gradcheck``; last of the steps.
    """

    title: ClassVar[str] = "Gradient check"

    entries: tuple[GradEntry, ...]
    tolerance: sympy.Float
    random: bool = False
    seed: int | None = None
    skipped: int = 0

    @property
    def agree(self) -> bool:
        """No derivative disagrees with its finite difference."""
        return all(e.ok is not False for e in self.entries)
