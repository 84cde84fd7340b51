# Dispatch names follow the classes they print (_print_Upstream), as sympy's printers require.
# ruff: noqa: N802
"""Python/sympy syntax, the strings of the JSON contract.

>>> import sympy
>>> from chainrule.model import Upstream
>>> to_python(2 * sympy.Symbol("x") * Upstream("L", "z"))
'2*x*dL_dz'

Names are printed as ``parse_expr`` reads them back, each as a symbol of its own: the Greek
letter λ (the name ``lambda``, a Python keyword) as sympy's ``lamda``, ŷ as ``yhat`` (sympy's
own spelling of the accent), the versions of a reassigned name as ``c``, ``c_v1``, ``c_v2``:

>>> python_names(["lambda", "y__hat", "c", "c__1", "beta", "x"])
{'lambda': 'lamda', 'y__hat': 'yhat', 'c__1': 'c_v1', 'beta': 'beta_'}
"""

from __future__ import annotations

import builtins
import itertools
import keyword
import types
from collections.abc import Iterable, Sequence
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from chainrule.model import NameParts, TypedMul, Upstream
from chainrule.render.printers.common import doprint, minus_sign, sympy_order, typed_sign

# What ``parse_expr`` reads as something other than a symbol: Python's keywords, the names of
# sympy's namespace (beta, gamma, I, N, S, Lambda …) and the builtins it adds (sum, id …).
_NOT_SYMBOLS = (
    frozenset(keyword.kwlist)
    | frozenset(sympy.__all__)
    | {
        name
        for name, value in vars(builtins).items()
        if isinstance(value, types.BuiltinFunctionType)
    }
)


def python_names(names: Iterable[str]) -> dict[str, str]:
    """How to print the names ``parse_expr`` would not read back as symbols of their own.

    Args:
        names: every name of one derivation (inputs, intermediates, functions).

    Returns:
        Each such name → a valid one that is none of the other names (a trailing ``_``, which
        no typed name has, settles a clash); names that read back fine are left out.
    """
    names = list(dict.fromkeys(names))
    taken = {name for name in names if _reads_back(name)}
    renamed = {}
    for name in names:
        if name in taken:
            continue
        parts = NameParts.of(name)
        stem = "lamda" if parts.stem == "lambda" else parts.stem
        want = stem + parts.accent + parts.rest + (f"_v{parts.version}" if parts.version else "")
        more = (f"{want}_{i}" for i in itertools.count(2))
        tries = itertools.chain([want, f"{want}_"], more)
        choice = next(n for n in tries if n not in taken and _reads_back(n))
        taken.add(choice)
        renamed[name] = choice
    return renamed


def _reads_back(name: str) -> bool:
    return name.isidentifier() and name.isascii() and "__" not in name and name not in _NOT_SYMBOLS


def _names_in(expr: Any) -> list[str]:
    names = sorted(s.name for s in expr.free_symbols if not isinstance(s, Upstream))
    names += [n for s in expr.atoms(Upstream) for n in (s.of, s.wrt)]
    return names + sorted(f.func.__name__ for f in expr.atoms(AppliedUndef))


class PythonPrinter(StrPrinter):  # type: ignore[misc]
    """sympy's str printer: ML functions already print by class name; Upstream by its name;
    ``names`` maps names to print otherwise (``python_names``)."""

    _default_settings = {**StrPrinter._default_settings, "names": {}}

    def _name(self, name: str) -> str:
        return str(self._settings["names"].get(name, name))

    def _print_Symbol(self, expr: Any) -> str:
        return self._name(expr.name) if type(expr) is sympy.Symbol else super()._print_Symbol(expr)

    def _print_Upstream(self, expr: Upstream) -> str:
        if expr.of in self._settings["names"] or expr.wrt in self._settings["names"]:
            return f"d{self._name(expr.of)}_d{self._name(expr.wrt)}"
        return str(expr.name)

    def _print_AppliedUndef(self, expr: Any) -> str:
        args = ", ".join(self._print(a) for a in expr.args)
        return f"{self._name(expr.func.__name__)}({args})"

    # sympy's printer asks of every product whether it could take out a minus sign, which
    # builds its negation (a new product, its assumptions worked out afresh): for a long sum
    # of products like 3*dy_du*cos(u) that was most of the time its JSON took.  A product of
    # an integer and symbols or function calls is written here, its sign read off the integer.

    def _print_Mul(self, expr: Any) -> str:
        plain = None
        if type(expr) is sympy.Mul and expr.is_commutative and self.order not in ("old", "none"):
            # sympy's as_ordered_factors() without its question of the number's sign
            plain = self._plain_product(sorted(expr.args, key=lambda f: f.sort_key()))
        return plain if plain is not None else str(super()._print_Mul(expr))

    def _plain_product(self, factors: Sequence[Any]) -> str | None:
        """``factors`` joined by ``*`` as sympy's ``_print_Mul`` joins them, where they are one
        integer (its sign in front) and symbols or function calls; None otherwise."""
        numbers = [f for f in factors if f.is_Number]
        if len(numbers) > 1 or (numbers and (not numbers[0].is_Integer or numbers[0] == 1)):
            return None
        if any(f.is_Pow or precedence(f) < PRECEDENCE["Pow"] for f in factors if not f.is_Number):
            return None
        words = [
            (str(abs(f.p)) if f.is_Number else self._print(f))
            for f in factors
            if not (f.is_Number and abs(f.p) == 1)
        ]
        return ("-" if numbers and numbers[0].p < 0 else "") + "*".join(words)

    def _precedence(self, item: Any) -> int:
        """sympy's ``precedence``, but a product that takes out no minus sign (``minus_sign``,
        read off its leading number) is a product without sympy asking again."""
        if type(item) in (sympy.Mul, TypedMul) and not minus_sign(item):
            return int(PRECEDENCE["Mul"])
        return int(precedence(item))

    def parenthesize(self, item: Any, level: int, strict: bool = False) -> str:
        prec = self._precedence(item)
        if prec < level or (not strict and prec <= level):
            return f"({self._print(item)})"
        return str(self._print(item))

    def _print_Add(self, expr: Any, order: Any = None) -> str:
        # sympy's, with ``_precedence``.
        prec = self._precedence(expr)
        words: list[str] = []
        for term in self._as_ordered_terms(expr, order=order):
            text = str(self._print(term))
            sign = "+"
            if text.startswith("-") and not term.is_Add:
                sign, text = "-", text[1:]
            if self._precedence(term) < prec or term.is_Add:
                text = f"({text})"
            words.extend([sign, text])
        sign = words.pop(0)
        return ("" if sign == "+" else sign) + " ".join(words)

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return sympy_order(self, expr, order)

    def _print_TypedMul(self, expr: TypedMul) -> str:
        # A product as typed keeps its factors in the order typed: w*h, not h*w; its sign in
        # front (-x*2, not -1*x*2).
        negative, args = typed_sign(expr)
        plain = None
        if len(args) > 1 and not any(a.is_Number for a in args[1:]):
            plain = self._plain_product(args)  # as typed: a number only in front
        if plain is not None:
            text = plain
        elif len(args) > 1:
            saved = self._settings["order"]
            self._settings["order"] = "none"
            try:
                # The product itself where nothing was taken off: a new one would have its
                # assumptions (asked while printing) worked out again.
                same = tuple(args) == expr.args
                text = str(super()._print_Mul(expr if same else TypedMul(*args, evaluate=False)))
            finally:
                self._settings["order"] = saved
        else:
            text = str(self.parenthesize(args[0] if args else 1, PRECEDENCE["Mul"]))
        return "-" + text if negative else text


def to_python(expr: Any, names: dict[str, str] | None = None) -> str:
    """Python/sympy syntax that ``sympy.parse_expr`` reads back (the JSON contract's strings).

    Args:
        expr: a shallow sympy expression.
        names: ``python_names`` of the whole derivation, so that every expression of it
            prints a name alike; when None, those of ``expr`` alone.

    Returns:
        E.g. ``2*x*cos(x**2)``, ``sigmoid(a)*(1 - sigmoid(a))``, ``dL_dz*W2``.
    """
    if names is None:
        names = python_names(_names_in(expr)) if isinstance(expr, sympy.Basic) else {}
    return doprint(PythonPrinter({"names": names}), expr)
