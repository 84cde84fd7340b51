"""How a derivation's symbols and expressions look: ``Notation`` writes Unicode, and a style
that looks different subclasses it (``latex.LatexNotation``), overriding the attributes and
methods marked as the style's below.

Which derivative symbol: every one uses ∂ when ``uses_partial`` says so — several inputs, or
a node on the way from a variable to the output that has several parents — except the total
derivative of the output with respect to a variable when there is only one input: that one is a
true total derivative (``dy/dx = ∂y/∂x + ∂y/∂u · ∂u/∂x``), and writing it with d keeps it apart
from the direct edge ∂y/∂x.

>>> from chainrule import derive
>>> n = Notation(derive("x*sin(x)"))
>>> n.total("x"), n.local("y", "u"), n.operator("x")
('dy/dx', '∂y/∂u', 'd/dx')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.model import Derivation, Verdict
from chainrule.render.printers.common import minus_sign
from chainrule.render.printers.unicode import derivative_symbol, name_unicode, to_unicode


def uses_partial(d: Derivation) -> bool:
    """Whether the derivation's derivatives are partial (∂) rather than ordinary (d).

    Args:
        d: the derivation.

    Returns:
        True with several inputs, or when a node that depends on a chosen variable has several
        parents (its derivative with respect to one of them holds the others fixed).
    """
    if len(d.graph.inputs) > 1:
        return True
    children: dict[str, list[str]] = {}
    for node in d.graph.nodes:
        for parent in node.parents:
            children.setdefault(parent, []).append(node.name)
    reached = set(d.wrt)
    stack = list(reached)
    while stack:  # every name downstream of a chosen variable (no recursion over depth)
        for child in children.get(stack.pop(), ()):
            if child not in reached:
                reached.add(child)
                stack.append(child)
    return any(len(n.parents) > 1 for n in d.graph.nodes if n.name in reached)


class Notation:
    """Symbols and expressions of one derivation, in Unicode."""

    # The style's: between the factors of an unevaluated product, between the nodes of a path,
    # and before a negative term of a sum.
    separator = " · "
    arrow = " → "
    minus = "\u2212"

    def __init__(self, d: Derivation) -> None:
        self.d = d
        self.partial = uses_partial(d)
        self.total_partial = self.partial and len(d.graph.inputs) > 1
        self.inputs = set(d.graph.input_names)
        # The sums the user typed, to print in the order typed wherever they occur.
        self.orders = {frozenset(terms): terms for terms in d.typed_orders}
        # Looked up beside every local factor (a mistake may name it): found once.
        self.verdicts = [s for s in d.steps if isinstance(s, Verdict)]
        self._printed: dict[Any, str] = {}  # expression → its printed form (``expr``)
        # Which rows repeat one another is decided on the Unicode form, so that every style
        # leaves out the same rows.
        self.plain: Notation = self

    # --- the style's ---------------------------------------------------------------------------

    def expr(self, expr: Any) -> str:
        """A sympy expression, printed once however many rows show it (a factor recurs in
        the local derivatives and the reverse pass)."""
        text = self._printed.get(expr)
        if text is None:
            text = self._printed[expr] = self._expr(expr)
        return text

    def _expr(self, expr: Any) -> str:
        return to_unicode(expr, partial=self.partial, orders=self.orders)

    def name(self, name: str) -> str:
        """A symbol's name: ``W₁``, ``θ``."""
        return name_unicode(name)

    def symbol(self, of: str, wrt: str, partial: bool) -> str:
        """A derivative: ``dy/du``, ``∂L/∂W₁``."""
        return derivative_symbol(of, wrt, partial)

    def operator(self, wrt: str) -> str:
        """The operator in a heading: ``d/dx``, ``∂/∂W₁``."""
        d = "∂" if self.total_partial else "d"
        return f"{d}/{d}{self.name(wrt)}"

    def bracket(self, text: str) -> str:
        """Printed math in brackets."""
        return f"({text})"

    def text(self, words: str) -> str:
        """Words among math (in LaTeX they need ``\\text{}``)."""
        return words

    def inline(self, name: str) -> str:
        """A name inside running text (in LaTeX it needs ``$…$``)."""
        return self.name(name)

    # --- built from the above -------------------------------------------------------------------

    def local(self, of: str, wrt: str) -> str:
        """The derivative on one edge of the graph."""
        return self.symbol(of, wrt, self.partial)

    def total(self, wrt: str) -> str:
        """The derivative of the output with respect to a variable (see the module docstring)."""
        return self.symbol(self.d.output, wrt, self.total_partial)

    def adjoint(self, wrt: str) -> str:
        """The upstream gradient at a node: a total derivative at the inputs."""
        if wrt in self.inputs:
            return self.total(wrt)
        return self.symbol(self.d.output, wrt, self.partial)

    def path(self, nodes: Sequence[str]) -> str:
        """A path's nodes, output first: ``y → u → x``."""
        return self.arrow.join(self.name(n) for n in nodes)

    def factors(self, factors: Sequence[Any]) -> list[str]:
        """Each factor printed for an unevaluated product, bracketed where juxtaposition
        would mislead (sums among several factors, negative factors after the first)."""
        out = []
        for i, factor in enumerate(factors):
            text = self.expr(factor)
            if (factor.is_Add and len(factors) > 1) or (i > 0 and minus_sign(factor)):
                text = self.bracket(text)
            out.append(text)
        return out
