"""Graph + variables → Derivation: the chain rule, edge by edge.

The engine does what backpropagation does (micrograd's ``backward``): one local factor per
edge, then a single reverse pass in topological order in which each node's upstream gradient
is the sum, over its children, of the child's upstream gradient times the local factor.  Each
upstream gradient is computed once and reused by name, so the cost is proportional to the
number of edges, never to the number of paths.  Paths and their products are listed only
while there are few; expanded forms are written out only while they stay small.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import sympy
from sympy.core.function import AppliedUndef

from chainrule.calculus.shortcuts import (
    applied_derivative,
    linear_derivative,
    product,
    sum_of_products,
    total,
)
from chainrule.calculus.textbook import textbook_derivative
from chainrule.calculus.written import (
    EXPAND_BUDGET,
    EXPAND_LIMIT,
    RESULT_MAX_NODES,
    RESULTS_BUDGET,
    Written,
    result_max_depth,
    tree_depth,
    tree_size,
    within_limits,
)
from chainrule.model import (
    Adjoint,
    AdjointTerm,
    ChainRule,
    Decomposition,
    Derivation,
    Graph,
    LocalDerivative,
    Note,
    Path,
    Step,
    Upstream,
)

MAX_PATHS = 16  # per variable: more paths than this and the adjoint recursion is shown instead
PATH_BUDGET = 400  # all listed paths together may hold at most this many nodes
__all__ = [
    "EXPAND_LIMIT",
    "RESULT_MAX_NODES",
    "differentiate",
    "local_derivative",
    "tree_size",
]


def differentiate(graph: Graph, wrt: Sequence[str]) -> Derivation:
    """Apply the chain rule to ``graph`` for each variable in ``wrt``.

    Args:
        graph: from ``decompose``.
        wrt: names of inputs (or intermediates) to differentiate the output with respect to.

    Returns:
        A ``Derivation`` whose steps are the decomposition, the local derivatives, the
        reverse pass and one ``ChainRule`` per variable.  A name in ``wrt`` that is neither an
        input nor an intermediate gets the derivative 0 and the note ``absent_variable``
        (``constant`` when there are no inputs at all).

    Raises:
        MathError: a factor written out in the inputs has no real value.
    """
    return _Engine(graph, wrt).run()


class _Engine:
    def __init__(self, graph: Graph, wrt: Sequence[str]) -> None:
        self.graph = graph
        self.wrt = tuple(dict.fromkeys(wrt))
        known = set(graph.input_names) | {n.name for n in graph.nodes}
        # A name that does not occur has derivative 0, with a note: in a pipeline every line
        # shares one --wrt, and a line without that variable is as constant in it as 2^3 is.
        self.absent = tuple(name for name in self.wrt if name not in known)
        self.order = [n.name for n in graph.nodes]
        self.position = {name: i for i, name in enumerate(self.order)}
        self.symbol = dict(graph.symbols)
        self.children: dict[str, list[str]] = {}
        for n in graph.nodes:
            for p in n.parents:
                self.children.setdefault(p, []).append(n.name)

    def run(self) -> Derivation:
        graph = self.graph
        relevant = self._downstream(self.wrt)
        factors = self._local_derivatives(relevant)
        self.edges_from: dict[str, list[LocalDerivative]] = {}
        for f in factors.values():
            self.edges_from.setdefault(f.wrt, []).append(f)
        # Intermediates written in the inputs, shared by every variable's result: their sizes
        # now, each form when a result or the heading needs it.
        self.written = Written(graph)
        adjoints = self._reverse_pass(relevant, factors)
        out = graph.output
        self.results_left = RESULTS_BUDGET
        self.in_inputs: dict[str, sympy.Expr] = {out: sympy.Integer(1)}
        chains = [self._chain_rule(w, adjoints, factors) for w in self.wrt]
        steps: list[Step] = [Decomposition(graph.nodes, graph.inputs)]
        steps.extend(factors.values())
        steps.extend(adjoints[name] for name in self._reverse_order(relevant) if name != out)
        steps.extend(_with_paths(chains, self, factors))
        notes: list[Note] = []
        if not graph.inputs and self.absent:
            notes.append(Note("constant"))
        else:
            notes.extend(Note("absent_variable", (("name", name),)) for name in self.absent)
        return Derivation(
            graph=graph,
            wrt=self.wrt,
            steps=tuple(steps),
            expression=self.written.typed(out),
            expression_size=self.written.size[out],
            notes=graph.notes + tuple(notes),
        )

    # -- structure ---------------------------------------------------------------------------

    def _downstream(self, roots: Iterable[str]) -> set[str]:
        """Every name reachable from ``roots`` along edges (the roots included)."""
        seen = set(roots)
        stack = list(seen)
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def _reverse_order(self, relevant: set[str]) -> list[str]:
        """Relevant intermediates from the output down, then relevant inputs in wrt order."""
        nodes = [n for n in reversed(self.order) if n in relevant]
        inputs = [w for w in self.wrt if w not in self.position]
        return nodes + inputs

    def _local_derivatives(self, relevant: set[str]) -> dict[tuple[str, str], LocalDerivative]:
        """∂child/∂parent for every edge whose parent depends on a variable, output side first."""
        factors: dict[tuple[str, str], LocalDerivative] = {}
        for node in reversed(self.graph.nodes):
            if node.name not in relevant:
                continue
            terms = _terms_by_symbol(node.value)
            for parent in node.parents:
                if parent in relevant:
                    symbol = self.symbol[parent]
                    # Of a sum only the terms that hold the parent: sympy's diff of a sum of n
                    # terms takes n steps, once per parent, so n² for a sum of n sin(k·x).
                    part = node.value if terms is None else sympy.Add(*terms.get(symbol, ()))
                    derivative = local_derivative(part, symbol)
                    factors[(node.name, parent)] = LocalDerivative(node.name, parent, derivative)
        return factors

    def _reverse_pass(
        self,
        relevant: set[str],
        factors: dict[tuple[str, str], LocalDerivative],
    ) -> dict[str, Adjoint]:
        """Each relevant name's upstream gradient, computed once from its children's.

        Alongside, ``self.result_size`` gets the tree size of each gradient written in the
        inputs, counted without building it.
        """
        out = self.graph.output
        expanded: dict[str, sympy.Expr | None] = {out: sympy.Integer(1)}
        size: dict[str, int] = {out: 1}
        self.result_size: dict[str, int] = {out: 1}
        self.result_depth: dict[str, int] = {out: 0}
        adjoints: dict[str, Adjoint] = {}
        budget = EXPAND_BUDGET
        for name in self._reverse_order(relevant):
            if name == out:
                continue
            children = [c for c in self.children.get(name, ()) if (c, name) in factors]
            terms = tuple(AdjointTerm(c, factors[(c, name)].derivative) for c in children)
            recurrence = sum_of_products([(_upstream(out, t.child), t.factor) for t in terms])
            estimate = sum(size[t.child] + tree_size(t.factor) + 1 for t in terms)
            size[name] = estimate
            written = [self.written.size_of(t.factor) for t in terms]
            self.result_size[name] = sum(
                self.result_size[t.child] + w[0] + 1 for t, w in zip(terms, written, strict=True)
            )
            self.result_depth[name] = max(
                (
                    max(self.result_depth[t.child], w[1]) + 2
                    for t, w in zip(terms, written, strict=True)
                ),
                default=0,
            )
            parts = [expanded.get(t.child) for t in terms]
            value: sympy.Expr | None = None
            if estimate <= min(EXPAND_LIMIT, budget) and all(p is not None for p in parts):
                value = total([product((p, t.factor)) for p, t in zip(parts, terms, strict=True)])
                budget -= estimate
                # Each part is at most result_max_depth() deep, so sympy built this safely.
                if tree_depth(value) > result_max_depth():
                    value = None
            expanded[name] = value
            adjoints[name] = Adjoint(
                of=out,
                wrt=name,
                terms=terms,
                recurrence=recurrence,
                expression=value if value is not None else recurrence,
                expanded=value is not None,
                reuses=tuple(t.child for t in terms if t.child != out),
            )
        return adjoints

    # -- the output and results written in the inputs ----------------------------------------

    def _chain_rule(
        self,
        wrt: str,
        adjoints: dict[str, Adjoint],
        factors: dict[tuple[str, str], LocalDerivative],
    ) -> ChainRule:
        out = self.graph.output
        if wrt == out:
            one = sympy.Integer(1)
            return ChainRule(wrt, (), (Path((out,), (), one),), 1, one, True, one, 1)
        adjoint = adjoints[wrt]
        in_intermediates = adjoint.expression
        if adjoint.expanded:
            size, depth = self.written.size_of(in_intermediates)
        else:
            size, depth = self.result_size[wrt], self.result_depth[wrt]
        result: sympy.Expr | None = None
        if within_limits(size, depth) and size <= self.results_left:
            self.results_left -= size
            if adjoint.expanded:
                result = self.written.in_inputs(in_intermediates)
            else:
                result = self._by_recurrence(wrt, factors)
        return ChainRule(
            wrt=wrt,
            factors=tuple(self.edges_from.get(wrt, ())),
            paths=None,
            path_count=0,
            in_intermediates=in_intermediates,
            expanded=adjoint.expanded,
            result=result,
            result_size=size,
        )

    def _by_recurrence(
        self, wrt: str, factors: dict[tuple[str, str], LocalDerivative]
    ) -> sympy.Expr:
        """The upstream gradient of ``wrt`` in the inputs, from its children's in the inputs,
        where it is small although written in intermediates it would not be (a long chain of
        small factors): each child's is no larger nor deeper, so within the limits too."""
        memo = self.in_inputs
        stack = [wrt]
        while stack:
            name = stack[-1]
            if name in memo:
                stack.pop()
                continue
            kids = [c for c in self.children.get(name, ()) if (c, name) in factors]
            missing = [c for c in kids if c not in memo]
            if missing:
                stack.extend(missing)
                continue
            memo[name] = sympy.Add(
                *(memo[c] * self.written.in_inputs(factors[(c, name)].derivative) for c in kids)
            )
            stack.pop()
        return memo[wrt]


def local_derivative(definition: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """∂definition/∂variable for one node's shallow definition.

    Args:
        definition: a node's definition.
        variable: one of its parents' symbols.

    Returns:
        The derivative; for ``f(variable)`` with a known ``f`` it is ``f``'s own ``fdiff``
        (σ(a)(1 − σ(a)) for the sigmoid), skipping sympy's ``Derivative`` machinery, which
        costs ten times more and returns the same expression.  A function whose derivative
        sympy knows only through ``diff`` (sign′ = 2δ, 0 away from 0, as H′ = δ) goes
        through ``diff``.  Where a textbook's table writes it otherwise (tan′ = sec²,
        acosh′ = 1/√(u² − 1), d/du u^v = v·u^(v−1)), ``textbook.textbook_derivative``'s form.
    """
    textbook = textbook_derivative(definition, variable)
    if textbook is not None:
        return textbook
    linear = linear_derivative(definition, variable)  # 3·x, w·x + b: sympy's, 10× faster
    if linear is not None:
        return linear
    if (
        isinstance(definition, sympy.Function)
        and not isinstance(definition, AppliedUndef)
        and definition.args == (variable,)
        and variable.is_real  # for complex arguments sympy's diff knows more (|z|′ is not sign)
        and type(definition).fdiff is not sympy.Function.fdiff
    ):
        return applied_derivative(definition)  # cos(u) for sin(u): built once per kind
    return sympy.diff(definition, variable)


def _with_paths(
    chains: list[ChainRule], engine: _Engine, factors: dict[tuple[str, str], LocalDerivative]
) -> list[ChainRule]:
    """Attach the list of paths to every ChainRule when they are few and short enough."""
    out = engine.graph.output
    count: dict[str, int] = {out: 1}
    length: dict[str, int] = {out: 1}  # total nodes over all paths from a name to the output
    for name in list(reversed(engine.order)) + list(engine.graph.input_names):
        if name == out:
            continue
        kids = [c for c in engine.children.get(name, ()) if (c, name) in factors]
        count[name] = sum(count.get(c, 0) for c in kids)
        length[name] = sum(length.get(c, 0) + count.get(c, 0) for c in kids)
    total = sum(length.get(c.wrt, 0) for c in chains)
    listable = total <= PATH_BUDGET and all(count.get(c.wrt, 0) <= MAX_PATHS for c in chains)
    result = []
    for chain in chains:
        n = count.get(chain.wrt, 1 if chain.wrt == out else 0)
        if not listable or chain.wrt == out:
            result.append(dataclasses.replace(chain, path_count=n))
            continue
        paths = _enumerate_paths(chain.wrt, out, engine.children, factors)
        on_paths = {(a, b) for p in paths for a, b in zip(p.nodes, p.nodes[1:], strict=False)}
        edges = tuple(f for key, f in factors.items() if key in on_paths)
        result.append(dataclasses.replace(chain, paths=tuple(paths), path_count=n, factors=edges))
    return result


def _enumerate_paths(
    start: str,
    out: str,
    children: dict[str, list[str]],
    factors: dict[tuple[str, str], LocalDerivative],
) -> list[Path]:
    """Every path from the output down to ``start``, output first (iterative DFS)."""
    paths: list[Path] = []
    stack: list[list[str]] = [[start]]
    while stack:
        trail = stack.pop()
        head = trail[-1]
        if head == out:
            nodes = tuple(reversed(trail))
            fs = tuple(factors[(a, b)].derivative for a, b in zip(nodes, nodes[1:], strict=False))
            paths.append(Path(nodes, fs, sympy.Mul(*fs)))
            continue
        for child in reversed(children.get(head, [])):
            if (child, head) in factors:
                stack.append(trail + [child])
    return paths


def _terms_by_symbol(value: sympy.Expr) -> dict[sympy.Symbol, list[sympy.Expr]] | None:
    """A long sum's terms grouped by the symbols each holds (None for anything else)."""
    if not value.is_Add or len(value.args) < 4:
        return None
    terms: dict[sympy.Symbol, list[sympy.Expr]] = {}
    for term in value.args:
        for symbol in term.free_symbols:
            terms.setdefault(symbol, []).append(term)
    return terms


def _upstream(out: str, child: str) -> sympy.Expr:
    return sympy.Integer(1) if child == out else Upstream(out, child)
