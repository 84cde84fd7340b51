"""The values of a point, read as Terms (``read.points``), as exact real sympy numbers.

Each value goes through ``decompose`` like an expression without variables, so ``pi/4``,
``sqrt(2)`` and ``0.3`` (3/10) stay exact, and a constant too large to evaluate is refused.

>>> from chainrule.model import Term
>>> point_values({"x": Term("div", (Term("constant", text="pi"), Term("number", text="4")))})
{'x': pi/4}
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from chainrule.calculus.decompose import decompose
from chainrule.errors import ChainruleError, MathError
from chainrule.model import Assignment, Constant, Program, Term


def point_values(terms: Mapping[str, Term], *, source: str = "") -> dict[str, sympy.Expr]:
    """Each value as an exact real number.

    Args:
        terms: name → a constant Term (``read.points.read_points``).
        source: the text the values came from, for messages.

    Returns:
        name → an exact sympy number (Rational, ``pi/4``, ``sqrt(2)``), in the same order.

    Raises:
        MathError: a value that is undefined (1/0, log(0)), not real (sqrt(-1)), infinite,
            or too large to evaluate (``option`` is "at").
    """
    out: dict[str, sympy.Expr] = {}
    for name, term in terms.items():
        try:
            graph = decompose(Program(source, (Assignment(None, term),)))
        except ChainruleError as err:
            raise MathError(f"the value of {name}: {err.message}", option="at") from None
        env: dict[sympy.Symbol, sympy.Expr] = {}
        for node in graph.nodes:  # one node for a constant; substituted in order if more
            env[node.symbol] = node.value.xreplace(env)
        value = env[graph.symbols[graph.output]]
        out[name] = real_number(name, value)
    return out


def real_number(name: str, value: sympy.Expr) -> sympy.Expr:
    """``value`` when it is a finite real number that can be evaluated.

    Args:
        name: whose value it is, for messages.
        value: a sympy expression.

    Returns:
        ``value``.

    Raises:
        MathError: it is not a number, not finite, not real, or too large (``option`` "at").
    """
    if value.atoms(Constant):
        raise MathError(f"the value of {name} is too large to evaluate", option="at")
    if value.free_symbols or not value.is_number:
        raise MathError(f"the value of {name} is not a number", option="at")
    if value.is_finite is False or value.has(sympy.zoo, sympy.nan):
        raise MathError(f"the value of {name} is not finite", option="at")
    real = value.is_extended_real
    if real is None:  # undecided symbolically: its numerical value decides
        number = value.evalf(30)
        real = bool(number.is_extended_real) and bool(number.is_finite)
    if not real:
        raise MathError(f"the value of {name} is not a real number", option="at")
    return value
