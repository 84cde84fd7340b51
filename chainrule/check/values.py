"""A derivation's numbers at one point: the forward pass, every local factor, path product,
upstream gradient and derivative, and the vanishing or exploding gradients they show.

Decimals come from mpmath (``numeric.evaluate``, one shallow definition at a time, so a
1000-layer chain is evaluated without recursion); where the point's values are exact (``pi/4``,
``3/10``) each value is also carried exactly in sympy while it stays small and within a time
budget, and kept for showing where it is a closed form (``√2/2``).  A value exists or it does
not: a local factor at a corner of its function (relu′ at 0, |x|′ at 0, a max where its
arguments tie) or at a pole (√′ at 0) has none, and neither has anything computed from it —
never a NaN.

>>> from chainrule.api import derive
>>> import sympy
>>> d = derive("sin(x)")
>>> step = values(d, {"x": sympy.pi / 4})
>>> step.forward[-1][1].exact, float(step.derivatives[0][1].decimal)
(sqrt(2)/2, 0.7071067811865476)
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.calculus.functions import sigmoid
from chainrule.check.numeric import UndefinedError, evaluate
from chainrule.errors import MathError, VariableError
from chainrule.model import Constant, Derivation, Flag, Note, Number, Upstream, Values

DIGITS = 30  # significant digits of every decimal
SMALL, LARGE = mpmath.mpf("1e-3"), mpmath.mpf("1e3")  # magnitudes flagged vanishing, exploding
# An exact value is kept while it is a closed form (no function left in it: √2/2, π/4, 3/10)
# of at most this many nodes; what is built on a dropped one has no exact value either.
EXACT_NODES = 16
EXACT_SECONDS = 1.0  # the exact values' time budget; decimals are always computed
_KINKS = (sympy.Heaviside, sympy.sign, sympy.DiracDelta)

Key = tuple[str, str]
# ``numeric.UndefinedError``'s reasons, as a message says them.
_REASONS = {"not finite": "it is infinite there", "complex value": "it is not real there"}


def with_values(derivation: Derivation, point: Mapping[str, sympy.Expr]) -> Derivation:
    """The derivation with its ``Values`` step at ``point`` added last.

    Args:
        derivation: from ``api.derive``.
        point: name → exact real number (``api.parse_points``); names as typed or read.

    Returns:
        A copy with the step, and a note for each name of the point that is not an input.

    Raises:
        VariableError: an input without a value (``option`` "at", ``value`` its name).
        MathError: an intermediate without a real value at the point (log(0), 1/0), or a
            derivation that cannot be evaluated (abstract functions, huge constants).
    """
    step = values(derivation, point)
    inputs = {name for name, _ in step.point}
    unused = [n for n in point if n not in inputs and _match(derivation, n) is None]
    notes = tuple(Note("unused_value", (("name", n),)) for n in unused)
    return dataclasses.replace(
        derivation, steps=(*derivation.steps, step), notes=derivation.notes + notes
    )


def values(derivation: Derivation, point: Mapping[str, sympy.Expr]) -> Values:
    """Every value of the derivation at ``point`` (see the module docstring).

    Args:
        derivation: the derivation.
        point: name → exact real number.

    Returns:
        The ``Values`` step.

    Raises:
        VariableError, MathError: as for ``with_values``.
    """
    graph = derivation.graph
    nodes = graph.nodes
    if any(n.definition.atoms(AppliedUndef) for n in nodes):
        raise MathError("abstract functions have no values at a point", option="at")
    if any(n.definition.atoms(Constant) for n in nodes):
        raise MathError("a constant here is too large to evaluate at a point", option="at")
    given = _resolve(derivation, point)
    with mpmath.workdps(DIGITS + 10):
        return _Evaluator(derivation, given).run()


def _match(derivation: Derivation, name: str) -> str | None:
    """The input ``name`` gives a value to: the same name, else the one that differs only by
    the underscore of a subscript (W₁ for W1) when that is the only one."""
    names = derivation.graph.input_names
    if name in names:
        return name
    loose = [n for n in names if n.replace("_", "") == name.replace("_", "")]
    return loose[0] if len(loose) == 1 else None


def _resolve(derivation: Derivation, point: Mapping[str, sympy.Expr]) -> dict[str, sympy.Expr]:
    given: dict[str, sympy.Expr] = {}
    for name, value in point.items():
        match = _match(derivation, name)
        if match is not None:
            given[match] = sympy.Integer(value) if isinstance(value, int) else value
    missing = [n for n in derivation.graph.input_names if n not in given]
    if missing:
        which = ", ".join(missing)
        raise VariableError(
            f"no value for {which} at the point"
            if len(missing) == 1
            else f"no values for {which} at the point",
            source=derivation.source,
            option="at",
            value=missing[0],
        )
    return given


class _Evaluator:
    def __init__(self, derivation: Derivation, given: dict[str, sympy.Expr]) -> None:
        self.d = derivation
        self.given = given
        self.env: dict[Any, Any] = {}  # symbol → mpf
        self.exact: dict[Any, sympy.Expr] = {}  # symbol → exact value, where known and small
        self.deadline = time.monotonic() + EXACT_SECONDS
        self.flags: list[Flag] = []

    def run(self) -> Values:
        graph = self.d.graph
        point = [(s.name, self._input(s)) for s in graph.inputs]
        forward = [(node.name, self._node(node)) for node in graph.nodes]
        factors = {
            (f.of, f.wrt): self._factor(f.of, f.wrt, f.derivative) for f in self.d.local_derivatives
        }
        adjoints = {(a.of, a.wrt): self._adjoint(a, factors) for a in self.d.adjoints}
        paths, derivatives = [], []
        for chain in self.d.chain_rules:
            listed = [p.nodes for p in chain.paths or ()]
            if chain.paths is None:  # too many nodes to list: still one path in a long chain
                listed = [p for p in [_only_path(chain.wrt, self.d.output, factors)] if p]
            for nodes in listed:
                edges = list(zip(nodes, nodes[1:], strict=False))
                paths.append((chain.wrt, nodes, self._product([factors[e] for e in edges])))
            adjoint = adjoints.get((self.d.output, chain.wrt))
            defined = adjoint is None or adjoint.exists
            derivatives.append((chain.wrt, self._value(chain.in_intermediates, defined)))
        self._flag(factors, paths, derivatives, adjoints)
        return Values(
            point=tuple(point),
            forward=tuple(forward),
            factors=tuple((of, wrt, n) for (of, wrt), n in factors.items()),
            adjoints=tuple((of, wrt, n) for (of, wrt), n in adjoints.items()),
            paths=tuple(paths),
            derivatives=tuple(derivatives),
            flags=tuple(self.flags),
        )

    # --- values ---------------------------------------------------------------------------------

    def _input(self, symbol: sympy.Symbol) -> Number:
        exact = self.given[symbol.name]
        self.env[symbol] = evaluate(exact, {})
        self.exact[symbol] = exact
        return self._number(self.env[symbol], exact)

    def _node(self, node: Any) -> Number:
        try:
            value = evaluate(node.definition, self.env)
        except UndefinedError as err:
            why = _REASONS.get(str(err), str(err))
            raise MathError(
                f"{node.name} = {node.definition} has no real value at this point ({why})",
                source=self.d.source,
                option="at",
            ) from None
        self.env[node.symbol] = value
        exact = self._exact(node.value, value)
        if exact is not None:
            self.exact[node.symbol] = exact
        return self._number(value, exact)

    def _factor(self, of: str, wrt: str, derivative: sympy.Expr) -> Number:
        why = self._kink(derivative)
        if not why:
            try:
                value = evaluate(derivative, self.env)
            except UndefinedError:
                why = "pole"
            else:
                return self._number(value, self._exact(derivative, value))
        self.flags.append(Flag("undefined", "factor", (of, wrt), why=why))
        return Number(None)

    def _adjoint(self, adjoint: Any, factors: dict[Key, Number]) -> Number:
        defined = all(
            factors[(t.child, adjoint.wrt)].exists if (t.child, adjoint.wrt) in factors else True
            for t in adjoint.terms
        ) and all(
            t.child == self.d.output or Upstream(adjoint.of, t.child) in self.env
            for t in adjoint.terms
        )
        number, value, exact = self._evaluated(adjoint.recurrence, defined)
        upstream = Upstream(adjoint.of, adjoint.wrt)
        if value is not None:
            self.env[upstream] = value
        if exact is not None:
            self.exact[upstream] = exact
        return number

    def _value(self, expr: sympy.Expr, defined: bool) -> Number:
        return self._evaluated(expr, defined)[0]

    def _evaluated(self, expr: sympy.Expr, defined: bool) -> tuple[Number, Any, Any]:
        """``expr`` at the point (no value when ``defined`` is False), its mpf and its whole
        exact value (or None)."""
        if not defined:
            return Number(None), None, None
        try:
            value = evaluate(expr, self.env)
        except UndefinedError:  # built on a factor without a value: none either
            return Number(None), None, None
        exact = self._exact(expr, value)
        return self._number(value, exact), value, exact

    def _product(self, numbers: list[Number]) -> Number:
        if not all(n.exists for n in numbers):
            return Number(None)
        value = mpmath.fprod(mpmath.mpf(n.decimal) for n in numbers)  # type: ignore[arg-type]
        exacts = [n.exact for n in numbers]
        exact = None
        if all(e is not None for e in exacts) and time.monotonic() < self.deadline:
            exact = sympy.Mul(*exacts)
            exact = exact if _closed_form(exact) else None
        return self._number(value, exact)

    def _exact(self, expr: sympy.Expr, value: Any) -> sympy.Expr | None:
        """``expr`` exactly, where every symbol in it has an exact value and the result is a
        small closed form that agrees with its decimal; else None."""
        if time.monotonic() > self.deadline or abs(value) > 10**15:
            return None
        symbols = expr.free_symbols
        if not all(s in self.exact for s in symbols):
            return None
        try:
            exact = expr.xreplace({s: self.exact[s] for s in symbols})
            if not exact.is_number or not _closed_form(exact):
                return None
            check = exact.evalf(DIGITS)
            if (
                not check.is_Number
                or abs(mpmath.mpf(str(check)) - value) > abs(value) * 10**-20 + 10**-25
            ):
                return None
        except (TypeError, ValueError, ArithmeticError):
            return None
        return exact

    def _number(self, value: Any, exact: sympy.Expr | None) -> Number:
        return Number(sympy.Float(value, DIGITS), exact)

    # --- where a factor has no value --------------------------------------------------------------

    def _kink(self, derivative: sympy.Expr) -> str:
        """ "kink" when ``derivative`` has a step (Heaviside, sign, a piecewise boundary) exactly
        at this point, where the function has a corner; else ""."""
        for atom in derivative.atoms(*_KINKS):
            if self._zero(atom.args[0]):
                return "kink"
        for piecewise in derivative.atoms(sympy.Piecewise):
            relations = [
                r
                for _, cond in piecewise.args
                for r in (
                    [cond]
                    if isinstance(cond, sympy.core.relational.Relational)
                    else cond.atoms(sympy.core.relational.Relational)
                )
            ]
            if any(self._zero(r.lhs - r.rhs) for r in relations):
                # On a boundary: a corner unless every branch gives the same slope here.
                try:
                    branches = [evaluate(b, self.env) for b, _ in piecewise.args]
                except UndefinedError:
                    return "kink"
                scale = max(1, max(abs(b) for b in branches))
                if max(branches) - min(branches) > mpmath.mpf(10) ** -DIGITS * scale:
                    return "kink"
        return ""

    def _zero(self, expr: sympy.Expr) -> bool:
        """Whether ``expr`` is 0 here: exactly, where the point is exact, else to within the
        working precision."""
        symbols = expr.free_symbols
        if symbols <= set(self.exact):
            exact = expr.xreplace({s: self.exact[s] for s in symbols})
            if exact.is_zero is not None:
                return bool(exact.is_zero)
        try:
            return bool(abs(evaluate(expr, self.env)) < mpmath.mpf(10) ** -(DIGITS - 2))
        except UndefinedError:
            return False

    # --- what the values show --------------------------------------------------------------------

    def _flag(
        self,
        factors: dict[Key, Number],
        paths: list[Any],
        derivatives: list[Any],
        adjoints: dict[Key, Number],
    ) -> None:
        for scope, numbers in (("factor", factors), ("adjoint", adjoints)):
            for (of, wrt), number in numbers.items():
                kind = _size_kind(number)
                inputs = self.d.graph.input_names
                if kind and (scope == "factor" or wrt not in inputs):
                    self.flags.append(Flag(kind, scope, (of, wrt), number))
        for _, nodes, number in paths:
            kind = _size_kind(number)
            if kind and len(nodes) > 2:
                self.flags.append(Flag(kind, "path", nodes, number))
        with_paths = {wrt for wrt, _, _ in paths}
        for wrt, number in derivatives:
            kind = _size_kind(number)
            if kind and wrt not in with_paths:
                self.flags.append(Flag(kind, "derivative", (wrt,), number))
        by_name = {node.name: node for node in self.d.graph.nodes}
        seen: set[tuple[Key, ...]] = set()  # paths through the same σ′ factors: the first
        for _, nodes, _product in paths:
            edges = list(zip(nodes, nodes[1:], strict=False))
            through = tuple(e for e in edges if _is_sigmoid(by_name.get(e[0]), e[1]))
            sig = [factors[e] for e in through]
            if through and through not in seen and all(n.exists for n in sig):
                seen.add(through)
                product = self._product(sig)
                shown = tuple((of, wrt, factors[(of, wrt)]) for of, wrt in through)
                self.flags.append(Flag("sigmoid", "path", nodes, product, len(sig), shown))


def _only_path(wrt: str, output: str, factors: dict[Key, Number]) -> tuple[str, ...] | None:
    """The nodes from ``output`` down to ``wrt`` when the edges leave each node on the way by
    one edge only (a chain, however long), else None."""
    children: dict[str, list[str]] = {}
    for of, below in factors:
        children.setdefault(below, []).append(of)
    nodes = [wrt]
    while nodes[-1] != output:
        up = children.get(nodes[-1], [])
        if len(up) != 1 or len(nodes) > len(factors):
            return None
        nodes.append(up[0])
    return tuple(reversed(nodes))


def _is_sigmoid(node: Any, parent: str) -> bool:
    return (
        node is not None
        and isinstance(node.value, sigmoid)
        and node.value.args[0].is_Symbol
        and node.value.args[0].name == parent
    )


def _size_kind(number: Number) -> str:
    if number.decimal is None:
        return ""
    magnitude = abs(mpmath.mpf(number.decimal))
    if magnitude == 0:  # a branch not taken (relu′ < 0), not a gradient fading away
        return ""
    return "vanishing" if magnitude < SMALL else "exploding" if magnitude > LARGE else ""


def _size(expr: sympy.Expr, limit: int) -> int:
    """The tree size of ``expr``, counted up to ``limit`` + 1 (an explicit stack)."""
    count, stack = 0, [expr]
    while stack and count <= limit:
        e = stack.pop()
        count += 1
        stack.extend(e.args)
    return count


def _closed_form(exact: sympy.Expr) -> bool:
    """Whether an exact value reads as a number: small, without a function left in it."""
    return _size(exact, EXACT_NODES) <= EXACT_NODES and not exact.atoms(sympy.Function)
