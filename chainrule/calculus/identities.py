"""Gradients re-expressed in the user's named nodes, as an ML text writes them.

For ``a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))`` the engine multiplies out
the local factors and gets ∂L/∂a = σ(a)(1 − σ(a))(−(y − 1)/v − y/p), where every ML course
writes p − y.  Getting there is not simplification — sympy knows nothing of p = σ(a) — but
re-expression in the forward values that backprop caches:

* **rename**: a node's definition is replaced by its name wherever it occurs (σ(a) → p,
  tanh(a) → h, exp(z₁) → e₁, e₁/s → p₁);
* **eliminate**: a symbol is written through a node's rational definition, inlined where the
  node is a sum (v → 1 − p, y₂ → 1 − y₁) or solved for where it is a product or quotient
  (e₁ = p₁·s from p₁ = e₁/s); then the result is cancelled and renamed again;
* the shortest form wins (sympy's ``count_ops``); on a tie, the one whose names lie nearest the
  node differentiated by (∂L/∂z₁ = p₁ − 1 rather than −p₂, which the same program allows).

Each upstream gradient is re-expressed from its recurrence with its children's forms put in,
so every search starts small.  A local factor is only renamed (σ(a)(1 − σ(a)) = p(1 − p), its
``cached`` form).  Expressions larger than ``MAX_SIZE`` are never searched, and at most
``MAX_SEARCHES`` gradients per derivation are, within ``TIME_BUDGET`` seconds, so a 1000-layer
chain costs a handful of small searches near its output and a rename per edge.  Every form is
cross-checked numerically (``check.verify``) before it is shown.

>>> from chainrule.api import derive
>>> d = derive("a = w*x + b; p = sigmoid(a); L = -(y*ln(p) + (1-y)*ln(1-p))", "all")
>>> {adj.wrt: str(adj.in_nodes) for adj in d.adjoints if adj.wrt in ("a", "w")}
{'a': 'p - y', 'w': 'x*(p - y)'}
>>> [str(f.cached) for f in d.local_derivatives if f.cached is not None]
['p*(1 - p)']
"""

from __future__ import annotations

import dataclasses
import time

import sympy

from chainrule.calculus.engine import tree_size
from chainrule.model import Adjoint, ChainRule, Derivation, LocalDerivative, Node, Step, Upstream

MAX_SIZE = 40  # tree size of the largest expression searched or renamed (3-class softmax: 28)
MAX_SEARCHES = 64  # upstream gradients searched per derivation, nearest the output first
# Seconds of searching per derivation: cancel's cost varies with the expression, not only with
# its size, so past this the remaining gradients keep their forms (the check still runs).
TIME_BUDGET = 1.0


def with_identities(derivation: Derivation) -> Derivation:
    """The derivation with its local factors' ``cached`` forms and its gradients' ``in_nodes``.

    Args:
        derivation: from ``engine.differentiate``.

    Returns:
        A copy whose ``LocalDerivative.cached``, ``Adjoint.in_nodes`` and
        ``ChainRule.in_nodes`` are set where a form in the named nodes differs (a factor) or is
        shorter (a gradient); the derivation itself when no intermediate is the user's (a
        plain expression).
    """
    if not any(n.named_by_user for n in derivation.graph.nodes):
        return derivation  # a plain expression: no name of the user's to write it in
    forward = _Forward(derivation)
    local: dict[tuple[str, str], LocalDerivative] = {}
    for factor in derivation.local_derivatives:
        cached = forward.cached(factor.derivative)
        local[(factor.of, factor.wrt)] = dataclasses.replace(factor, cached=cached)
    adjoints = forward.adjoints(derivation.adjoints)
    steps: list[Step] = []
    for step in derivation.steps:
        new: Step = step
        if isinstance(step, LocalDerivative):
            new = local[(step.of, step.wrt)]
        elif isinstance(step, Adjoint):
            new = adjoints.get(step.wrt, step)
        elif isinstance(step, ChainRule):
            found = adjoints.get(step.wrt)
            factors = tuple(local.get((f.of, f.wrt), f) for f in step.factors)
            in_nodes = None if found is None else found.in_nodes
            new = dataclasses.replace(step, factors=factors, in_nodes=in_nodes)
        steps.append(new)
    return dataclasses.replace(derivation, steps=tuple(steps))


class _Forward:
    """The forward values a form may name: the user's named nodes and aside assignments.

    Generated intermediates are written out where that helps (v = 1 − p) but never named: a
    form in them would read as an artefact of the decomposition (in ``2x·sin(3x)`` with
    u = 3x, 6x·cos(u) is not 2u·cos(u) to anyone), so a plain expression keeps its forms.
    """

    def __init__(self, derivation: Derivation) -> None:
        graph = derivation.graph
        nodes: tuple[Node, ...] = (*graph.nodes, *graph.aside)
        self.node = {n.name: n for n in nodes}
        self.children: dict[str, list[Node]] = {}  # every edge: how near a name is
        self.named: dict[str, list[Node]] = {}  # the edges into the nodes to name
        # Generated nodes other than sums are named on the way and written back at the end
        # (``plain``): in p₁ = exp(z₁)/s, exp(z₁) → u lets u/s → p₁ match, and the form
        # p₁ − 1 names nothing of chainrule's.
        self.hidden: dict[sympy.Expr, sympy.Expr] = {}
        for n in nodes:
            for parent in dict.fromkeys(n.parents):
                self.children.setdefault(parent, []).append(n)
                if n.named_by_user or not _is_sum(n.value):
                    self.named.setdefault(parent, []).append(n)
            if not n.named_by_user and not _is_sum(n.value):
                self.hidden[n.symbol] = n.value
        # The sums the decomposition named (v = 1 − p inside ln(1 − p)): each in its two signs,
        # to turn a sum the way it was typed (``oriented``).
        sums = [n for n in graph.nodes if not n.named_by_user and _is_sum(n.value)]
        self.to_sums = {n.value: n.symbol for n in sums} | {-n.value: -n.symbol for n in sums}
        self.from_sums = {n.symbol: n.value for n in sums}
        self.searches = 0
        self.deadline = time.monotonic() + TIME_BUDGET

    # -- rename ----------------------------------------------------------------------------

    def rename(self, expr: sympy.Expr, *, sums: bool = True) -> sympy.Expr:
        """``expr`` with every node's definition replaced by the node's name.

        A node is tried once all its parents occur in ``expr``; naming one may let a later one
        match (exp(z₁) → e₁ makes e₁/s appear, then → p₁).  Each node is named at most once.
        With ``sums`` False a sum keeps its terms (p(1 − p) stays, though v = 1 − p).
        """
        done: set[str] = set()
        while True:
            free = {s.name for s in expr.free_symbols}
            ready = [
                c
                for name in sorted(free)
                for c in self.named.get(name, ())
                if c.name not in done
                and set(c.parents) <= free
                and not c.value.is_Symbol
                and (sums or not c.value.is_Add)
            ]
            if not ready:
                return expr
            for child in ready:
                done.add(child.name)
                renamed = _named(expr, child)
                if renamed != expr:
                    expr = renamed
                    break

    def oriented(self, expr: sympy.Expr) -> sympy.Expr:
        """Each sum the decomposition named turned as typed: cancel writes p − 1 where the
        input has 1 − p; the sign goes to the product, then into a sum beside it
        (−(y − p)/(p·(1 − p)) is (p − y)/(p·(1 − p)))."""
        if not self.to_sums:
            return expr
        return _sign_in(expr.xreplace(self.to_sums).xreplace(self.from_sums))

    def plain(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with the generated nodes it names written out again (see ``hidden``)."""
        for _ in range(len(self.node)):
            if not expr.free_symbols & self.hidden.keys():
                break
            expr = expr.xreplace(self.hidden)
        return expr

    def cached(self, derivative: sympy.Expr) -> sympy.Expr | None:
        """A local factor with the forward values named, when that differs and is no longer."""
        if tree_size(derivative) > MAX_SIZE:
            return None
        renamed = self.plain(self.rename(derivative, sums=False))
        # Naming replaces a subtree by a symbol: never longer, but compare (subs may regroup).
        if renamed == derivative or tree_size(renamed) > tree_size(derivative):
            return None
        return renamed

    # -- upstream gradients ------------------------------------------------------------------

    def adjoints(self, adjoints: tuple[Adjoint, ...]) -> dict[str, Adjoint]:
        """Each adjoint with its ``in_nodes`` form where one is shorter, in reverse-pass order,
        each built from its recurrence and its children's forms."""
        form: dict[str, sympy.Expr | None] = {}
        out: dict[str, Adjoint] = {}
        for adj in adjoints:
            found = self._composed(adj, form)
            shown = adj.expression if adj.expanded else None
            best = None if found is None else self._search(found, adj.wrt)
            if best is not None and (
                shown is None or sympy.count_ops(best) < sympy.count_ops(shown)
            ):
                out[adj.wrt] = dataclasses.replace(adj, in_nodes=best)
                form[adj.wrt] = best
            else:
                form[adj.wrt] = shown
        return out

    def _composed(self, adj: Adjoint, form: dict[str, sympy.Expr | None]) -> sympy.Expr | None:
        """The recurrence with each reused gradient replaced by its form (None when one has
        none, or the result is too large to search)."""
        mapping: dict[sympy.Expr, sympy.Expr] = {}
        for child in adj.reuses:
            value = form.get(child)
            if value is None:
                return None
            mapping[Upstream(adj.of, child)] = value
        composed = adj.recurrence.xreplace(mapping)
        if (
            tree_size(composed) > MAX_SIZE
            or self.searches >= MAX_SEARCHES
            or time.monotonic() > self.deadline
        ):
            return None
        return composed

    def _search(self, expr: sympy.Expr, wrt: str) -> sympy.Expr:
        """The shortest of a few re-expressions of ``expr`` (see the module docstring)."""
        self.searches += 1
        near = self._distances(wrt)
        renamed = self.rename(expr)
        # Mostly the same expression several times over (nothing to solve for, no sum to
        # write out): each distinct one is cancelled once, cancel being the costly step.
        bases = list(dict.fromkeys([renamed, self._solved(renamed)]))
        bases = list(dict.fromkeys([*bases, *(self._inlined(b) for b in bases)]))
        tidy = [self.oriented(_sign_in(self.rename(f))) for f in (*bases, *map(_cancelled, bases))]
        forms = list(dict.fromkeys([self.plain(f) for f in (expr, *tidy)]))
        best = min(forms, key=lambda f: _score(f, near))
        if not (best.is_Add or _expanded(best)):
            return best  # a product of linear sums: factor (costly) would find nothing
        factored = self.plain(self.oriented(_sign_in(self.rename(sympy.factor(best)))))
        return factored if _score(factored, near) < _score(best, near) else best

    def _solved(self, expr: sympy.Expr) -> sympy.Expr:
        """Each symbol in the numerator of a later quotient node written through that node
        (e₁ → p₁·s from p₁ = e₁/s, the latest such node), where that alone makes ``expr``
        smaller: the other factors cancel (e₁/(p₁·s²) is 1/s).  Elsewhere it would only
        make work for ``cancel``.  Never through a plain product: w·x·h₁ is not x·z for
        z = w·h₁ (a weight merged into the activation it scales)."""
        mapping: dict[sympy.Expr, sympy.Expr] = {}
        size = tree_size(expr)
        for sym in sorted(expr.free_symbols, key=lambda s: s.name):
            for child in reversed(self.named.get(sym.name, ())):
                value = child.value
                if _is_quotient(value) and sym in value.args:
                    solved = child.symbol / (value / sym)
                    if tree_size(expr.xreplace({sym: solved})) < size:
                        mapping[sym] = solved
                    break
        return expr.xreplace(mapping) if mapping else expr

    def _inlined(self, expr: sympy.Expr) -> sympy.Expr:
        """Sum nodes written out (v → 1 − p, y₂ → 1 − y₁, s → e₁ + e₂), until none is left."""
        for _ in range(len(self.node)):
            mapping = {
                s: n.value
                for s in expr.free_symbols
                if (n := self.node.get(s.name)) is not None and _is_sum(n.value)
            }
            if not mapping:
                break
            expr = expr.xreplace(mapping)
        return expr

    def _distances(self, wrt: str) -> dict[str, int]:
        """How many edges below each node ``wrt`` is (breadth first, iterative)."""
        near = {wrt: 0}
        queue = [wrt]
        for name in queue:
            for child in self.children.get(name, ()):
                if child.name not in near:
                    near[child.name] = near[name] + 1
                    queue.append(child.name)
        return near


def _named(expr: sympy.Expr, node: Node) -> sympy.Expr:
    """``expr`` with ``node``'s definition, where it occurs, replaced by its name."""
    value = node.value
    if _is_quotient(value):
        # A quotient also matches within a larger product (−e₁/s² holds e₁/s, e₁²/s² twice).
        # A plain product does not: w·x·h₁ stays, never x·z for z = w·h₁, which would merge
        # a weight into the activation it scales.
        return _divided(expr, value, node.symbol)
    if value.is_Add:
        # A sum also matches negated: cancel writes p − 1 where v = 1 − p.
        return expr.xreplace({value: node.symbol, -value: -node.symbol})
    return expr.xreplace({value: node.symbol})


def _sign_in(expr: sympy.Expr) -> sympy.Expr:
    """A negative product's sign taken into a sum among its factors: −(y − p)/(p·v) is
    (p − y)/(p·v), which reads (and counts) shorter."""
    coeff, rest = expr.as_coeff_Mul()
    if coeff.is_negative and rest.is_Mul:
        factors = list(rest.args)
        for i, factor in enumerate(factors):
            if factor.is_Add:
                factors[i] = -factor
                return sympy.Mul(-coeff, *factors)
    return expr


def _divided(expr: sympy.Expr, value: sympy.Expr, name: sympy.Symbol) -> sympy.Expr:
    """Every product in ``expr`` that ``value`` divides k times, with value^k written as
    name^k.  What ``subs`` does for a product, without its cost (it tries every way of
    splitting every power: a tenth of a second on a small gradient)."""
    want = value.as_powers_dict()
    for _ in range(tree_size(expr)):  # each pass names at least one product
        mapping: dict[sympy.Expr, sympy.Expr] = {}
        for m in sympy.preorder_traversal(expr):
            if not m.is_Mul or m in mapping:
                continue
            have = m.as_powers_dict()
            times = min(
                (have.get(b, 0) // e if have.get(b, 0) * e > 0 else 0 for b, e in want.items()),
                default=0,
            )
            if times >= 1:
                mapping[m] = m * (name / value) ** times
        if not mapping:
            return expr
        expr = expr.xreplace(mapping)
    return expr


def _is_quotient(expr: sympy.Expr) -> bool:
    """A product with a symbolic denominator (p₁ = e₁/s)."""
    return bool(expr.is_Mul) and any(
        f.is_Pow and f.exp.is_negative and f.base.free_symbols for f in expr.args
    )


def _is_sum(expr: sympy.Expr) -> bool:
    """A sum of symbols and numbers (1 − p, y₂ = 1 − y₁, s = e₁ + e₂), no function."""
    return bool(expr.is_Add) and not expr.has(sympy.Function)


def _cancelled(expr: sympy.Expr) -> sympy.Expr:
    """``cancel(expr)`` where it can help: a sum over a symbolic denominator."""
    has_sum = any(e.is_Add for e in sympy.preorder_traversal(expr))
    has_denominator = any(
        e.is_Pow and e.exp.is_negative and e.base.free_symbols
        for e in sympy.preorder_traversal(expr)
    )
    return sympy.cancel(expr) if has_sum and has_denominator else expr


def _score(expr: sympy.Expr, near: dict[str, int]) -> tuple[int, int, int]:
    """Shorter first; then names nearer the variable (p₁ − 1 for ∂L/∂z₁, not −p₂); then
    fewer multiplied-out sums (p(1 − p), not p² − p)."""
    nearness = sum(near.get(s.name, 0) for s in expr.free_symbols)
    return sympy.count_ops(expr), nearness, _expanded(expr)


def _expanded(expr: sympy.Expr) -> int:
    """How many sums in ``expr`` hold a power or a product of symbols (p² − p)."""
    return sum(
        1
        for e in sympy.preorder_traversal(expr)
        if e.is_Add and any(t.is_Pow or (t.is_Mul and len(t.free_symbols) > 1) for t in e.args)
    )
