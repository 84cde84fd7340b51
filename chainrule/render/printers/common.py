"""What the expression printers share: product splitting, factor and term order, and the
switch that lets ``str`` write long exact integers.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> split_mul(-3 * sympy.cos(x) / (2 * x))
(True, [3, cos(x)], [2, x])
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.printer import Printer

from chainrule.model import TypedAdd, TypedMul, is_negative_number


def _rank(factor: Any) -> int:
    """Where a factor goes in a product: number, constant, symbol/power, call, bracketed sum."""
    if factor.is_Number:
        return 0
    if factor.is_NumberSymbol or factor is sympy.I:
        return 1
    if factor.is_Symbol:
        return 2
    if factor.is_Pow:
        base = factor.base
        if base.is_Add:
            return 4
        if base.is_Number or base.is_NumberSymbol:
            return 1  # √2, πˣ: constants, written first
        if factor.exp == sympy.S.Half and not base.is_Symbol:
            return 3  # √(…) reads like a call
        return 2 if base.is_Symbol else 3
    if factor.is_Add:
        return 4
    return 3


def minus_sign(expr: Any) -> bool:
    """``expr.could_extract_minus_sign()``, read off a product's leading number.

    sympy's asks first whether the product equals its own negation, building that negation
    (a new product, its assumptions worked out afresh): for the 9,000 factors of a long
    sum's derivation that was a third of the time its text took to print.

    Args:
        expr: any sympy expression.

    Returns:
        Whether a printer shows it as a minus sign and the negation.
    """
    if isinstance(expr, sympy.Mul):
        first = expr.args[0]
        if not first.is_Number:
            return False
        if first.is_Rational:
            return bool(first.p < 0)
    return bool(expr.could_extract_minus_sign())


def negated(expr: Any) -> Any:
    """``-expr``, built directly for a product led by a negative rational (−3·x·y is 3·x·y):
    sympy's negation asks the number its sign through the assumptions again.

    Args:
        expr: any sympy expression.

    Returns:
        The same expression as ``-expr``.
    """
    if type(expr) is sympy.Mul and expr.args[0].is_Rational and expr.args[0].p < 0:
        first, rest = expr.args[0], expr.args[1:]
        args = rest if first is sympy.S.NegativeOne else (-first, *rest)
        return sympy.Mul._from_args(args, expr.is_commutative)
    return -expr


def split_mul(expr: Any) -> tuple[bool, list[Any], list[Any]]:
    """A product as (negative, numerator factors, denominator factors), each in print order.

    Args:
        expr: a sympy expression, usually a ``Mul`` or a ``Pow`` with a negative exponent.

    Returns:
        Whether it carries a minus sign, then the factors above and below the fraction bar:
        numbers first, then constants, symbols and powers, calls, bracketed sums.
    """
    if isinstance(expr, TypedMul):
        negative, args = typed_sign(expr)
    else:
        negative = minus_sign(expr)
        args = list(sympy.Mul.make_args(negated(expr) if negative else expr))
    numer: list[Any] = []
    denom: list[Any] = []
    for arg in args:
        if arg.is_Rational and not arg.is_Integer:
            if arg.p != 1:
                numer.append(sympy.Integer(arg.p))
            denom.append(sympy.Integer(arg.q))
        elif arg.is_Pow and arg.exp.is_Rational and arg.exp.is_negative:
            denom.append(arg.base if arg.exp == -1 else sympy.Pow(arg.base, -arg.exp))
        elif arg is not sympy.S.One:
            numer.append(arg)
    numer.sort(key=_rank)  # stable: sympy's order within a rank
    denom.sort(key=_rank)
    return negative, _beside_companions(numer), _beside_companions(denom)


def _beside_companions(factors: list[Any]) -> list[Any]:
    """A symbol moved to just before a factor 1 ± itself, as ML writes a cached activation's
    derivative: w·x·h₁(1 − h₁), never h₁·w·x·(1 − h₁)."""
    out = list(factors)
    for factor in factors:
        if factor.is_Add and len(factor.args) == 2 and sympy.S.One in factor.args:
            other = next(a for a in factor.args if a is not sympy.S.One)
            base = negated(other) if minus_sign(other) else other
            if base.is_Symbol and base in out:
                out.remove(base)
                out.insert(out.index(factor), base)
    return out


def typed_sign(expr: TypedMul) -> tuple[bool, list[Any]]:
    """A product as typed without its signs, taken off by hand: ``-expr`` would evaluate it
    and lose the order typed.

    Args:
        expr: the product.

    Returns:
        Whether it is negative, and its factors with negative numbers made positive and ones
        left out.
    """
    negative = sum(1 for a in expr.args if is_negative_number(a)) % 2 == 1
    args = [-a if is_negative_number(a) else a for a in expr.args]
    return negative, [a for a in args if a is not sympy.S.One]


def prime_form(expr: Any) -> tuple[str, int, Any] | None:
    """f′(arg) of an abstract function f, recognised in sympy's two spellings of it.

    Args:
        expr: ``Derivative(f(u), u)`` (argument u), or ``Subs(Derivative(f(ξ), ξ), ξ, g)``,
            which is how sympy writes f′ evaluated at g (argument g); anything else.

    Returns:
        (function name, order up to 3, argument), or None when ``expr`` is not such a form.
    """
    point = None
    if isinstance(expr, sympy.Subs) and len(expr.variables) == 1:
        point, expr = expr.point[0], expr.expr
    if not isinstance(expr, sympy.Derivative):
        return None
    inner, variables = expr.expr, expr.variable_count
    if (
        isinstance(inner, AppliedUndef)
        and len(inner.args) == 1
        and len(variables) == 1
        and variables[0][0] == inner.args[0]
        and variables[0][1] <= 3
    ):
        return inner.func.__name__, int(variables[0][1]), inner.args[0] if point is None else point
    return None


ORDERED_TERMS_MAX = 64  # longer sums print in sympy's stored order (see sympy_order)


def sympy_order(printer: Any, expr: Any, order: Any) -> list[Any]:
    """sympy's order of a sum's terms, or the terms as stored when ordering cannot be done.

    sympy orders by evaluating numeric terms, which overflows on a constant like 2**2**2**99
    that chainrule deliberately keeps unevaluated; and its order of a long sum costs time
    quadratic in the number of terms (each term's key has one entry per distinct factor in
    the whole sum), so past ``ORDERED_TERMS_MAX`` terms the sum keeps sympy's stored order.

    Args:
        printer: the printer asking (its ``order`` setting applies).
        expr: a sum.
        order: the order sympy's printers pass on, usually None.

    Returns:
        The terms; a sum kept as typed (``TypedAdd``) in the order typed.
    """
    if isinstance(expr, TypedAdd) or len(expr.args) > ORDERED_TERMS_MAX:
        return list(expr.args)
    try:
        return list(Printer._as_ordered_terms(printer, expr, order=order))
    except (OverflowError, ValueError, MemoryError):
        return list(expr.args)


# A printer's ``orders`` setting: the terms of each sum the user typed, as a set, to the same
# terms in the order typed (from ``Derivation.typed_orders``).
Orders = Mapping[frozenset[Any], tuple[Any, ...]]


class ReadableOrder:
    """Mixin for the printers people read: a sum as typed in the order typed; any other sum
    positive terms first (``z − y``, not sympy's ``−y + z``), otherwise in sympy's order."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        terms = sympy_order(self, expr, order)
        if isinstance(expr, TypedAdd):
            return terms
        negative = [minus_sign(t) for t in terms]
        terms = [t for t, m in zip(terms, negative, strict=True) if not m] + [
            t for t, m in zip(terms, negative, strict=True) if m
        ]
        typed = self._settings.get("orders")  # type: ignore[attr-defined]
        return as_typed(terms, typed) if typed and expr.is_Add else terms


def as_typed(terms: list[Any], orders: Orders) -> list[Any]:
    """``terms`` with each sum the user typed among them written in the order typed, where
    its first term stands: b₂ + w₂·σ(a) − y is w₂·σ(a) + b₂ − y for z = w₂·h + b₂.

    Args:
        terms: a sum's terms in a printer's order.
        orders: the typed sums, keyed by the set of their terms (``Orders``).

    Returns:
        The terms reordered; ``terms`` itself when no typed sum is among them.
    """
    present = set(terms)
    chosen: dict[Any, tuple[Any, ...]] = {}  # a typed sum's first term in ``terms`` → the sum
    taken: set[Any] = set()
    for key in sorted((k for k in orders if k <= present), key=len, reverse=True):
        if not key & taken:
            first = next(t for t in terms if t in key)
            chosen[first] = orders[key]
            taken |= key
    if not chosen:
        return terms
    out: list[Any] = []
    for term in terms:
        if term in chosen:
            out.extend(chosen[term])
        elif term not in taken:
            out.append(term)
    return out


@contextlib.contextmanager
def _long_integers() -> Iterator[None]:
    """Let ``str`` write integers past Python's 4,300-digit guard while printing.

    The parser caps literals at 4,000 digits, but their products (1e3000·1e3000) are exact
    integers that must print exactly; the worker's time budget bounds the quadratic cost the
    guard exists for.
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # Pythons before the guard existed
        yield
        return
    previous = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


def doprint(printer: Printer, expr: Any) -> str:
    """``printer.doprint(expr)``, long exact integers written out in full.

    Args:
        printer: a configured sympy printer.
        expr: a shallow sympy expression.

    Returns:
        The printed expression.
    """
    with _long_integers():
        return str(printer.doprint(expr))


_ASCENDING = {"<": "<", "<=": "<=", ">": "<", ">=": "<="}


def as_interval(condition: Any) -> tuple[Any, str, Any, str, Any] | None:
    """``low < x < high`` for a conjunction of two inequalities that share a middle term.

    The case analyses of hardtanh′ and the like read as a band, −1 < x < 1, where sympy
    writes (x > −1) & (x < 1).

    Args:
        condition: a sympy boolean, usually an ``And``.

    Returns:
        (low, "<" or "<=", middle, "<" or "<=", high), or None when it is not such a band.
    """
    if not isinstance(condition, sympy.And) or len(condition.args) != 2:
        return None
    pairs = []
    for rel in condition.args:
        if not isinstance(rel, sympy.core.relational.Relational) or rel.rel_op not in _ASCENDING:
            return None
        small, big = (rel.lhs, rel.rhs) if rel.rel_op[0] == "<" else (rel.rhs, rel.lhs)
        pairs.append((small, _ASCENDING[rel.rel_op], big))
    (a, op1, b), (c, op2, d) = pairs
    if b == c:
        return a, op1, b, op2, d
    if d == a:
        return c, op2, d, op1, b
    return None
