"""The table of known functions: each canonical name the reader produces → its sympy constructor.

The machine-learning functions are sympy ``Function`` classes of our own, defined in
``activations`` (σ, relu, softplus, silu, gelu, mish, ...) and ``rectifiers`` (leaky_relu, elu,
selu, hardtanh); each ``fdiff`` returns the derivative in the form ML people write it, so a
derivation shows σ′(a) = σ(a)(1 − σ(a)) rather than an exponential soup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from chainrule.calculus.activations import (
    gelu,
    gelu_tanh,
    logsigmoid,
    mish,
    normal_cdf,
    normal_pdf,
    relu,
    sigmoid,
    silu,
    softplus,
    softsign,
)
from chainrule.calculus.rectifiers import elu, hardtanh, leaky_relu, selu

__all__ = [
    "FUNCTIONS",
    "elu",
    "gelu",
    "gelu_tanh",
    "hardtanh",
    "leaky_relu",
    "logsigmoid",
    "mish",
    "normal_cdf",
    "normal_pdf",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softplus",
    "softsign",
]


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
    "acoth": sympy.acoth,
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
    "silu": silu,
    "gelu": gelu,
    "gelu_tanh": gelu_tanh,
    "mish": mish,
    "elu": elu,
    "selu": selu,
    "leaky_relu": leaky_relu,
    "softsign": softsign,
    "logsigmoid": logsigmoid,
    "hardtanh": hardtanh,
}
