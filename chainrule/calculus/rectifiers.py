"""The piecewise activations, with PyTorch's optional parameters: leaky_relu, elu, selu, hardtanh.

Each derivative is a case analysis, as ML texts write it: leaky_relu′(x) is 1 for x > 0 and
the slope otherwise.  At a kink the derivative does not exist; the case that covers it is the
value PyTorch's autograd returns there (a one-sided derivative, as relu′(0) = H(0) is a
convention).  Leaving the kink undefined instead would lose every derivative of a composition
whose inner function is flat on the kink: leaky_relu(relu(x)) is 0 for all x < 0, with
derivative 0 there, which the chain rule writes as leaky_relu′(0)·relu′(x) = slope·0.

>>> x = sympy.Symbol("x", real=True)
>>> sympy.diff(leaky_relu(x), x)
Piecewise((1, x > 0), (1/100, True))
>>> hardtanh(x, -1, 1), hardtanh(sympy.Rational(3, 2)), elu(-2, 1)
(hardtanh(x), 1, -1 + exp(-2))
"""

from __future__ import annotations

from typing import Any

import sympy

from chainrule.calculus.activations import ActivationBase

# PyTorch's SELU constants (torch.nn.functional.selu), to the digits its documentation gives.
SELU_ALPHA = sympy.Float("1.6732632423543772848170429916717", 60)
SELU_SCALE = sympy.Float("1.0507009873554804934193349852946", 60)


def _sign(x: Any) -> int | None:
    """The sign of a plain number (1, 0, −1); None for anything symbolic or not comparable."""
    if not (x.is_Rational or x.is_Float):
        return None
    return int(bool(x > 0)) - int(bool(x < 0))


def _cases(inside: Any, inside_when: Any, otherwise: Any) -> Any:
    return sympy.Piecewise((inside, inside_when), (otherwise, True))


class leaky_relu(ActivationBase):  # noqa: N801 - named as users write it
    """leaky_relu(x, slope = 0.01) = x for x > 0, slope·x otherwise; its derivative is 1 for
    x > 0, the slope otherwise."""

    nargs = (1, 2)
    defaults = (sympy.Rational(1, 100),)
    rewrites = (sympy.Piecewise,)

    @classmethod
    def _at(cls, x: Any, slope: Any) -> Any:
        sign = _sign(x)
        return None if sign is None else (x if sign > 0 else slope * x)

    @classmethod
    def definition(cls, x: Any, slope: Any) -> Any:
        return sympy.Piecewise((x, x > 0), (slope * x, True))

    def derivative(self) -> Any:
        x, slope = self.full_args
        return _cases(1, x > 0, slope)  # autograd: slope at 0


class elu(ActivationBase):  # noqa: N801
    """elu(x, α = 1) = x for x > 0, α(eˣ − 1) otherwise; elu′(x) = 1, or elu(x) + α (= αeˣ)."""

    nargs = (1, 2)
    defaults = (sympy.S.One,)
    rewrites = (sympy.Piecewise,)

    @classmethod
    def _at(cls, x: Any, alpha: Any) -> Any:
        sign = _sign(x)
        return None if sign is None else (x if sign > 0 else alpha * (sympy.exp(x) - 1))

    @classmethod
    def definition(cls, x: Any, alpha: Any) -> Any:
        return sympy.Piecewise((x, x > 0), (alpha * (sympy.exp(x) - 1), True))

    def derivative(self) -> Any:
        x, alpha = self.full_args
        return _cases(1, x > 0, self + alpha)  # autograd: α at 0


class selu(ActivationBase):  # noqa: N801
    """selu(x) = λ·elu(x, α) with PyTorch's λ ≈ 1.0507 and α ≈ 1.6733; selu′(x) = λ, or
    selu(x) + λα."""

    nargs = 1
    rewrites = (sympy.Piecewise,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        value = elu._at(x, SELU_ALPHA)
        return None if value is None else SELU_SCALE * value

    @classmethod
    def definition(cls, x: Any) -> Any:
        return SELU_SCALE * elu.definition(x, SELU_ALPHA)

    def derivative(self) -> Any:
        x = self.args[0]
        return _cases(SELU_SCALE, x > 0, self + SELU_SCALE * SELU_ALPHA)


class hardtanh(ActivationBase):  # noqa: N801
    """hardtanh(x, low = −1, high = 1) clamps x to [low, high]; its derivative is 1 inside
    the band, 0 outside and on its edges."""

    nargs = (1, 2, 3)
    defaults = (sympy.S.NegativeOne, sympy.S.One)
    rewrites = (sympy.Min, sympy.Max)

    @classmethod
    def _at(cls, x: Any, low: Any, high: Any) -> Any:
        if None in (_sign(x), _sign(low), _sign(high)):
            return None
        return sympy.Min(sympy.Max(x, low), high)

    @classmethod
    def definition(cls, x: Any, low: Any, high: Any) -> Any:
        # torch.clamp's order: with low > high every value is high.
        return sympy.Min(sympy.Max(x, low), high)

    def derivative(self) -> Any:
        x, low, high = self.full_args
        return _cases(1, (x > low) & (x < high), 0)  # autograd: 0 on the edges

    def fdiff(self, argindex: int = 1) -> Any:
        # The bounds' partials take the edges the x-derivative leaves out, so that the three
        # always sum to 1 (hardtanh(x + t, low + t, high + t) = hardtanh(x, low, high) + t):
        # then hardtanh(y, y, z), where x sits on an edge for every y, still derives to 1.
        if argindex not in (2, 3) or argindex > len(self.args):
            return super().fdiff(argindex)
        x, low, high = self.full_args
        if argindex == 2:
            return _cases(1, (x <= low) & (low < high), 0)
        return _cases(1, (x >= high) | (low >= high), 0)
