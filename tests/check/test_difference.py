"""The finite difference of the cross-check (``check.difference``): its step, Richardson
extrapolation, and the refusal to trust a quotient that does not settle."""

from __future__ import annotations

import mpmath
import pytest

from chainrule.check.difference import NotConvergedError, central, richardson, step


def test_the_step_shrinks_with_the_working_precision() -> None:
    with mpmath.workdps(50):
        assert step() == mpmath.mpf(10) ** -18
    with mpmath.workdps(400):
        assert step() == mpmath.mpf(10) ** -150


def test_richardson_removes_the_truncation_a_central_difference_keeps() -> None:
    # f = sin(1000t): f‴ = 1e9, so with h = 1e-4 the central difference is off by ~h²f‴/6.
    with mpmath.workdps(50):
        f = lambda t: mpmath.sin(1000 * (t + mpmath.mpf("0.3")))  # noqa: E731
        exact = 1000 * mpmath.cos(300)
        h = mpmath.mpf("1e-4")
        assert abs(central(f, h) - exact) > mpmath.mpf("1e-3")
        assert abs(richardson(f, mpmath.mpf("1e-6")) - exact) < mpmath.mpf("1e-12") * 1000


def test_a_quotient_that_does_not_settle_is_not_trusted() -> None:
    # A period of 2π·1e-30 sampled with steps of 1e-18: nothing measured, so nothing claimed.
    with mpmath.workdps(50), pytest.raises(NotConvergedError):
        richardson(lambda t: mpmath.sin(mpmath.mpf(10) ** 30 * t), step())
