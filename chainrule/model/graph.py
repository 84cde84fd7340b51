"""What decomposition builds: the ``Graph`` of shallow ``Node``s, and the sympy classes that keep
a form as typed (``TypedAdd``, ``TypedMul``) or a huge constant opaque (``Constant``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy

from chainrule.model.program import Note


@dataclass(frozen=True)
class Node:
    """One named intermediate: ``symbol = definition``, the definition shallow and written in
    the symbols of its parents (inputs or earlier intermediates).

    ``definition`` is what the user typed, in the order typed (sums and products are
    ``TypedAdd`` and ``TypedMul``, powers unevaluated): it is what every format shows.
    ``evaluated`` is the same value as sympy evaluates it, which the engine differentiates
    (None when it is ``definition`` itself).  ``written`` is set when the definition rewrites
    what was typed (``u^v`` derived as ``e^w`` with ``w = v·ln u``): the typed form, in earlier
    names, used to write the node out in the inputs.
    """

    name: str
    symbol: sympy.Symbol
    definition: sympy.Expr
    parents: tuple[str, ...]  # names it uses directly, in the order first typed
    named_by_user: bool = False
    evaluated: sympy.Expr | None = None
    written: sympy.Expr | None = None

    @property
    def value(self) -> sympy.Expr:
        """The definition as sympy evaluates it: what the engine differentiates."""
        return self.definition if self.evaluated is None else self.evaluated


@dataclass(frozen=True)
class Graph:
    """A computation in topological order: inputs, then intermediates, output last."""

    source: str
    inputs: tuple[sympy.Symbol, ...]  # free symbols, sorted by name
    nodes: tuple[Node, ...]  # evaluation order; the output is last
    output: str
    symbols: dict[str, sympy.Symbol] = field(default_factory=dict, compare=False)
    notes: tuple[Note, ...] = ()  # the program's reading notes, then decomposition's
    # Assignments the output does not use (softmax's p₂ beside L = −ln p₁), in program order,
    # each written in earlier names: a gradient may be written with them (∂L/∂z₂ = p₂).
    aside: tuple[Node, ...] = ()

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs)


class _Typed:
    """What ``TypedAdd`` and ``TypedMul`` share: built unevaluated, they keep the user's order
    and the printers write them in it.  ``func`` is sympy's own class, so whatever sympy
    rebuilds from them (a derivative, a substitution) is an ordinary, evaluated expression."""

    __slots__ = ()
    evaluated_class: ClassVar[Any]

    @property
    def func(self) -> Any:
        return self.evaluated_class

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_typed, (type(self), self.args))  # type: ignore[attr-defined]


class Constant(sympy.core.expr.AtomicExpr):  # type: ignore[misc]
    """A constant too large to evaluate, held as one opaque atom (``cos(e^(e^(e^e)))``).

    sympy decides the sign of ``cos(c)`` by evaluating c to as many digits as it has before
    the point — millions, for a tower of exponentials — and ``7**e^(e^(e^(10e)))`` does not fit
    in memory.  Its derivative is exactly 0 whatever its value, so chainrule never needs the
    value: the atom prints as ``shown`` (what was typed, unevaluated), sympy never looks inside,
    and the cross-check gives it a stand-in value (the derivation holds for every value).
    """

    is_number = True
    is_commutative = True
    shown: sympy.Expr

    def __new__(cls, shown: sympy.Expr) -> Constant:
        obj = super().__new__(cls)
        obj.shown = shown
        return obj

    def _hashable_content(self) -> tuple[sympy.Expr]:
        return (self.shown,)

    def __getnewargs__(self) -> tuple[sympy.Expr]:
        return (self.shown,)

    def _eval_is_extended_real(self) -> bool | None:
        return self.shown.is_extended_real

    def _eval_is_finite(self) -> bool:
        return True  # large, but a number

    def _sympystr(self, printer: Any) -> str:  # every chainrule printer: shown as typed
        return str(printer._print(self.shown))

    def _latex(self, printer: Any) -> str:
        return str(printer._print(self.shown))

    def _eval_evalf(self, prec: int) -> None:
        return None  # no value to give: sympy must not decide anything from one


class TypedAdd(_Typed, sympy.Add):
    """A sum kept as typed: its terms in the user's order, nothing collected or cancelled
    (``TypedAdd(w1*x, b1, evaluate=False)``)."""

    __slots__ = ()
    evaluated_class = sympy.Add


class TypedMul(_Typed, sympy.Mul):
    """A product kept as typed (``w·h``, ``2x·v``); a negative one has a single −1 in front
    (``calculus.typed.typed_mul`` builds it so)."""

    __slots__ = ()
    evaluated_class = sympy.Mul

    def __neg__(self) -> Any:
        # −(w·h) stays typed: a printer negates a term to write it after " − ".
        args = self.args[1:] if self.args[0] == -1 else (sympy.S.NegativeOne, *self.args)
        return args[0] if len(args) == 1 else TypedMul(*args, evaluate=False)


def is_negative_number(expr: Any) -> bool:
    """Whether ``expr`` is a negative number, −2 or −1/3 read off its numerator: sympy's
    ``is_negative`` works out every assumption of a number the first time it is asked, which
    for 3,000 distinct coefficients is most of the time a long sum takes to build."""
    if expr.is_Rational:
        return bool(expr.p < 0)
    return bool(expr.is_Number and expr.is_negative)


def _typed(cls: Any, args: tuple[Any, ...]) -> Any:
    return cls(*args, evaluate=False)
