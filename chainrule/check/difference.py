"""The finite difference the cross-check compares a derivative with, and when to trust it.

A central difference with step h is off by about h²·f‴/6.  Where the function oscillates fast
(sin(π^((−x)^(−π))) near x = −0.36, f‴ ≈ 10^42; sin(e^41 + …), whose period there is 10^-18)
a fixed step measures nothing.  So the step shrinks with the working precision (10^-18 at 50
digits, 10^-150 at 400), and a quotient that disagrees is refined by Richardson extrapolation
over halved steps; only an extrapolation that has settled is trusted.  One that has not
settled says so (``NotConvergedError``): the point is ill-conditioned, not the derivative wrong.

>>> import mpmath
>>> with mpmath.workdps(50):
...     error = richardson(lambda t: mpmath.sin(1 + t), step()) - mpmath.cos(1)
...     bool(abs(error) < mpmath.mpf(10) ** -30)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath

TOLERANCE_DIGITS = 12  # the cross-check's relative tolerance is 10^-12


class NotConvergedError(ArithmeticError):
    """Richardson extrapolation did not settle: the function is ill-conditioned here."""


def step() -> Any:
    """The step for the working precision: 10^-18 at 50 digits, 10^-150 at 400.

    Returns:
        ``10^(-3·dps/8)``: small enough that h² truncation is far below the tolerance, large
        enough that the difference keeps more than half of the digits.
    """
    return mpmath.mpf(10) ** -(3 * mpmath.mp.dps // 8)


def central(f: Callable[[Any], Any], h: Any) -> Any:
    """The central difference (f(h) − f(−h)) / 2h.

    Args:
        f: the function along a direction, f(t) = F(point + t·direction).
        h: the step.

    Returns:
        The quotient.
    """
    return (f(h) - f(-h)) / (2 * h)


def richardson(f: Callable[[Any], Any], h: Any) -> Any:
    """The derivative of ``f`` at 0 by Richardson extrapolation of central differences with
    steps h, h/2, h/4 (error O(h⁶) where f is smooth).

    Args:
        f: the function along a direction.
        h: the largest step.

    Returns:
        The extrapolated derivative.

    Raises:
        NotConvergedError: the two first-level extrapolations disagree beyond the tolerance.
    """
    d0, d1, d2 = (central(f, h / 2**k) for k in range(3))
    r1 = (4 * d1 - d0) / 3
    r2 = (4 * d2 - d1) / 3
    scale = max(mpmath.mpf(1), abs(r1), abs(r2))
    if abs(r2 - r1) > mpmath.mpf(10) ** -TOLERANCE_DIGITS * scale:
        raise NotConvergedError(f"the difference quotient does not settle ({r1} vs {r2})")
    return (16 * r2 - r1) / 15
