"""Machine-learning functions as sympy ``Function`` classes, and the table of known functions.

Each ``fdiff`` returns the derivative in the form ML people write it, so a derivation shows
σ′(a) = σ(a)(1 − σ(a)) rather than an exponential soup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy
from sympy.core.function import ArgumentIndexError


class sigmoid(sympy.Function):  # noqa: N801 - named as users write it
    """The logistic function σ(a) = 1 / (1 + e^(−a)); σ′(a) = σ(a)(1 − σ(a))."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_zero:
            return sympy.Rational(1, 2)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_evalf(self, prec: int) -> Any:
        return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


class relu(sympy.Function):  # noqa: N801
    """The rectifier relu(a) = max(0, a); relu′(a) = H(a), the Heaviside step."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_number and arg.is_extended_real:
            return sympy.Max(0, arg)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sympy.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(  # noqa: N802 - sympy hook name
        self, arg: Any, **kwargs: Any
    ) -> Any:
        return sympy.Max(0, arg)

    def _eval_rewrite_as_Piecewise(  # noqa: N802 - sympy hook name
        self, arg: Any, **kwargs: Any
    ) -> Any:
        return sympy.Piecewise((0, arg < 0), (arg, True))

    def _eval_evalf(self, prec: int) -> Any:
        return sympy.Max(0, self.args[0])._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> Any:
        return self.args[0].is_real


class softplus(sympy.Function):  # noqa: N801
    """softplus(a) = ln(1 + e^a); softplus′(a) = σ(a)."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_zero:
            return sympy.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, arg: Any, **kwargs: Any) -> Any:
        return sympy.log(1 + sympy.exp(arg))

    def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
        return sympy.log(1 + sympy.exp(arg))

    def _eval_evalf(self, prec: int) -> Any:
        return sympy.log(1 + sympy.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


def _cbrt(arg: Any) -> Any:
    return sympy.Pow(arg, sympy.Rational(1, 3))


def _log(arg: Any, base: Any = None) -> Any:
    # log(x, b) = ln x / ln b; sympy.log(x, b) returns exactly that quotient.
    return sympy.log(arg) if base is None else sympy.log(arg, base)


# Canonical function name (a key of ``model.FUNCTION_ARITIES``) → its sympy constructor.
# The reader maps every spelling users type (ln, arcsin, σ, \sin, ...) onto these names.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "asec": sympy.asec,
    "acsc": sympy.acsc,
    "acot": sympy.acot,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "sech": sympy.sech,
    "csch": sympy.csch,
    "coth": sympy.coth,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "exp": sympy.exp,
    "log": _log,
    "sqrt": sympy.sqrt,
    "cbrt": _cbrt,
    "Abs": sympy.Abs,
    "sign": sympy.sign,
    "Heaviside": sympy.Heaviside,
    "Max": sympy.Max,
    "Min": sympy.Min,
    "factorial": sympy.factorial,
    "gamma": sympy.gamma,
    "erf": sympy.erf,
    "sigmoid": sigmoid,
    "relu": relu,
    "softplus": softplus,
}
