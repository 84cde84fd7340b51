"""Intermediates and gradients written out in the inputs: sizes always, forms on demand.

Written out, the gradient of a deep chain grows quadratically with depth, so the engine first
counts how large each written form would be (as numbers, without building it) and builds a
form only when it is asked for and within the limits below.  sympy's own constructors,
assumptions and printers recurse over an expression's depth (building sin(sin(…(y)…)) asks
``is_number`` of the whole argument at every level, in time quadratic in depth), so a form is
also built only up to ``result_max_depth()``, which the recursion limit in force allows: 100
levels at Python's default, 1,225 in chainrule's workers (which raise it to 10,000).  A result
within the size limit is rarely deeper than 100: written out, depth costs size quadratically.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping

import sympy
from sympy.core.traversal import iterargs

from chainrule.calculus.shortcuts import product, total
from chainrule.calculus.typed import replaced, write_out
from chainrule.errors import MathError
from chainrule.model import Graph

RESULT_MAX_NODES = 5_000  # a result in the inputs (and the expression) is written up to this
RESULTS_BUDGET = 50_000  # ... and all the results of one derivation together up to this
EXPAND_LIMIT = 5_000  # an upstream gradient is written out in intermediates up to this ...
EXPAND_BUDGET = 20_000  # ... and all of them together up to this (a deep net stays linear)
# sympy's constructors and printers take about 6 Python frames per level of a form (printing
# a 95-deep result in every format needs a recursion limit of 600): 8 leaves a margin, and
# the frames below the derivation (command, worker, renderer) are reserved.
FRAMES_PER_LEVEL = 8
RESERVED_FRAMES = 200


def tree_size(expr: sympy.Expr) -> int:
    """Number of nodes in the expression tree (iterative).

    Args:
        expr: any sympy expression.

    Returns:
        The count, every occurrence of a shared subexpression counted (as printed).
    """
    count = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        count += 1
        stack.extend(e.args)
    return count


def tree_depth(expr: sympy.Expr) -> int:
    """Depth of the expression tree, an atom being 0 (iterative).

    Args:
        expr: any sympy expression.

    Returns:
        The number of levels below the root.
    """
    deepest = 0
    stack: list[tuple[sympy.Expr, int]] = [(expr, 0)]
    while stack:
        e, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((a, level + 1) for a in e.args)
    return deepest


def substituted_size(
    expr: sympy.Expr, size: Mapping[str, int], depth: Mapping[str, int] | None = None
) -> tuple[int, int]:
    """Size and depth of ``expr`` once every intermediate symbol in it is written out.

    Args:
        expr: a shallow expression in intermediates.
        size: each intermediate's written size.
        depth: each intermediate's written depth (0 for all when None).

    Returns:
        The tree size and depth, counted without building anything.
    """
    total = deepest = 0
    stack: list[tuple[sympy.Expr, int]] = [(expr, 0)]
    while stack:
        e, level = stack.pop()
        if e.is_Symbol and e.name in size:
            total += size[e.name]
            deepest = max(deepest, level + (depth or {}).get(e.name, 0))
            continue
        total += 1
        deepest = max(deepest, level)
        stack.extend((a, level + 1) for a in e.args)
    return total, deepest


def result_max_depth() -> int:
    """How deep a form may be for sympy to build and print it under the recursion limit in
    force: 100 levels at Python's default limit (1,000), 1,225 in chainrule's workers.

    Returns:
        The depth, at least 60.
    """
    return max(60, (sys.getrecursionlimit() - RESERVED_FRAMES) // FRAMES_PER_LEVEL)


def within_limits(size: int, depth: int) -> bool:
    """Whether a form of this size and depth is written out (``RESULT_MAX_NODES``,
    ``result_max_depth``).

    Args:
        size: its tree size.
        depth: its depth.

    Returns:
        True when both are within the limits.
    """
    return size <= RESULT_MAX_NODES and depth <= result_max_depth()


def substitute(expr: sympy.Expr, mapping: Mapping[sympy.Expr, sympy.Expr]) -> sympy.Expr:
    """``expr`` with the keys of ``mapping`` replaced, each rebuilt parent evaluated, as
    ``xreplace`` does, but with an explicit stack: the replacements may be deep.

    f′(u) with u = x + 1 must become Subs(f′(ξ), ξ, x + 1), which only ``subs`` knows; such
    abstract forms go through it.

    Args:
        expr: an expression in intermediates (a gradient, a factor, a definition).
        mapping: intermediate symbol (or a node's rewritten value) → its form in the inputs.

    Returns:
        The expression in the inputs.

    Raises:
        MathError: sympy proves a rebuilt part has no real value (H(√(−1 − x²)) for relu′).
    """
    try:
        if any(isinstance(e, sympy.Derivative) for e in iterargs(expr)):
            return expr.subs(dict(mapping), simultaneous=True)
        return _replace(expr, mapping)
    except (ValueError, TypeError) as exc:
        # Written out, a factor can meet an argument sympy proves has no real value: the
        # input's fault, said in one line.
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise MathError(f"the expression has no real value here: {reason}") from exc


def evaluated(expr: sympy.Expr, mapping: Mapping[sympy.Expr, sympy.Expr]) -> sympy.Expr:
    """``expr`` with the keys of ``mapping`` replaced and every part rebuilt as sympy evaluates
    it: a typed sum or product (``TypedAdd``) comes out as sympy's own.

    Args:
        expr: a typed expression in intermediates.
        mapping: intermediate symbol → its form in the inputs.

    Returns:
        The expression, evaluated.
    """
    return _replace(expr, mapping, every=True)


def _replace(
    expr: sympy.Expr, mapping: Mapping[sympy.Expr, sympy.Expr], *, every: bool = False
) -> sympy.Expr:
    return replaced(expr, mapping, _evaluated, every=every)


def _evaluated(e: sympy.Expr, args: list[sympy.Expr]) -> sympy.Expr:
    if e.func is sympy.Mul:
        return product(args)
    if e.func is sympy.Add:
        return total(args)
    return e.func(*args)


class Written:
    """Every intermediate of a graph written in the inputs: its size at once, its form (as
    evaluated, for the maths, and as typed, for a reader) when first asked for.

    >>> import sympy
    >>> from chainrule.calculus.decompose import decompose
    >>> from chainrule.read.program import parse
    >>> graph = decompose(parse("sin(x**2)"))
    >>> w = Written(graph)
    >>> w.size["y"], w.full("y"), w.typed("y")
    (4, sin(x**2), sin(x**2))
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.nodes = {n.name: n for n in graph.nodes}
        self.size: dict[str, int] = {}
        self.depth: dict[str, int] = {}
        self._value: dict[str, sympy.Expr] = {}
        self._shown: dict[str, sympy.Expr] = {}
        self._parents: dict[str, list[str]] = {}
        for node in graph.nodes:
            # A node derived in a rewritten form (e^w for u^v) is written as typed (u^v).
            shown = node.definition if node.written is None else node.written
            value = node.value if node.written is None else node.written.func(*shown.args)
            self._shown[node.name], self._value[node.name] = shown, value
            names = {s.name for s in shown.free_symbols | value.free_symbols}
            self._parents[node.name] = sorted(names & self.nodes.keys())
            self.size[node.name], self.depth[node.name] = substituted_size(
                value, self.size, self.depth
            )
        self._full: dict[str, sympy.Expr] = {}
        self._typed: dict[str, sympy.Expr] = {}
        self.rewritten = [n for n in graph.nodes if n.written is not None]

    def full(self, name: str) -> sympy.Expr | None:
        """The intermediate ``name`` in the inputs, evaluated; None past the limits."""
        return self._form(name, self._full, self._full_of)

    def typed(self, name: str) -> sympy.Expr | None:
        """The intermediate ``name`` in the inputs as typed (|x|³ stays |x|³); None when large.

        The typed forms never enter sympy's evaluation: its functions assume canonical
        arguments (cos of a product π·π·x as typed is not cos(π²x) to them).
        """
        return self._form(name, self._typed, self._typed_of)

    def in_inputs(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr``, written in intermediates, written in the inputs (the caller has checked
        its size with ``size_of``)."""
        names = {s.name for s in expr.free_symbols} & self.nodes.keys()
        mapping: dict[sympy.Expr, sympy.Expr] = {}
        for name in names:
            form = self.full(name)
            if form is not None:
                mapping[self.nodes[name].symbol] = form
        for node in self.rewritten:
            # Wherever it appears whole, a rewritten node's value is written back as typed.
            if not {s.name for s in node.value.free_symbols} & names:
                continue
            form = self.full(node.name)
            if form is not None:
                mapping[node.value] = form
        return substitute(expr, mapping)

    def size_of(self, expr: sympy.Expr) -> tuple[int, int]:
        """The size and depth of ``expr`` (in intermediates) once written in the inputs."""
        return substituted_size(expr, self.size, self.depth)

    def _form(
        self, name: str, memo: dict[str, sympy.Expr], build: Callable[[str], sympy.Expr]
    ) -> sympy.Expr | None:
        if not within_limits(self.size[name], self.depth[name]):
            return None
        stack = [name]
        while stack:
            top = stack[-1]
            if top in memo:
                stack.pop()
                continue
            # Each parent is no larger nor deeper than the node, so within the limits too.
            missing = [p for p in self._parents[top] if p not in memo]
            if missing:
                stack.extend(missing)
                continue
            memo[top] = build(top)
            stack.pop()
        return memo[name]

    def _full_of(self, name: str) -> sympy.Expr:
        mapping = {self.nodes[p].symbol: self._full[p] for p in self._parents[name]}
        return substitute(self._value[name], mapping)

    def _typed_of(self, name: str) -> sympy.Expr:
        mapping = {self.nodes[p].symbol: self._typed[p] for p in self._parents[name]}
        return write_out(self._shown[name], mapping)
