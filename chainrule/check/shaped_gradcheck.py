"""A gradient check of a shaped derivation, for ``chainrule gradcheck`` with shapes: each
gradient (the printed lines, evaluated with numpy) against central differences, entry by entry,
at a given point or at seeded random points with random sizes, reported rather than raised."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from chainrule.check.shaped_numeric import Env, bind, compare, draw, forward, gradients
from chainrule.model import ShapedDerivation, ShapedGradCheck, ShapedGradEntry
from chainrule.model.shapes import Dim


def gradcheck_shaped(
    d: ShapedDerivation,
    *,
    points: int = 3,
    seed: int = 0,
    at: Mapping[str, Any] | None = None,
) -> ShapedDerivation:
    """``d`` with a ``ShapedGradCheck``: every gradient against central differences.

    Args:
        d: the shaped derivation (``api.derive_shaped(check=False)`` to see a disagreement).
        points: how many random points (values and sizes), when ``at`` is None.
        seed: their seed (the same seed, the same points).
        at: a point (name → number or nested lists), its values fixing the sizes.

    Returns:
        ``d`` with ``gradcheck`` set; ``gradcheck.agree`` is False when some gradient
        disagrees.

    Raises:
        ShapeError, MathError: a point that does not fit the shapes, or leaves a variable
            without a value.
    """
    rng = np.random.default_rng(seed)
    drawn: list[tuple[dict[Dim, int], Env]] = []
    if at is not None:
        drawn.append(bind(d, at))
    for attempt in range(points * 3 if at is None else 0):
        sizes, env = draw(d, rng, uniform=bool(attempt % 2))
        with np.errstate(all="ignore"):
            if np.all(np.isfinite(forward(d, env, sizes)[d.output])):
                drawn.append((sizes, env))
        if len(drawn) == points:
            break
    entries: list[ShapedGradEntry] = []
    for i, (sizes, env) in enumerate(drawn):
        with np.errstate(all="ignore"):
            grads = gradients(d, env, sizes)
            for name in d.wrt:
                worst = compare(d, name, grads[name], env, sizes)
                rows, cols = env[name].shape
                entries.append(
                    ShapedGradEntry(
                        i,
                        name,
                        f"{rows}×{cols}",
                        worst.entry,
                        worst.ours,
                        worst.numeric,
                        worst.agree,
                    )  # fmt: skip
                )
    named = tuple(
        tuple((str(k), v) for k, v in sizes.items() if isinstance(k, str)) for sizes, _ in drawn
    )
    check = ShapedGradCheck(named, tuple(entries), seed, at is not None)
    return dataclasses.replace(d, gradcheck=check)
