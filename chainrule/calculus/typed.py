"""Expressions as the user typed them, beside the evaluated ones sympy's maths uses.

sympy evaluates as it builds: ``w1*x + b1`` is stored as ``b1 + w1*x``, ``|x|**3`` becomes
``x**2*|x|``, ``x - x`` becomes 0.  A derivation that starts from that is not the one the user
asked for, so ``decompose`` builds every definition twice: typed (sums and products as
``model.TypedAdd`` and ``model.TypedMul``, quotients and powers unevaluated, in the order
written), which is what every format shows, and evaluated, which the engine differentiates.
Constants are evaluated in both (``2*3`` is 6), except powers and factorials too large to write.

>>> import sympy
>>> w1, x, b1 = sympy.symbols("w1 x b1")
>>> typed_add([typed_mul([w1, x]), b1]).args
(w1*x, b1)
>>> write_out(typed_pow(sympy.Symbol("u"), 3), {sympy.Symbol("u"): sympy.Abs(x)})
Abs(x)**3
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet

import sympy

from chainrule.calculus.constants import HUGE_DIGITS, digits, opaque
from chainrule.model import Constant, TypedAdd, TypedMul, is_negative_number

MAX_EXACT_DIGITS = 10_000  # a constant power or factorial larger than this stays unevaluated


def typed_add(terms: Sequence[sympy.Expr]) -> sympy.Expr:
    """A sum in the order typed, typed sums among the terms spliced in (the parser nests
    ``a + b - c`` as ``(a + b) - c``): a ``TypedAdd``, or the one term itself.

    Args:
        terms: the terms, typed.

    Returns:
        The sum.
    """
    return _spliced(TypedAdd, terms)


def typed_mul(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """A product in the order typed, like ``typed_add``.

    Args:
        factors: the factors, typed.

    Returns:
        The product.
    """
    return _spliced(TypedMul, factors)


def _spliced(cls: type[TypedAdd] | type[TypedMul], items: Sequence[sympy.Expr]) -> sympy.Expr:
    inner = sympy.Mul if cls is TypedMul else cls
    flat = [a for item in items for a in (item.args if isinstance(item, inner) else (item,))]
    if cls is TypedMul:
        # Its sign as one −1 in front, where the printers look for it: (−x)·2 is −1·x·2
        # (−2x, never 2−x), and −(−x) is x.
        negative = sum(1 for a in flat if is_negative_number(a)) % 2 == 1
        flat = [-a if is_negative_number(a) else a for a in flat]
        flat = [sympy.S.NegativeOne] * negative + [a for a in flat if a is not sympy.S.One]
    if not flat:
        return sympy.S.One
    return flat[0] if len(flat) == 1 else cls(*flat, evaluate=False)


def typed_neg(arg: sympy.Expr) -> sympy.Expr:
    """−arg as typed: a number or a symbol negated as usual, anything else as −1·(arg).

    Args:
        arg: the negated expression, typed.

    Returns:
        The negation.
    """
    if arg.is_Atom:
        return -arg
    return typed_mul([sympy.S.NegativeOne, arg])


def typed_div(numerator: sympy.Expr, denominator: sympy.Expr) -> sympy.Expr:
    """numerator/denominator as typed: a product with the reciprocal, unevaluated.

    Args:
        numerator: typed.
        denominator: typed.

    Returns:
        ``1/d`` as ``d**-1`` when the numerator is 1, else ``n·d**-1``.
    """
    reciprocal = sympy.Pow(denominator, -1, evaluate=False)
    if numerator == 1:
        return reciprocal
    return TypedMul(numerator, reciprocal, evaluate=False)


def typed_pow(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base^exponent, unevaluated (``|x|³`` stays ``|x|³``).

    Args:
        base: typed.
        exponent: typed.

    Returns:
        The power.
    """
    return sympy.Pow(base, exponent, evaluate=False)


def write_out(
    expr: sympy.Expr,
    mapping: Mapping[sympy.Expr, sympy.Expr],
    rebuild: AbstractSet[sympy.Expr] = frozenset(),
) -> sympy.Expr:
    """``expr`` with each key of ``mapping`` replaced, everything rebuilt unevaluated.

    ``xreplace`` would evaluate each rebuilt parent (``u**3`` with u = |x| gives ``x**2*|x|``);
    this keeps typed forms typed.  The walk is iterative.

    Args:
        expr: a typed expression.
        mapping: subexpression (usually a symbol) → its replacement.
        rebuild: symbols kept as they are whose every enclosing expression is rebuilt all the
            same, as if they had been replaced (a rebuilt sum or product splices the sums and
            products among its terms, as it was typed: ``typed_add``).

    Returns:
        The rebuilt expression (``expr`` itself when nothing was replaced).
    """
    return replaced(expr, mapping, _rebuild, rebuild=rebuild)


def replaced(
    expr: sympy.Expr,
    mapping: Mapping[sympy.Expr, sympy.Expr],
    build: Callable[[sympy.Expr, list[sympy.Expr]], sympy.Expr],
    *,
    rebuild: AbstractSet[sympy.Expr] = frozenset(),
    every: bool = False,
) -> sympy.Expr:
    """``expr`` with each key of ``mapping`` replaced, each parent of a replacement rebuilt with
    ``build(parent, new_args)``: the one iterative walk behind ``write_out`` (unevaluated) and
    ``written.substitute`` (evaluated).

    Args:
        expr: any expression (the replacements may be deep: no recursion).
        mapping: subexpression → its replacement.
        build: how a parent is rebuilt from its new arguments.
        rebuild: atoms kept whose every enclosing expression is rebuilt all the same.
        every: rebuild every expression, replaced or not.

    Returns:
        The rebuilt expression (``expr`` itself when nothing was replaced or forced).
    """
    done: dict[int, sympy.Expr] = {}
    forced: set[int] = set()  # ids of the expressions that hold an atom of ``rebuild``
    stack: list[tuple[sympy.Expr, bool]] = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if id(e) in done:
            continue
        if e in mapping:
            done[id(e)] = mapping[e]
            continue
        if not e.args:
            done[id(e)] = e
            if e in rebuild:
                forced.add(id(e))
            continue
        if not ready:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args)
            continue
        args = [done[id(a)] for a in e.args]
        if forced and any(id(a) in forced for a in e.args):
            forced.add(id(e))
        elif not every and all(new is old for new, old in zip(args, e.args, strict=True)):
            done[id(e)] = e
            continue
        done[id(e)] = build(e, args)
    return done[id(expr)]


def _rebuild(e: sympy.Expr, args: list[sympy.Expr]) -> sympy.Expr:
    if isinstance(e, TypedAdd):
        return typed_add(args)
    if isinstance(e, TypedMul):
        return typed_mul(args)
    if isinstance(e, sympy.Add | sympy.Mul | sympy.Pow | sympy.Function):
        try:
            return e.func(*args, evaluate=False)
        except TypeError:  # a class whose constructor takes no ``evaluate``
            pass
    return e.func(*args)


def power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base**exponent evaluated, but left unevaluated when that would make a gigantic number.

    Args:
        base: evaluated.
        exponent: evaluated.

    Returns:
        The power.
    """
    if (
        (base.is_Number and exponent.is_Number and not _small_power(base, exponent))
        or ((base.is_Number or base.is_Pow) and exponent.is_Pow and not exponent.free_symbols)
        or (base.is_Pow and base.args[0].is_Number and not base.free_symbols and exponent.is_Number)
    ):
        # Kept as typed; past HUGE_DIGITS an opaque constant, which the check can stand in for.
        held = sympy.Pow(base, exponent, evaluate=False)
        return Constant(held) if digits(held) > HUGE_DIGITS else held
    return opaque(sympy.Pow, [base, exponent])


def _small_power(base: sympy.Expr, exponent: sympy.Expr) -> bool:
    if not exponent.is_Rational or base.is_Float:
        return bool(abs(exponent) < 1000)
    try:
        magnitude = abs(float(base))
    except (OverflowError, TypeError):
        return False
    if magnitude in (0.0, 1.0):
        return True
    digits = abs(float(exponent)) * abs(math.log10(magnitude)) if magnitude else 0
    return digits < MAX_EXACT_DIGITS
