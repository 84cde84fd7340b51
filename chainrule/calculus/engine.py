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

from chainrule.calculus.typed import write_out
from chainrule.errors import MathError, VariableError
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
EXPAND_LIMIT = 120  # an upstream gradient is written out in intermediates up to this tree size
RESULT_MAX_NODES = 400  # a result in the inputs is written out up to this tree size ...
RESULT_MAX_DEPTH = 60  # ... and this depth (sympy's own printers recurse over depth)


def differentiate(graph: Graph, wrt: Sequence[str]) -> Derivation:
    """Apply the chain rule to ``graph`` for each variable in ``wrt``.

    Args:
        graph: from ``decompose``.
        wrt: names of inputs (or intermediates) to differentiate the output with respect to.

    Returns:
        A ``Derivation`` whose steps are the decomposition, the local derivatives, the
        reverse pass and one ``ChainRule`` per variable.

    Raises:
        VariableError: a name in ``wrt`` is neither an input nor an intermediate.
    """
    return _Engine(graph, wrt).run()


class _Engine:
    def __init__(self, graph: Graph, wrt: Sequence[str]) -> None:
        self.graph = graph
        self.wrt = tuple(dict.fromkeys(wrt))
        known = set(graph.input_names) | {n.name for n in graph.nodes}
        for name in self.wrt:
            # A constant has derivative 0 with respect to anything the user names.
            if name not in known and graph.inputs:
                names = ", ".join(graph.input_names) or "none"
                raise VariableError(
                    f"unknown variable '{name}'; the variables are: {names}",
                    source=graph.source,
                )
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
        full, typed, full_size, full_depth = self._full_expressions()
        # Intermediates written in the inputs, shared by every variable's result; a node derived
        # in a rewritten form (e^w for u^v) is written back as typed wherever it appears whole.
        self.written_out: dict[sympy.Expr, sympy.Expr] = {
            self.symbol[n]: e for n, e in full.items()
        }
        self.written_out |= {
            n.value: full[n.name] for n in graph.nodes if n.written is not None and n.name in full
        }
        adjoints = self._reverse_pass(relevant, factors, full_size)
        out = graph.output
        chains = [self._chain_rule(w, adjoints, full_size, full_depth) for w in self.wrt]
        steps: list[Step] = [Decomposition(graph.nodes, graph.inputs)]
        steps.extend(factors.values())
        steps.extend(adjoints[name] for name in self._reverse_order(relevant) if name != out)
        steps.extend(_with_paths(chains, self, factors))
        notes: list[Note] = []
        if not graph.inputs and any(w not in self.position for w in self.wrt):
            notes.append(Note("constant"))
        return Derivation(
            graph=graph,
            wrt=self.wrt,
            steps=tuple(steps),
            expression=typed.get(out),
            expression_size=full_size[out],
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
            for parent in node.parents:
                if parent in relevant:
                    derivative = local_derivative(node.value, self.symbol[parent])
                    factors[(node.name, parent)] = LocalDerivative(node.name, parent, derivative)
        return factors

    def _reverse_pass(
        self,
        relevant: set[str],
        factors: dict[tuple[str, str], LocalDerivative],
        full_size: dict[str, int],
    ) -> dict[str, Adjoint]:
        """Each relevant name's upstream gradient, computed once from its children's.

        Alongside, ``self.result_size`` gets the tree size of each gradient written in the
        inputs, counted without building it.
        """
        out = self.graph.output
        expanded: dict[str, sympy.Expr | None] = {out: sympy.Integer(1)}
        size: dict[str, int] = {out: 1}
        self.result_size: dict[str, int] = {out: 1}
        adjoints: dict[str, Adjoint] = {}
        for name in self._reverse_order(relevant):
            if name == out:
                continue
            children = [c for c in self.children.get(name, ()) if (c, name) in factors]
            terms = tuple(AdjointTerm(c, factors[(c, name)].derivative) for c in children)
            recurrence = sympy.Add(*(_upstream(out, t.child) * t.factor for t in terms))
            estimate = sum(size[t.child] + tree_size(t.factor) + 1 for t in terms)
            size[name] = estimate
            self.result_size[name] = sum(
                self.result_size[t.child] + _substituted_size(t.factor, full_size, {})[0] + 1
                for t in terms
            )
            parts = [expanded.get(t.child) for t in terms]
            if estimate <= EXPAND_LIMIT and all(p is not None for p in parts):
                value: sympy.Expr | None = sympy.Add(
                    *(p * t.factor for p, t in zip(parts, terms, strict=True))
                )
            else:
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

    def _full_expressions(
        self,
    ) -> tuple[dict[str, sympy.Expr], dict[str, sympy.Expr], dict[str, int], dict[str, int]]:
        """Each node written in the inputs while small, evaluated (for the maths) and as typed
        (for a reader: |x|³ stays |x|³); sizes and depths always (as numbers).

        The typed forms never enter sympy's evaluation: its functions assume canonical
        arguments (cos of a product π·π·x as typed is not cos(π²x) to them).
        """
        full: dict[str, sympy.Expr] = {}
        typed: dict[str, sympy.Expr] = {}
        size: dict[str, int] = {}
        depth: dict[str, int] = {}
        for node in self.graph.nodes:
            shown = node.definition if node.written is None else node.written
            value = node.value if node.written is None else node.written.func(*shown.args)
            s, d = _substituted_size(value, size, depth)
            size[node.name], depth[node.name] = s, d
            if s <= RESULT_MAX_NODES and d <= RESULT_MAX_DEPTH:
                names = {sym.name for sym in shown.free_symbols | value.free_symbols}
                full[node.name] = _substitute(
                    value, {self.symbol[p]: full[p] for p in names & full.keys()}
                )
                mapping = {self.symbol[p]: typed[p] for p in names & typed.keys()}
                typed[node.name] = write_out(shown, mapping)
        return full, typed, size, depth

    def _chain_rule(
        self,
        wrt: str,
        adjoints: dict[str, Adjoint],
        full_size: dict[str, int],
        full_depth: dict[str, int],
    ) -> ChainRule:
        out = self.graph.output
        if wrt == out:
            one = sympy.Integer(1)
            return ChainRule(wrt, (), (Path((out,), (), one),), 1, one, True, one, 1)
        adjoint = adjoints[wrt]
        in_intermediates = adjoint.expression
        result: sympy.Expr | None = None
        if adjoint.expanded:
            size, d = _substituted_size(in_intermediates, full_size, full_depth)
        else:
            size, d = self.result_size[wrt], RESULT_MAX_DEPTH + 1
        if adjoint.expanded and size <= RESULT_MAX_NODES and d <= RESULT_MAX_DEPTH:
            result = _substitute(in_intermediates, self.written_out)
        edges = tuple(self.edges_from.get(wrt, ()))
        return ChainRule(
            wrt=wrt,
            factors=edges,
            paths=None,
            path_count=0,
            in_intermediates=in_intermediates,
            expanded=adjoint.expanded,
            result=result,
            result_size=size,
        )


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
        through ``diff``.
    """
    if (
        isinstance(definition, sympy.Function)
        and not isinstance(definition, AppliedUndef)
        and definition.args == (variable,)
        and variable.is_real  # for complex arguments sympy's diff knows more (|z|′ is not sign)
        and type(definition).fdiff is not sympy.Function.fdiff
    ):
        return definition.fdiff(1)
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


def _substitute(expr: sympy.Expr, mapping: dict[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    """``expr`` with intermediates written out.  f′(u) with u = x + 1 must become
    Subs(f′(ξ), ξ, x + 1) — only ``subs`` knows that — while ``xreplace`` is much faster for
    everything else."""
    try:
        if expr.has(sympy.Derivative):
            return expr.subs(mapping, simultaneous=True)
        return expr.xreplace(mapping)
    except (ValueError, TypeError) as exc:
        # Written out, a factor can meet an argument sympy proves has no real value
        # (H(√(−1 − x²)) for relu′): the input's fault, said in one line.
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise MathError(f"the expression has no real value here: {reason}") from exc


def _upstream(out: str, child: str) -> sympy.Expr:
    return sympy.Integer(1) if child == out else Upstream(out, child)


def tree_size(expr: sympy.Expr) -> int:
    """Number of nodes in the expression tree (iterative)."""
    count = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        count += 1
        stack.extend(e.args)
    return count


def _substituted_size(
    expr: sympy.Expr, size: dict[str, int], depth: dict[str, int]
) -> tuple[int, int]:
    """Size and depth of ``expr`` once every intermediate symbol in it is written out."""
    total = 0
    deepest = 0
    stack: list[tuple[sympy.Expr, int]] = [(expr, 0)]
    while stack:
        e, level = stack.pop()
        if e.is_Symbol and e.name in size:
            total += size[e.name]
            deepest = max(deepest, level + depth.get(e.name, 0))
            continue
        total += 1
        deepest = max(deepest, level)
        stack.extend((a, level + 1) for a in e.args)
    return total, deepest
