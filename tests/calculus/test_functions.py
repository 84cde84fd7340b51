"""The table of known functions (``calculus.functions``): every name the model knows builds a
sympy expression, with every argument count the reader accepts; the ML functions themselves
are tested in ``test_activations`` and ``test_rectifiers``."""

from __future__ import annotations

import sympy

from chainrule.calculus.activations import ActivationBase
from chainrule.calculus.functions import FUNCTIONS, relu, sigmoid, softplus
from chainrule.model import FUNCTION_ARITIES
from tests.helpers import real

a = real("a")


def test_the_table_builds_every_function_the_model_names() -> None:
    assert set(FUNCTIONS) == set(FUNCTION_ARITIES)
    for name, arities in FUNCTION_ARITIES.items():
        for arity in arities:
            args = [real(f"t{i}") for i in range(arity)]
            assert isinstance(FUNCTIONS[name](*args), sympy.Expr), (name, arity)
    assert FUNCTIONS["cbrt"](a) == a ** sympy.Rational(1, 3)
    assert FUNCTIONS["log"](a) == sympy.log(a)
    assert FUNCTIONS["log"](a, 2) == sympy.log(a) / sympy.log(2)


def test_each_ml_function_is_a_class_of_its_own_name() -> None:
    # The JSON contract writes them by class name, which parse_expr reads back by name.
    ml = [sigmoid, relu, softplus] + [f for f in FUNCTIONS.values() if _is_activation(f)]
    assert len(ml) == 13
    for fn in ml:
        assert FUNCTIONS[fn.__name__] is fn
        assert sympy.parse_expr(str(fn(a))).func.__name__ == fn.__name__


def _is_activation(fn: object) -> bool:
    return isinstance(fn, type) and issubclass(fn, ActivationBase)
