"""Expressions as typed (``calculus.typed``): the order and structure typed survive building,
printing and writing out, and they mean what sympy's evaluated forms mean."""

from __future__ import annotations

import pickle

import pytest
import sympy

from chainrule.calculus.typed import (
    power,
    typed_add,
    typed_div,
    typed_mul,
    typed_neg,
    typed_pow,
    write_out,
)
from chainrule.model import Constant, TypedAdd, TypedMul
from chainrule.render.printers import to_latex, to_python, to_unicode
from tests.helpers import real

x, y, u, v, w, h, b1, w1 = (real(n) for n in "x y u v w h b1 w1".split())


def test_sums_and_products_keep_the_order_typed() -> None:
    a = typed_add([typed_mul([w1, x]), b1])
    assert isinstance(a, TypedAdd) and a.args == (typed_mul([w1, x]), b1)
    assert (to_unicode(a), to_python(a), to_latex(a)) == (
        "w₁·x + b₁",
        "w1*x + b1",
        "w_{1} x + b_{1}",
    )
    assert (to_unicode(typed_mul([w, h])), to_python(typed_mul([w, h]))) == ("w·h", "w*h")
    assert to_unicode(typed_add([sympy.Integer(1), v])) == "1 + v"
    # sympy's own forms are still ordered as before
    assert (to_unicode(b1 + w1 * x), to_unicode(h * w), to_unicode(v + 1)) == (
        "b₁ + w₁·x",
        "h·w",
        "v + 1",
    )


def test_nested_typed_sums_and_products_are_spliced() -> None:
    a = typed_add([typed_add([x, y]), typed_neg(v)])
    assert a.args == (x, y, -v)
    assert typed_mul([typed_mul([sympy.Integer(2), x]), v]).args == (2, x, v)
    assert to_unicode(a) == "x + y − v"


def test_a_negated_sum_keeps_its_brackets() -> None:
    a = typed_add([y, typed_neg(typed_add([x, sympy.Integer(1)]))])
    assert (to_unicode(a), to_python(a)) == ("y − (x + 1)", "y - (x + 1)")
    assert sympy.expand(a.doit() - (y - x - 1)) == 0


def test_quotients_and_powers_stay_as_typed() -> None:
    assert to_unicode(typed_div(sympy.Integer(1), typed_pow(u, sympy.Integer(3)))) == "1/u³"
    assert to_unicode(typed_div(u, v)) == "u/v"
    assert to_unicode(typed_div(sympy.Integer(1), typed_mul([sympy.Integer(2), x]))) == "1/(2x)"
    assert to_python(typed_div(sympy.Integer(1), typed_mul([sympy.Integer(2), x]))) == "1/(2*x)"
    cube = typed_pow(sympy.Abs(x), sympy.Integer(3))
    assert to_unicode(cube) == "|x|³" and sympy.Abs(x) ** 3 == x**2 * sympy.Abs(x)


def test_write_out_keeps_typed_forms_where_xreplace_evaluates() -> None:
    cube = typed_pow(u, sympy.Integer(3))
    assert to_unicode(write_out(cube, {u: sympy.Abs(x)})) == "|x|³"
    assert to_unicode(cube.xreplace({u: sympy.Abs(x)})) == "x²·|x|"
    sine = sympy.sin(u)
    assert write_out(sine, {u: typed_neg(x)}).args[0] == typed_neg(x)  # not −sin(x)
    assert write_out(sine, {}) is sine
    z = typed_mul([u, typed_pow(v, sympy.Integer(-1))])
    assert to_unicode(write_out(z, {u: typed_mul([w, h])})) == "w·h/v"  # spliced


def test_rebuilt_by_sympy_they_are_ordinary_evaluated_expressions() -> None:
    a = typed_add([typed_mul([w1, x]), b1])
    assert type(sympy.diff(a, w1)) is not TypedAdd and sympy.diff(a, w1) == x
    assert type(a.xreplace({x: y})) is sympy.Add
    assert a != b1 + w1 * x and a.doit() == b1 + w1 * x


@pytest.mark.parametrize(
    "expr",
    [typed_add([x, sympy.Integer(1)]), typed_mul([w, h]), typed_neg(typed_add([x, y]))],
)
def test_typed_forms_survive_pickling(expr: sympy.Expr) -> None:
    back = pickle.loads(pickle.dumps(expr))
    assert type(back) is type(expr) and back.args == expr.args


def test_typed_neg_of_an_atom_is_plain() -> None:
    assert typed_neg(x) == -x and typed_neg(sympy.Integer(2)) == -2
    assert isinstance(typed_neg(typed_mul([w, h])), TypedMul)


def test_huge_constant_powers_stay_unevaluated() -> None:
    tower = power(sympy.Integer(2), sympy.Integer(10**6))
    assert isinstance(tower, Constant)  # opaque: 301,030 digits (``calculus.constants``)
    assert isinstance(tower.shown, sympy.Pow) and tower.shown.exp == 10**6
    assert power(sympy.Integer(2), sympy.Integer(300)) == 2**300  # 91 digits: exact
    assert power(sympy.Integer(2), sympy.Integer(10)) == 1024
    assert power(x, sympy.Integer(2)) == x**2


@pytest.mark.parametrize(
    ("factors", "unicode", "python"),
    [
        ([-x, sympy.Integer(2)], "−2x", "-x*2"),  # never 2−x
        ([sympy.Integer(-1), -x], "x", "x"),  # −(−x)
        ([sympy.Integer(-1), w, h], "−w·h", "-w*h"),
        ([w, sympy.Integer(-3), h], "−3w·h", "-w*3*h"),
    ],
)
def test_a_typed_product_carries_one_sign_in_front(
    factors: list[sympy.Expr], unicode: str, python: str
) -> None:
    product = typed_mul(factors)
    assert (to_unicode(product), to_python(product)) == (unicode, python)
    assert sympy.simplify(product.doit() - sympy.Mul(*factors)) == 0


def test_a_negative_product_in_a_sum_keeps_the_order_typed() -> None:
    total = typed_add([y, typed_neg(typed_mul([w, h]))])
    assert (to_unicode(total), to_latex(total), to_python(total)) == (
        "y − w·h",
        "y - w h",
        "y - w*h",
    )
    assert -typed_neg(typed_mul([w, h])) == typed_mul([w, h])  # negation stays typed
    assert to_unicode(typed_add([y, typed_neg(-x)])) == "y + x"


def test_a_fraction_under_a_fraction_bar_is_bracketed_once() -> None:
    inner = typed_add([typed_div(sympy.Integer(1), x), sympy.Integer(1)])
    assert to_unicode(typed_div(sympy.Integer(1), inner)) == "1/(1/x + 1)"


def test_write_out_rebuilds_around_the_symbols_it_is_told_to() -> None:
    p, q, r = sympy.symbols("p q r")
    nested = TypedMul(p, TypedMul(q, r, evaluate=False), evaluate=False)
    assert write_out(nested, {}) is nested  # nothing replaced: nothing rebuilt
    spliced = write_out(nested, {}, {q})  # rebuilt as if q had been renamed
    assert isinstance(spliced, TypedMul) and spliced.args == (p, q, r)
    assert write_out(nested, {}, {sympy.Symbol("s")}) is nested
