"""Evaluate shallow sympy expressions at a point with mpmath, without sympy's recursion.

Used to cross-check every derivation before it is printed (``verify``), and by anything that
needs the value of a factor at a point.  The walk is iterative; anything outside the table
falls back to sympy's own ``evalf`` on that one subexpression.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import sympy

from chainrule.calculus.activations import GELU_TANH_CUBIC
from chainrule.calculus.functions import (
    elu,
    gelu,
    gelu_tanh,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    normal_cdf,
    normal_pdf,
    relu,
    selu,
    sigmoid,
    silu,
    softplus,
    softsign,
)
from chainrule.calculus.rectifiers import SELU_ALPHA, SELU_SCALE
from chainrule.model import Constant

_HUGE = mpmath.mpf(10) ** 200
_HUGE_BITS = 664  # 2^664 < 10^200


class UndefinedError(ArithmeticError):
    """The expression has no real value at this point (log of a negative, division by 0, ...)."""


def _sigmoid(a: Any) -> Any:
    return 1 / (1 + mpmath.exp(-a))


def _softplus(a: Any) -> Any:
    return mpmath.log1p(mpmath.exp(a))


def _gelu_tanh(a: Any) -> Any:
    inner = mpmath.sqrt(2 / mpmath.pi) * (a + mpmath.mpf(GELU_TANH_CUBIC) * a**3)
    return a * (1 + mpmath.tanh(inner)) / 2


# The parameters' defaults are PyTorch's; each is made at the working precision when needed.
def _leaky_relu(a: Any, slope: Any = None) -> Any:
    return a if a > 0 else (mpmath.mpf(1) / 100 if slope is None else slope) * a


def _elu(a: Any, alpha: Any = 1) -> Any:
    return a if a > 0 else alpha * mpmath.expm1(a)


def _hardtanh(a: Any, low: Any = -1, high: Any = 1) -> Any:
    return min(max(a, mpmath.mpf(low)), mpmath.mpf(high))


def _heaviside(a: Any, h0: Any = None) -> Any:
    if a == 0:
        return mpmath.mpf(h0) if h0 is not None else mpmath.mpf(0.5)
    return mpmath.mpf(1) if a > 0 else mpmath.mpf(0)


def _sign(a: Any) -> Any:
    return mpmath.mpf((a > 0) - (a < 0))


_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sympy.sin: mpmath.sin,
    sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan,
    sympy.sec: mpmath.sec,
    sympy.csc: mpmath.csc,
    sympy.cot: mpmath.cot,
    sympy.asin: mpmath.asin,
    sympy.acos: mpmath.acos,
    sympy.atan: mpmath.atan,
    sympy.asec: mpmath.asec,
    sympy.acsc: mpmath.acsc,
    sympy.acot: mpmath.acot,
    sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh,
    sympy.tanh: mpmath.tanh,
    sympy.sech: mpmath.sech,
    sympy.csch: mpmath.csch,
    sympy.coth: mpmath.coth,
    sympy.asinh: mpmath.asinh,
    sympy.acosh: mpmath.acosh,
    sympy.atanh: mpmath.atanh,
    sympy.acoth: mpmath.acoth,
    sympy.exp: mpmath.exp,
    sympy.log: mpmath.log,
    sympy.Abs: abs,
    sympy.sign: _sign,
    sympy.Heaviside: _heaviside,
    sympy.erf: mpmath.erf,
    sympy.gamma: mpmath.gamma,
    sympy.factorial: mpmath.factorial,
    sympy.Max: max,
    sympy.Min: min,
    sigmoid: _sigmoid,
    relu: lambda a: max(a, mpmath.mpf(0)),
    softplus: _softplus,
    silu: lambda a: a * _sigmoid(a),
    gelu: lambda a: a * mpmath.ncdf(a),
    gelu_tanh: _gelu_tanh,
    normal_cdf: mpmath.ncdf,
    normal_pdf: mpmath.npdf,
    mish: lambda a: a * mpmath.tanh(_softplus(a)),
    softsign: lambda a: a / (1 + abs(a)),
    logsigmoid: lambda a: -mpmath.log1p(mpmath.exp(-a)),
    leaky_relu: _leaky_relu,
    elu: _elu,
    selu: lambda a: mpmath.mpf(SELU_SCALE) * _elu(a, mpmath.mpf(SELU_ALPHA)),
    hardtanh: _hardtanh,
}


def evaluate(expr: sympy.Expr, env: Mapping[sympy.Symbol, Any]) -> Any:
    """The real value of ``expr`` with each symbol replaced by its value in ``env``.

    Args:
        expr: a sympy expression (any depth; the walk is iterative).
        env: symbol → mpmath number.

    Returns:
        An ``mpmath.mpf`` at the current ``mpmath.mp.dps`` precision.

    Raises:
        UndefinedError: no real value here (complex, infinite, a pole, an unknown symbol).
    """
    if expr.args and all(a.is_Symbol for a in expr.args) and not isinstance(expr, sympy.Piecewise):
        # A node's usual definition, a function of symbols (sin(u), u·v, u + v): no walk.
        return _real(_apply(expr, [_symbol_value(a, env) for a in expr.args], env))
    values: dict[int, Any] = {}
    stack: list[tuple[sympy.Expr, bool]] = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if id(e) in values:
            continue
        if e.is_Symbol:  # a leaf, as ``_apply`` would take it, without its dispatch
            values[id(e)] = _symbol_value(e, env)
            continue
        if isinstance(e, sympy.Piecewise):
            # Only the branch that applies is evaluated: the others may be undefined here.
            values[id(e)] = _real(_piecewise(e, env))
            continue
        if not ready and e.args and not e.is_Number:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args)
            continue
        values[id(e)] = _real(_apply(e, [values[id(a)] for a in e.args], env))
    return values[id(expr)]


def _symbol_value(e: sympy.Symbol, env: Mapping[sympy.Symbol, Any]) -> Any:
    if e not in env:
        raise UndefinedError(f"no value for {e}")
    return _real(env[e])


_COMPARISONS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _piecewise(e: sympy.Piecewise, env: Mapping[sympy.Symbol, Any]) -> Any:
    for branch, condition in e.args:
        if _truth(condition, env):
            return evaluate(branch, env)
    raise UndefinedError("no branch of the piecewise expression applies")


def _truth(condition: Any, env: Mapping[sympy.Symbol, Any]) -> bool:
    """The truth of a Piecewise condition at this point (comparisons and and/or/not)."""
    if condition is sympy.true or condition is sympy.false:
        return bool(condition)
    if isinstance(condition, sympy.core.relational.Relational):
        compare = _COMPARISONS.get(condition.rel_op)
        if compare is not None:
            return bool(compare(evaluate(condition.lhs, env), evaluate(condition.rhs, env)))
    if isinstance(condition, sympy.And):
        return all(_truth(c, env) for c in condition.args)
    if isinstance(condition, sympy.Or):
        return any(_truth(c, env) for c in condition.args)
    if isinstance(condition, sympy.Not):
        return not _truth(condition.args[0], env)
    raise UndefinedError(f"cannot decide {type(condition).__name__}")


def stand_in(constant: Constant) -> Any:
    """The value the check gives an opaque constant: any value will do, because the derivation
    holds for every value of it, so long as every occurrence gets the same one.

    Args:
        constant: the atom.

    Returns:
        A number in [0.5, 1.5), the same for the same constant in every run.
    """
    code = zlib.crc32(str(constant.shown).encode("utf-8", "surrogatepass"))
    return mpmath.mpf(1) / 2 + mpmath.mpf(code % 1000) / 1000


def _apply(e: sympy.Expr, args: list[Any], env: Mapping[sympy.Symbol, Any]) -> Any:
    try:
        fn = _FUNCTIONS.get(type(e))  # the commonest case first: sin, σ, exp …
        if fn is not None:
            return fn(*args)
        if isinstance(e, Constant):
            return stand_in(e)
        if e.is_Symbol:
            if e not in env:
                raise UndefinedError(f"no value for {e}")
            return env[e]
        if e.is_Number or e.is_NumberSymbol:
            if e.is_Pow or not e.is_finite:
                raise UndefinedError(str(e))
            return (
                mpmath.mpf(sympy.Float(e, mpmath.mp.dps))
                if not e.is_Integer
                else mpmath.mpf(int(e))
            )
        if e.is_Add:
            # Two terms: one rounding either way, without fsum's general machinery.
            return args[0] + args[1] if len(args) == 2 else mpmath.fsum(args)
        if e.is_Mul:
            return args[0] * args[1] if len(args) == 2 else mpmath.fprod(args)
        if e.is_Pow:
            base, exponent = args
            if base == 0 and exponent < 0:
                raise UndefinedError("division by zero")
            return mpmath.power(base, exponent)
        return _fallback(e, env)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise UndefinedError(str(exc)) from exc


def _fallback(e: sympy.Expr, env: Mapping[sympy.Symbol, Any]) -> Any:
    """sympy's evalf for one subexpression outside the table (shallow by construction)."""
    subs = {s: sympy.Float(str(env[s]), mpmath.mp.dps) for s in e.free_symbols if s in env}
    if len(subs) != len(e.free_symbols):
        raise UndefinedError(f"cannot evaluate {type(e).__name__}")
    value = e.xreplace(subs)
    value = value.evalf(mpmath.mp.dps) if isinstance(value, sympy.Expr) else value
    if not getattr(value, "is_Number", False):
        raise UndefinedError(f"cannot evaluate {type(e).__name__}")
    return mpmath.mpmathify(str(value)) if not value.is_real else mpmath.mpf(str(value))


def _real(value: Any) -> Any:
    if type(value) is mpmath.mpf:
        # The usual case, decided from its raw (sign, mantissa, exponent, bits): a nonzero
        # finite value below 2^664 < 10^200, or zero (inf and nan have a zero mantissa and a
        # nonzero exponent).  Anything else takes the full checks below.
        _, mantissa, exponent, bits = value._mpf_
        if (exponent + bits <= _HUGE_BITS) if mantissa else not exponent:
            return value
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-mpmath.mp.dps // 2) * max(1, abs(value.real)):
            raise UndefinedError("complex value")
        value = value.real
    if not isinstance(value, mpmath.mpf):
        value = mpmath.mpf(value)
    if not mpmath.isfinite(value):
        raise UndefinedError("not finite")
    if abs(value) > _HUGE:
        # Values like (2x)^(π^(2π³)) ≈ 10^(10^30) are finite to mpmath but no finite difference
        # can be taken there: treated like a pole, so the check samples elsewhere.
        raise UndefinedError("too large to compare")
    return value
