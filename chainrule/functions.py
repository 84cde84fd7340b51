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


ML_FUNCTIONS: tuple[type[sympy.Function], ...] = (sigmoid, relu, softplus)


def _cbrt(arg: Any) -> Any:
    return sympy.Pow(arg, sympy.Rational(1, 3))


def _log(arg: Any, base: Any = None) -> Any:
    # log(x, b) = ln x / ln b; sympy.log(x, b) returns exactly that quotient.
    return sympy.log(arg) if base is None else sympy.log(arg, base)


# Canonical function name → (constructor, allowed argument counts).
# The parser maps every spelling users type (ln, arcsin, σ, \sin, ...) onto these names.
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "sin": (sympy.sin, (1,)),
    "cos": (sympy.cos, (1,)),
    "tan": (sympy.tan, (1,)),
    "sec": (sympy.sec, (1,)),
    "csc": (sympy.csc, (1,)),
    "cot": (sympy.cot, (1,)),
    "asin": (sympy.asin, (1,)),
    "acos": (sympy.acos, (1,)),
    "atan": (sympy.atan, (1,)),
    "asec": (sympy.asec, (1,)),
    "acsc": (sympy.acsc, (1,)),
    "acot": (sympy.acot, (1,)),
    "sinh": (sympy.sinh, (1,)),
    "cosh": (sympy.cosh, (1,)),
    "tanh": (sympy.tanh, (1,)),
    "sech": (sympy.sech, (1,)),
    "csch": (sympy.csch, (1,)),
    "coth": (sympy.coth, (1,)),
    "asinh": (sympy.asinh, (1,)),
    "acosh": (sympy.acosh, (1,)),
    "atanh": (sympy.atanh, (1,)),
    "exp": (sympy.exp, (1,)),
    "log": (_log, (1, 2)),
    "sqrt": (sympy.sqrt, (1,)),
    "cbrt": (_cbrt, (1,)),
    "Abs": (sympy.Abs, (1,)),
    "sign": (sympy.sign, (1,)),
    "Heaviside": (sympy.Heaviside, (1,)),
    "Max": (sympy.Max, (2, 3, 4, 5, 6, 7, 8)),
    "Min": (sympy.Min, (2, 3, 4, 5, 6, 7, 8)),
    "factorial": (sympy.factorial, (1,)),
    "gamma": (sympy.gamma, (1,)),
    "erf": (sympy.erf, (1,)),
    "sigmoid": (sigmoid, (1,)),
    "relu": (relu, (1,)),
    "softplus": (softplus, (1,)),
}
