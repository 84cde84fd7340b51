"""Results sympy would build, built without its general machinery where the answer is known.

On a long input (a sum of 3,000 terms sin(k·x)) most of chainrule's time went to sympy
re-deriving what it had already derived: ``sympy.diff`` of ``3*x`` goes through
``Derivative``'s checks and the general Leibniz rule (0.2 ms, for a factor read at a glance),
and ``sin(u)`` runs ``sin``'s evaluation again for every new node symbol u, only to leave it
alone as it left the last one.  Each function here returns exactly what sympy returns — the
same classes, the same arguments in the same order — and falls back to sympy wherever it
cannot tell.

>>> x, w, b = sympy.symbols("x w b", real=True)
>>> linear_derivative(3 * w * x + b, x), linear_derivative(x, x), linear_derivative(x**2, x)
(3*w, 1, None)
>>> applied(sympy.sin, x), applied(sympy.Abs, sympy.Symbol("p", positive=True))
(sin(x), p)
>>> product([sympy.cos(x), sympy.Integer(3)]), product([w, sympy.Integer(-1), x])
(3*cos(x), -w*x)
>>> total([3 * sympy.cos(x), w * x, b]), total([x, 2 * x])
(b + w*x + 3*cos(x), 3*x)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sympy
from sympy.core.function import UndefinedFunction

# For a lone symbol, a function's evaluation and its ``fdiff`` look only at the symbol's
# assumptions (its name means nothing to them), so one probe symbol with those assumptions
# decides for every symbol that has them.
# (function class, assumptions) → whether evaluating the function leaves such a symbol alone:
_LEAVES_ALONE: dict[tuple[Any, Any], bool] = {}
# (function class, assumptions) → g when f′(u) is g(u), left alone; else None:
_DERIVATIVES: dict[tuple[Any, Any], Any] = {}


def applied(function: Any, arg: sympy.Expr) -> sympy.Expr:
    """``function(arg)`` as sympy evaluates it.

    Where ``arg`` is a symbol and ``function`` a function class whose evaluation leaves a
    symbol with the same assumptions alone (``sin(u)`` stays ``sin(u)``; ``Abs(p)`` for a
    positive p does not), the result is built without running that evaluation again.

    Args:
        function: a sympy function class, or any constructor.
        arg: its one argument.

    Returns:
        The same expression as ``function(arg)``.
    """
    key = _key(function, arg)
    if key is None:
        return function(arg)
    alone = _LEAVES_ALONE.get(key)
    if alone is None:
        probe = _probe(arg)
        try:
            built = function(probe)
        except (TypeError, ValueError, ArithmeticError):  # the call below says why
            return function(arg)
        alone = _LEAVES_ALONE[key] = type(built) is function and built.args == (probe,)
    return function(arg, evaluate=False) if alone else function(arg)


def applied_derivative(definition: sympy.Expr) -> sympy.Expr:
    """``definition.fdiff(1)`` for a function of one argument, ``f(u)``.

    Where u is a symbol and f′(u) is another function of u alone (sin′ = cos, as a probe
    with u's assumptions shows), that function of u is built without evaluating it again.

    Args:
        definition: ``f(u)``.

    Returns:
        The same expression as ``definition.fdiff(1)``.
    """
    key = _key(type(definition), definition.args[0]) if len(definition.args) == 1 else None
    if key is None:
        return definition.fdiff(1)
    if key not in _DERIVATIVES:
        probe = _probe(definition.args[0])
        form = type(definition)(probe, evaluate=False).fdiff(1)
        alone = form.args == (probe,) and _key(type(form), probe) is not None
        _DERIVATIVES[key] = type(form) if alone else None
    derivative = _DERIVATIVES[key]
    if derivative is None:
        return definition.fdiff(1)
    return derivative(definition.args[0], evaluate=False)


def linear_derivative(definition: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr | None:
    """∂definition/∂variable when ``definition`` is the variable, a product holding it once
    as a bare factor, or a sum of such terms and of terms free of it (w·x + b).

    Built as ``sympy.diff`` builds it: a product's derivative is the product of its other
    factors, a sum's the sum of its terms' derivatives with the zeros dropped.

    Args:
        definition: a node's shallow definition, as evaluated.
        variable: one of its parents' symbols.

    Returns:
        The same expression as ``sympy.diff(definition, variable)``; None for anything else.
    """
    if type(definition) is not sympy.Add:
        return _term_derivative(definition, variable)
    parts = []
    for term in definition.args:
        if variable in term.free_symbols:
            part = _term_derivative(term, variable)
            if part is None:
                return None
            parts.append(part)
    return total(parts)


# sympy's canonical order of a product's factors (``Mul.flatten``'s ``_mulsort``).
_FACTOR_ORDER = functools.cmp_to_key(sympy.Basic.compare)


def product(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """``sympy.Mul(*factors)``, built directly where ``Mul`` would only put them in order.

    That is an integer (at most one) and distinct symbols and function calls: nothing
    to combine, as in cos(u)·3 or ∂y/∂v·cos(u).  ``Mul`` asks the integer whether it is
    zero, which for an integer first met works out all its assumptions (60 µs): the sum of
    3,000 terms sin(k·x) spent a tenth of its time on that.

    Args:
        factors: the factors, in any order.

    Returns:
        The same expression as ``sympy.Mul(*factors)``: same class, same arguments in the
        same order.
    """
    number: sympy.Expr = sympy.S.One
    rest: list[sympy.Expr] = []
    for factor in factors:
        if factor.is_Integer and number is sympy.S.One and factor is not sympy.S.Zero:
            number = factor
        elif _plain_factor(factor):
            rest.append(factor)
        else:
            return sympy.Mul(*factors)
    if len(set(rest)) < len(rest):  # x·x is x²
        return sympy.Mul(*factors)
    if not rest:
        return number
    if number is sympy.S.One and len(rest) == 1:
        return rest[0]
    rest.sort(key=_FACTOR_ORDER)
    args = rest if number is sympy.S.One else [number, *rest]
    return sympy.Mul._exec_constructor_postprocessors(sympy.Mul._from_args(args, True))


def total(terms: Sequence[sympy.Expr]) -> sympy.Expr:
    """``sympy.Add(*terms)``, built directly where ``Add`` would only put them in order.

    That is terms with nothing to collect: no numbers and no two terms alike but for their
    numeric coefficient (``2·x`` and ``3·x``), each a product, power, symbol or function
    call.  ``Add`` asks each term's coefficient whether it is zero and builds coefficient
    times rest anew through ``Mul`` (with a new integer, asked again): for the 3,000 terms
    k·cos(uₖ) of a long sum's gradient, most of the time the sum took to build.

    Args:
        terms: the terms, in any order.

    Returns:
        The same expression as ``sympy.Add(*terms)``: same class, same arguments in the
        same order.
    """
    if len(terms) < 2:
        return sympy.Add(*terms)
    seen = set()
    for term in terms:
        rest = _without_coefficient(term)
        if rest is None or rest in seen:
            return sympy.Add(*terms)
        seen.add(rest)
    ordered = sorted(terms, key=_FACTOR_ORDER)  # Add.flatten's _addsort
    return sympy.Add._exec_constructor_postprocessors(sympy.Add._from_args(ordered, True))


def _without_coefficient(term: sympy.Expr) -> tuple[sympy.Expr, ...] | None:
    """The factors of ``term`` but its nonzero rational coefficient, as ``Add`` collects
    terms by them; None for a term ``total`` leaves to ``Add``."""
    if not term.is_Mul:
        return (term,) if _collectable(term) else None
    first = term.args[0]
    factors = term.args
    if first.is_Number:
        if not first.is_Rational or first.p == 0 or first is sympy.S.One:
            return None
        factors = factors[1:]
    if not term.is_commutative or not all(_collectable(f) for f in factors):
        return None
    return factors


def _collectable(factor: sympy.Expr) -> bool:
    """A symbol, function call or power of something other than a number: a factor that
    ``Add`` leaves as it is."""
    if factor.is_Pow:
        return not factor.base.is_Number and bool(factor.is_commutative)
    return _plain_factor(factor)


def _plain_factor(factor: sympy.Expr) -> bool:
    """A commutative symbol or call of a function other than exp (exps are gathered into
    one: exp(a)·exp(b) is exp(a + b))."""
    if not factor.is_commutative:
        return False
    if factor.is_Symbol:
        return True
    return isinstance(factor, sympy.Function) and not isinstance(factor, sympy.exp)


def sum_of_products(pairs: Sequence[tuple[sympy.Expr, sympy.Expr]]) -> sympy.Expr:
    """``sympy.Add(*(a * b for a, b in pairs))``, each product built once.

    ``Add`` takes every term apart into its numeric coefficient and the rest, and builds a
    coefficient times a symbol afresh (through all of ``Mul``'s machinery), so a product of a
    symbol and a number (∂y/∂u₂·2 in a sum of 3,000 such) is handed to it as the pair it
    takes it apart into, unbuilt.

    Args:
        pairs: the factors of each term (an upstream gradient and a local factor).

    Returns:
        The same expression as the sum of the products.
    """
    if len(pairs) < 2:  # no Add to take it apart: the product itself is the result
        return sympy.Add(*(product((a, b)) for a, b in pairs))
    return total(
        [
            sympy.Mul(b, a, evaluate=False) if _symbol_times_number(a, b) else product((a, b))
            for a, b in pairs
        ]
    )


def _symbol_times_number(a: sympy.Expr, b: sympy.Expr) -> bool:
    return bool(a.is_Symbol and a.is_commutative and b.is_Rational and b not in (0, 1))


def _term_derivative(term: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr | None:
    if term == variable:
        return sympy.S.One
    if type(term) is not sympy.Mul or not term.is_commutative:
        return None
    rest = [a for a in term.args if a != variable]
    if len(rest) != len(term.args) - 1 or any(variable in a.free_symbols for a in rest):
        return None
    return sympy.Mul(*rest)


def _key(function: Any, arg: sympy.Expr) -> tuple[Any, Any] | None:
    """What decides ``function(arg)``'s evaluation when ``arg`` is a plain symbol and
    ``function`` one of sympy's or chainrule's function classes; None otherwise (the user's
    own functions, f(x), are classes made per name: not worth a probe each)."""
    if type(arg) is not sympy.Symbol:
        return None
    if not isinstance(function, type) or not issubclass(function, sympy.Function):
        return None
    if isinstance(function, UndefinedFunction):
        return None
    return (function, arg._assumptions0)


def _probe(arg: sympy.Symbol) -> sympy.Symbol:
    return sympy.Symbol("\0probe", **dict(arg._assumptions0))
