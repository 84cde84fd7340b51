# Dispatch names follow the classes they print (_print_Upstream), as sympy's printers require.
# ruff: noqa: N802
"""Python/sympy syntax, the strings of the JSON contract.

>>> import sympy
>>> from chainrule.model import Upstream
>>> to_python(2 * sympy.Symbol("x") * Upstream("L", "z"))
'2*x*dL_dz'
"""

from __future__ import annotations

from typing import Any

from sympy.printing.str import StrPrinter

from chainrule.model import Upstream
from chainrule.render.printers.common import doprint, sympy_order


class PythonPrinter(StrPrinter):  # type: ignore[misc]
    """sympy's str printer: ML functions already print by class name; Upstream by its name."""

    def _print_Upstream(self, expr: Upstream) -> str:
        return str(expr.name)

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return sympy_order(self, expr, order)


def to_python(expr: Any) -> str:
    """Python/sympy syntax that ``sympy.parse_expr`` reads back (the JSON contract's strings).

    Args:
        expr: a shallow sympy expression.

    Returns:
        E.g. ``2*x*cos(x**2)``, ``sigmoid(a)*(1 - sigmoid(a))``, ``dL_dz*W2``.
    """
    return doprint(PythonPrinter(), expr)
