"""Local derivatives as a calculus textbook's table writes them, where sympy's own differ.

sympy differentiates tan to ``1 + tan²``, cot to ``−cot² − 1``, acosh to
``1/(√(u − 1)·√(u + 1))``, factorial to ``Γ(u + 1)·polygamma(0, u + 1)`` and ``u^v`` to
``v·u^v/u``.  Every one is right, none is what a student finds in the table at the back of the
book, and a derivation is read next to that table.  Functions not listed here (sin, exp, the
ML activations, whose ``fdiff`` is already the ML form, tanh with its ML ``1 − tanh²``) keep
sympy's form.

>>> u = sympy.Symbol("u", real=True)
>>> textbook_derivative(sympy.tan(u), u), textbook_derivative(sympy.acosh(u), u)
(sec(u)**2, 1/sqrt(u**2 - 1))
>>> textbook_derivative(u ** sympy.Symbol("v"), u)
u**(v - 1)*v
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

# f → f′(u), for a real argument u.  Each is checked against sympy.diff in the tests.
_FORMS: dict[Any, Callable[[Any], Any]] = {
    sympy.tan: lambda u: sympy.sec(u) ** 2,
    sympy.cot: lambda u: -(sympy.csc(u) ** 2),
    sympy.sec: lambda u: sympy.sec(u) * sympy.tan(u),
    sympy.csc: lambda u: -sympy.csc(u) * sympy.cot(u),
    sympy.coth: lambda u: -(sympy.csch(u) ** 2),
    sympy.acosh: lambda u: 1 / sympy.sqrt(u**2 - 1),
    sympy.asec: lambda u: 1 / (sympy.Abs(u) * sympy.sqrt(u**2 - 1)),
    sympy.acsc: lambda u: -1 / (sympy.Abs(u) * sympy.sqrt(u**2 - 1)),
    sympy.acoth: lambda u: 1 / (1 - u**2),
    sympy.factorial: lambda u: sympy.factorial(u) * sympy.polygamma(0, u + 1),
}


def textbook_derivative(definition: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr | None:
    """The textbook's form of ∂definition/∂variable, when it differs from sympy's.

    Args:
        definition: a node's shallow definition.
        variable: one of its parents' symbols; real (for complex arguments the real forms,
            |u| among them, do not hold, and None is returned).

    Returns:
        ``f′(variable)`` from the table for ``f(variable)``; ``v·u^(v−1)`` for ``u^v`` whose
        exponent does not depend on ``variable = u``; None otherwise (use sympy's).
    """
    if not variable.is_real:
        return None
    if isinstance(definition, sympy.Function) and definition.args == (variable,):
        form = _FORMS.get(type(definition))
        return None if form is None else sympy.sympify(form(variable))
    if (
        isinstance(definition, sympy.Pow)
        and definition.base == variable
        and not definition.exp.has(variable)
        and not definition.exp.is_Number  # sympy writes n·u^(n−1) itself
    ):
        exponent = definition.exp
        return sympy.Mul(exponent, sympy.Pow(variable, exponent - 1))
    return None
