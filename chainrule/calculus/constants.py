"""Constants too large to evaluate become opaque atoms (``model.Constant``) before sympy
evaluates them.

sympy builds ``cos(c)`` by asking for c's sign modulo π, which for ``c = e^(e^(e^e))`` means
evaluating c to its 1.6 million digits before the point; ``7**e^(e^(e^(10e)))`` has more digits
than memory.  A constant's derivative is 0 whatever its value, so a derivation never needs it:
``opaque`` estimates, cheaply and in logarithms, how many digits a constant has, and hands
anything past ``HUGE_DIGITS`` to a function or a power as an atom instead.

>>> import sympy
>>> tower = sympy.exp(sympy.exp(sympy.exp(sympy.E)))
>>> 1.6e6 < digits(tower) < 1.7e6  # it has 1,651,010
True
>>> opaque(sympy.cos, [tower])
cos(exp(exp(exp(E))))
>>> type(_).__name__, opaque(sympy.cos, [sympy.Integer(2)])
('Constant', cos(2))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import sympy

from chainrule.model import Constant

# A function or power of a constant with more digits than this is not evaluated: sympy's
# evaluation of it costs time or memory that grows with its digits.
HUGE_DIGITS = 100.0

# Functions whose value is bounded whatever the argument (their digits are 0 or less).
_BOUNDED = (
    sympy.sin,
    sympy.cos,
    sympy.tanh,
    sympy.atan,
    sympy.acot,
    sympy.erf,
    sympy.sign,
    sympy.Heaviside,
)


def digits(expr: sympy.Expr) -> float:
    """An upper estimate of log10|expr| for a constant, without evaluating anything large.

    Args:
        expr: an expression free of variables.

    Returns:
        About how many digits it has before the point (negative for small numbers);
        ``math.inf`` when it is too large, or too unusual, to tell cheaply.
    """
    done: dict[int, float] = {}
    stack: list[tuple[sympy.Expr, bool]] = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if id(e) in done:
            continue
        if e.args and not ready:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args)
            continue
        done[id(e)] = _digits_of(e, [done[id(a)] for a in e.args])
    return done[id(expr)]


def _digits_of(e: sympy.Expr, args: list[float]) -> float:
    if isinstance(e, Constant):
        return math.inf
    if e.is_Integer:
        return (abs(int(e)).bit_length() - 1) * math.log10(2) if e else -math.inf
    if e.is_Rational:
        return _digits_of(sympy.Integer(e.p), []) - _digits_of(sympy.Integer(e.q), [])
    if e.is_Atom:  # a float, π, e, i, ∞: by its magnitude
        try:
            magnitude = float(abs(e))
        except (TypeError, ValueError):
            return math.inf
        return math.log10(magnitude) if magnitude else -math.inf
    if e.is_Add:
        return max(args) + math.log10(len(args))
    if e.is_Mul:
        return sum(args)
    if e.is_Pow:
        return _power_digits(e.base, e.exp, args[0])
    if isinstance(e, sympy.exp):
        return _value(e.args[0], args[0]) * math.log10(math.e)
    if isinstance(e, _BOUNDED):
        return 0.0 if max(args, default=0.0) <= HUGE_DIGITS else math.inf
    if isinstance(e, sympy.log):
        return math.log10(max(args[0], 1.0) * math.log(10) + 1.0)
    if isinstance(e, sympy.factorial | sympy.gamma):
        n = _value(e.args[0], args[0])
        return n * math.log10(n) if n > 1 else 0.0
    return max(args, default=math.inf)


def _power_digits(base: sympy.Expr, exponent: sympy.Expr, base_digits: float) -> float:
    if base_digits == 0.0 or abs(base_digits) == math.inf:
        return base_digits
    return _value(exponent, digits(exponent)) * base_digits


def _value(expr: sympy.Expr, expr_digits: float) -> float:
    """expr as a float when it has few digits; ±inf when it has too many to need it."""
    if expr_digits > 15:
        # Its sign is not asked for: sympy would evaluate it to all its digits to tell.  A huge
        # negative exponent then counts as huge too, which only makes a tiny constant opaque.
        return math.inf
    try:
        value = complex(expr.evalf(17))
    except (TypeError, ValueError, OverflowError):
        return math.inf
    # A complex exponent: |b^(s + it)| = |b|^s, so |s + it| bounds it from above.
    return value.real if not value.imag else abs(value)


def opaque(
    build: Callable[..., sympy.Expr], args: Sequence[sympy.Expr], **kwargs: object
) -> sympy.Expr:
    """``build(*args)``, or the same held as a ``Constant`` when it is a constant with too many
    digits to evaluate (or its arguments are).

    Args:
        build: a function class or constructor (``sympy.cos``, ``sympy.Pow``).
        args: its arguments, evaluated.
        **kwargs: passed to ``build``.

    Returns:
        The built expression, or an opaque ``Constant`` showing it unevaluated.
    """
    if any(a.free_symbols or a.has(sympy.zoo, sympy.nan) for a in args):
        return build(*args, **kwargs)  # undefined stays visible, to be refused as such
    shown = [a.shown if isinstance(a, Constant) else a for a in args]
    try:
        unevaluated = build(*shown, evaluate=False, **kwargs)
    except TypeError:  # a helper (cbrt, log to a base) rather than a class: shown by its name
        if not any(digits(a) > HUGE_DIGITS for a in args):
            return build(*args, **kwargs)
        name = getattr(build, "__name__", "f").lstrip("_")
        return Constant(sympy.Function(name)(*shown))
    # Estimated before anything is evaluated: 500! or e^300 is built only when small.  A huge
    # value is opaque too (the check could not take a difference beside it), and prints as
    # typed rather than as a thousand digits.
    if digits(unevaluated) > HUGE_DIGITS:
        return Constant(unevaluated)
    return build(*args, **kwargs)
