"""The nodes a decomposition has built so far: each subexpression as typed and as evaluated,
one node per distinct value, and which of the user's symbols each node depends on.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> table = NodeTable("x + 1", {}, limit=10)
>>> u = table.generated(Value(x + 1, x + 1))
>>> table.generated(Value(x + 1, x + 1)) is u, table.inputs(u)
(True, frozenset({'x'}))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import sympy

from chainrule.errors import LimitError
from chainrule.model import Node


class Value(NamedTuple):
    """A subexpression as typed and as sympy evaluates it, and its inline depth."""

    typed: sympy.Expr
    evaluated: sympy.Expr
    depth: int = 0


def same(expr: sympy.Expr) -> Value:
    """A value typed as sympy writes it (a symbol, a constant, a function application).

    Args:
        expr: the expression.

    Returns:
        The value, typed and evaluated alike.
    """
    return Value(expr, expr)


class NodeTable:
    """Nodes in evaluation order; generated ones are named ``\\0<n>`` until renamed, or as
    ``names`` predicts they will be.

    Args:
        source: the program's text, for the limit's error.
        assumptions: for the symbols of generated nodes (``real=True``).
        limit: the most nodes there may be.
        names: the k-th generated node's final name (k from 1), or None for a placeholder
            (``names.predicted_names``); placeholders for all when None.
    """

    def __init__(
        self,
        source: str,
        assumptions: dict[str, bool],
        limit: int,
        names: Callable[[int], str | None] | None = None,
    ) -> None:
        self.source = source
        self.assumptions = assumptions
        self.limit = limit
        self.names = names
        self.count = 0  # generated nodes so far
        self.nodes: list[Node] = []
        self.index: dict[str, Node] = {}
        self.by_value: dict[object, sympy.Symbol] = {}
        self.written: dict[sympy.Expr, sympy.Expr] = {}  # e^w → u^v, as typed
        self.reaches: dict[str, frozenset[str]] = {}  # node → the inputs it depends on

    def generated(self, value: Value) -> sympy.Symbol:
        """The node for ``value``: an existing one with the same value, or a new one.

        Args:
            value: the subexpression.

        Returns:
            The node's symbol (a placeholder, or its predicted name).

        Raises:
            LimitError: more than ``limit`` nodes.
        """
        existing = self.by_value.get(_key(value))
        if existing is not None:
            return existing
        self.count += 1
        name = None if self.names is None else self.names(self.count)
        sym = sympy.Symbol(name or f"\0{len(self.nodes) + 1}", **self.assumptions)
        self.add(sym, value, by_user=False)
        return sym

    def add(self, sym: sympy.Symbol, value: Value, by_user: bool) -> None:
        """Append a node ``sym = value``.

        Args:
            sym: its symbol (its name is the node's).
            value: its definition, typed and evaluated.
            by_user: whether the user named it (an assignment).

        Raises:
            LimitError: more than ``limit`` nodes.
        """
        if len(self.nodes) >= self.limit:
            raise LimitError(
                f"the computation has more than {self.limit:,} intermediates", source=self.source
            )
        typed, evaluated = value.typed, value.evaluated
        node = Node(
            sym.name,
            sym,
            typed,
            parents_in_order(typed),
            by_user,
            evaluated=None if evaluated is typed or evaluated == typed else evaluated,
            written=self.written.get(typed),
        )
        self.nodes.append(node)
        self.index[sym.name] = node
        if not by_user:
            self.by_value[_key(value)] = sym

    def inputs(self, expr: sympy.Expr) -> frozenset[str]:
        """The names of the non-node symbols ``expr`` depends on, through the nodes.

        Args:
            expr: an expression in node symbols and inputs.

        Returns:
            The input names.
        """
        found: set[str] = set()
        for s in expr.free_symbols:
            found |= self._reach(s.name)
        return frozenset(found)

    def _reach(self, name: str) -> frozenset[str]:
        """The inputs a name depends on, memoized: each node is visited once (post-order)."""
        if name not in self.index:
            return frozenset({name})
        stack = [(name, False)]
        while stack:
            current, ready = stack.pop()
            if current in self.reaches:
                continue
            parents = self.index[current].parents
            inner = [p for p in parents if p in self.index]
            if ready:
                leaves = {p for p in parents if p not in self.index}
                self.reaches[current] = frozenset(leaves.union(*(self.reaches[p] for p in inner)))
            else:
                stack.append((current, True))
                stack.extend((p, False) for p in inner if p not in self.reaches)
        return self.reaches[name]


def parents_in_order(expr: sympy.Expr) -> tuple[str, ...]:
    """The names of the symbols in ``expr`` in the order they are first typed (w·h: w, h).

    Args:
        expr: a definition.

    Returns:
        The names, each once.
    """
    names: dict[str, None] = {}
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.is_Symbol:
            names.setdefault(e.name)
        else:
            stack.extend(reversed(e.args))
    return tuple(names)


def _key(value: Value) -> object:
    """What makes two subexpressions one node: the same value on the same symbols (x + 1 and
    1 + x are one node; x − x and y − y, both 0, are not)."""
    if value.evaluated is value.typed:
        return value.typed
    return (value.evaluated, frozenset(value.typed.free_symbols))
