"""The shortcuts against sympy itself: each result must be the very expression sympy builds —
the same classes, the same arguments in the same stored order (``srepr``), not merely equal."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.calculus.functions import FUNCTIONS
from chainrule.calculus.shortcuts import (
    applied,
    applied_derivative,
    linear_derivative,
    product,
    sum_of_products,
    total,
)
from chainrule.model import Upstream

# Symbols with the assumptions chainrule gives (real) and others sympy's evaluation reacts to.
ASSUMPTIONS = [
    {"real": True},
    {},
    {"positive": True},
    {"negative": True},
    {"nonnegative": True},
    {"integer": True},
    {"zero": True},
]
SYMBOLS = [sympy.Symbol(f"s{i}", **a) for i, a in enumerate(ASSUMPTIONS)]
CLASSES = sorted(
    {f for f in FUNCTIONS.values() if isinstance(f, type) and issubclass(f, sympy.Function)},
    key=lambda f: f.__name__,
)

x, y, w, b = sympy.symbols("x y w b", real=True)
NUMBERS = [sympy.Integer(n) for n in (-3, -1, 2, 7)] + [sympy.Rational(1, 2), sympy.Float(2.5)]
OTHERS = [y, w, b, sympy.pi, sympy.E, sympy.sin(y), sympy.exp(w), y**2, w + b, *NUMBERS]


def same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return type(a) is type(b) and a == b and sympy.srepr(a) == sympy.srepr(b)


def test_same_tells_stored_order_apart() -> None:
    # The comparison the tests rely on sees what == does not: an unevaluated product.
    assert x * 2 == sympy.Mul(2, x, evaluate=False)
    assert not same(2 * x, sympy.Mul(x, 2, evaluate=False))


@pytest.mark.parametrize("function", CLASSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("symbol", SYMBOLS, ids=lambda s: str(s._assumptions_orig))
def test_applied_is_sympys_evaluation(function: type, symbol: sympy.Symbol) -> None:
    try:
        expected = function(symbol)
    except (TypeError, ValueError, ArithmeticError) as exc:
        with pytest.raises(type(exc)):
            applied(function, symbol)
        return
    twice = [applied(function, symbol) for _ in range(2)]  # the probe's answer, then reused
    assert all(same(got, expected) for got in twice)


def test_applied_evaluates_where_sympy_does() -> None:
    p = sympy.Symbol("p", positive=True)
    assert applied(sympy.Abs, p) is p  # |p| = p: evaluation changed it, so it still runs
    assert same(applied(sympy.Abs, x), sympy.Abs(x))
    assert same(applied(sympy.sin, 2 * x), sympy.sin(2 * x))  # not a symbol: sympy's path


@pytest.mark.parametrize("function", CLASSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("symbol", SYMBOLS[:3], ids=lambda s: str(s._assumptions_orig))
def test_applied_derivative_is_fdiff(function: type, symbol: sympy.Symbol) -> None:
    definition = function(symbol)
    if not isinstance(definition, sympy.Function) or len(definition.args) != 1:
        pytest.skip("evaluated to something else")
    try:
        expected = definition.fdiff(1)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError):
        pytest.skip("no fdiff")
    for _ in range(2):
        assert same(applied_derivative(definition), expected)


def test_applied_derivative_of_sin_is_cos() -> None:
    assert same(applied_derivative(sympy.sin(x)), sympy.cos(x))


def terms(variable: sympy.Symbol) -> st.SearchStrategy[sympy.Expr]:
    """Products of a few factors, holding the variable once, twice, inside a function, or not."""
    factor = st.sampled_from([variable, variable, sympy.sin(variable), variable**2, *OTHERS])
    return st.lists(factor, min_size=1, max_size=4).map(lambda fs: sympy.Mul(*fs))


@settings(max_examples=300, deadline=None)
@given(st.lists(terms(x), min_size=1, max_size=5))
def test_linear_derivative_is_sympys_diff(parts: list[sympy.Expr]) -> None:
    for definition in (parts[0], sympy.Add(*parts)):
        got = linear_derivative(definition, x)
        if got is not None:
            assert same(got, sympy.diff(definition, x))


def test_linear_derivative_takes_the_linear_cases() -> None:
    assert same(linear_derivative(3 * x, x), sympy.Integer(3))
    assert same(linear_derivative(x, x), sympy.S.One)
    assert same(linear_derivative(w * x + b, x), w)
    assert same(linear_derivative(2 * (y + 1) * x, x), sympy.diff(2 * (y + 1) * x, x))
    for other in (x**2, x * sympy.sin(x), sympy.sin(x), x + x**2, y):
        assert linear_derivative(other, x) is None


pair_strategy = st.tuples(
    st.sampled_from([Upstream("y", "u1"), Upstream("y", "u2"), x, sympy.Integer(1)]),
    st.sampled_from([sympy.Integer(0), sympy.Integer(1), *NUMBERS, sympy.cos(x), 2 * y, w]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(pair_strategy, max_size=5))
def test_sum_of_products_is_sympys_sum(pairs: list[tuple[sympy.Expr, sympy.Expr]]) -> None:
    assert same(sum_of_products(pairs), sympy.Add(*(a * b for a, b in pairs)))


def test_sum_of_products_of_many_numbers() -> None:
    pairs = [(Upstream("y", f"u{k}"), sympy.Integer(k)) for k in range(2, 60)]
    assert same(sum_of_products(pairs), sympy.Add(*(a * b for a, b in pairs)))


# Factors that Mul and Add combine, gather or evaluate (numbers, infinities, exps, powers of
# numbers, sums, a noncommutative symbol) beside the plain ones the shortcuts build directly.
n = sympy.Symbol("n", commutative=False)
FACTORS = [
    *SYMBOLS[:4],
    x,
    y,
    n,
    Upstream("y", "u1"),
    sympy.sin(x),
    sympy.cos(y),
    sympy.Function("f")(x),
    sympy.exp(x),
    sympy.exp(y),
    sympy.exp(2 * x),
    sympy.exp(-x),
    x**2,
    sympy.Pow(2, 3, evaluate=False),
    1 / x,
    sympy.sqrt(2),
    2**x,
    x + 1,
    sympy.Mul(x, 2, evaluate=False),
    sympy.Mul(1, y, evaluate=False),
    sympy.Mul(2, 3, evaluate=False),
    sympy.Piecewise((x, x > 0), (0, True)),
    sympy.oo,
    sympy.zoo,
    sympy.nan,
    *[sympy.Integer(k) for k in (0, 1, -1, 2, 3, 12345)],
    sympy.Rational(-2, 3),
    sympy.Float(1.5),
]
factor_strategy = st.sampled_from(FACTORS)


@settings(max_examples=500, deadline=None)
@given(st.lists(factor_strategy, max_size=4))
def test_product_is_sympys_mul(factors: list[sympy.Expr]) -> None:
    assert same(product(factors), sympy.Mul(*factors))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(factor_strategy, max_size=3), max_size=5), st.booleans())
def test_total_is_sympys_add(products: list[list[sympy.Expr]], built: bool) -> None:
    # Terms as sympy builds them, or as they come (an unevaluated product stays one).
    terms = [sympy.Mul(*fs) if built or len(fs) != 1 else fs[0] for fs in products]
    assert same(total(terms), sympy.Add(*terms))


def test_product_and_total_build_a_long_gradient_directly() -> None:
    us = [sympy.Symbol(f"u{k}", real=True) for k in range(1, 200)]
    pairs = [[sympy.cos(u), sympy.Integer(k)] for k, u in enumerate(us, start=1)]
    parts = [product(pair) for pair in pairs]
    assert all(same(p, sympy.Mul(*pair)) for p, pair in zip(parts, pairs, strict=True))
    assert same(total(parts), sympy.Add(*parts))
    assert same(total([x, 2 * x, y]), 3 * x + y)  # alike terms: left to Add
    # What Add evaluates or gathers as it collects is left to it too.
    for term in (sympy.Pow(2, 3, evaluate=False), sympy.Integer(5), sympy.oo, x + 1):
        assert same(total([term, y, sympy.cos(x)]), sympy.Add(term, y, sympy.cos(x)))
    assert same(product([sympy.exp(x), sympy.exp(-x)]), sympy.S.One)
