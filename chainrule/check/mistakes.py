"""Name the mistake a wrong answer makes, from the derivation's own factors and paths.

The derivative is a sum over paths of products of local factors, so each classic mistake is
the same sum with one thing changed: a factor left out (the inner derivative forgotten), a
path left out (the product rule half done), a factor taken at the wrong point (cos(x) for
cos(u) with u = x²), a power whose exponent was not lowered, a sign flipped, or everything
scaled by a constant.  Each candidate is evaluated at the points where the answer was compared
(``answer.Sample``); the first that matches the answer everywhere is the diagnosis.  When none
does, the mistake is a point where the two disagree, with both values there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import mpmath
import sympy

from chainrule.calculus.engine import tree_size
from chainrule.calculus.written import Written
from chainrule.check.numeric import UndefinedError, evaluate
from chainrule.model import ChainRule, Derivation, Mistake, Path

if TYPE_CHECKING:
    from chainrule.check.answer import Sample

Edge = tuple[str, str]
NICE = ("1", "2", "1/2", "3", "-1", "1/3", "5/2")  # points a learner can check by hand
EXACT_MAX_NODES = 25  # a value at a point is shown exactly up to this size, else as a decimal
TOLERANCE = mpmath.mpf(10) ** -10  # a candidate matches the answer this closely
WRITTEN_MAX_NODES = 200  # a path's product is named in the inputs up to this size
EXACT_RATIO_MAX_NODES = 200  # a constant factor is cancelled exactly up to this size


@dataclass(frozen=True)
class _Candidate:
    """A wrong derivative: the paths' sum with some factors replaced and some paths scaled."""

    mistakes: tuple[Mistake, ...]
    factors: Mapping[Edge, sympy.Expr] = field(default_factory=dict)  # edge → factor used
    scales: Mapping[int, int] = field(default_factory=dict)  # path index → multiplier
    # The output a·b differentiated as (da/dx)·(db/dx): the two factors' names.
    split: tuple[sympy.Symbol, sympy.Symbol] | None = None


def diagnose(
    derivation: Derivation, chain: ChainRule, sample: Sample, answer: sympy.Expr
) -> tuple[Mistake, ...]:
    """The mistakes that turn the derivative into ``answer``.

    Args:
        derivation: the derivation of the expression.
        chain: its ChainRule for the variable the answer is for.
        sample: the points where the answer was compared, and its values there.
        answer: the answer in the inputs.

    Returns:
        One or more mistakes; a ``disagree`` mistake when no common one fits.
    """
    paths = chain.paths or ()
    if paths and sample.envs:
        table = _Table(paths, sample)
        for candidate in _candidates(derivation, chain, paths, answer):
            if _matches(candidate, table):
                return candidate.mistakes
    scale = _scale(sample)
    if scale is not None and chain.result is not None:
        scale = _exact_ratio(answer, chain.result) or scale
        return (Mistake("constant_factor", (), chain.result, answer, scale=scale),)
    return (_disagree(derivation, chain, sample, answer),)


def _candidates(
    derivation: Derivation, chain: ChainRule, paths: Sequence[Path], answer: sympy.Expr
) -> Iterator[_Candidate]:
    graph = derivation.graph
    symbol = dict(graph.symbols) | {s.name: s for s in graph.inputs}
    nodes = {n.name: n for n in graph.nodes}
    edges: dict[Edge, sympy.Expr] = {}
    below: dict[Edge, list[str]] = {}  # nodes after an edge on some path, nearest first
    for path in paths:
        for i, f in enumerate(path.factors):
            edge = (path.nodes[i], path.nodes[i + 1])
            edges.setdefault(edge, f)
            later = below.setdefault(edge, [])
            later += [n for n in path.nodes[i + 2 :] if n not in later]
    whole = chain.result
    written = Written(graph)
    everywhere = dict.fromkeys(range(len(paths)), -1)
    # A sign error: where one factor carries a minus sign, that factor is the likely culprit.
    signed = [e for e, f in edges.items() if f.could_extract_minus_sign()]
    if len(paths) == 1 and len(signed) == 1:
        edge = signed[0]
        yield _Candidate((Mistake("sign", edge, edges[edge], -edges[edge]),), scales=everywhere)
    elif whole is not None:
        yield _Candidate((Mistake("sign", (), whole, -whole),), scales=everywhere)
    # The inner derivative forgotten: each factor below the output, then all of them at once.
    inner = [e for e, f in edges.items() if e[0] != graph.output and f != 1]
    for edge in inner:
        yield _Candidate((_forgotten(edge, edges),), {edge: sympy.S.One})
    if len(paths) == 1 and len(inner) > 1:
        yield _Candidate(
            tuple(_forgotten(e, edges) for e in inner), dict.fromkeys(inner, sympy.S.One)
        )
    # A path left out of the sum (the product rule half done).
    if len(paths) > 1:
        for j, path in enumerate(paths):
            product = _written(path.product, written)
            yield _Candidate(
                (Mistake("missing_path", path.nodes, product, sympy.S.Zero),), {}, {j: 0}
            )
    # A product's derivative taken as the product of its factors' derivatives.
    top = nodes[graph.output].value
    if len(paths) > 1 and top.is_Mul and len(top.args) == 2 and all(a.is_Symbol for a in top.args):
        mistake = Mistake("product_of_derivatives", (), whole, answer)
        yield _Candidate((mistake,), split=(top.args[0], top.args[1]))
    # The outer derivative taken at the wrong point: at a node further down, or the variable.
    for edge, f in edges.items():
        # The nearest node below and the variable: a chain's depth squared would be too many.
        for lower in dict.fromkeys(below[edge][:1] + below[edge][-1:]):
            wrong = f.xreplace({symbol[edge[1]]: symbol[lower]})
            if wrong != f:
                at = ((edge[1], symbol[lower]),)
                right = ((edge[1], nodes[edge[1]].definition),)
                yield _Candidate(
                    (Mistake("wrong_point", edge, f, wrong, at, right),), {edge: wrong}
                )
    # The composition taken in the wrong order: sin(x²) differentiated as sin(x)².
    if len(paths) == 1 and len(paths[0].nodes) == 3:
        out, mid, var = paths[0].nodes
        outer, inner = paths[0].factors
        u, x = symbol[mid], symbol[var]
        if inner.free_symbols <= {x} and nodes[out].value.free_symbols == {u}:
            first = nodes[out].value.xreplace({u: x})  # the outer function, taken first
            swapped = nodes[mid].value.xreplace({x: first})
            replaced = {(out, mid): outer.xreplace({u: x}), (mid, var): inner.xreplace({x: first})}
            whole_input = _written(symbol[out], written)
            yield _Candidate((Mistake("wrong_order", (), whole_input, swapped),), replaced)
    # The power rule's exponent not lowered: d/du u³ taken as 3u³.
    for edge, f in edges.items():
        wrong = _unreduced(nodes[edge[0]].value, symbol[edge[1]])
        if wrong is not None:
            yield _Candidate((Mistake("power_not_reduced", edge, f, wrong),), {edge: wrong})
    if len(paths) > 1:
        for j, path in enumerate(paths):
            product = _written(path.product, written)
            yield _Candidate((Mistake("sign", path.nodes, product, -product),), {}, {j: -1})
        for edge in signed:
            yield _Candidate(
                (Mistake("sign", edge, edges[edge], -edges[edge]),), {edge: -edges[edge]}
            )


def _forgotten(edge: Edge, edges: Mapping[Edge, sympy.Expr]) -> Mistake:
    return Mistake("inner_forgotten", edge, edges[edge], sympy.S.One)


def _unreduced(definition: sympy.Expr, base: sympy.Symbol) -> sympy.Expr | None:
    """∂definition/∂base with every base^n (n a number) differentiated as n·base^n."""
    powers = [
        p
        for p in definition.atoms(sympy.Pow)
        if p.base == base and p.exp.is_Number and p.exp not in (0, 1)
    ]
    if not powers:
        return None
    stand_ins = {p: sympy.Function(f"_power{i}")(base) for i, p in enumerate(powers)}
    derivative = sympy.diff(definition.xreplace(stand_ins), base)
    back: dict[Any, Any] = {}
    for p, g in stand_ins.items():
        back[sympy.Derivative(g, base)] = p.exp * p
    derivative = derivative.xreplace(back)
    return derivative.xreplace({g: p for p, g in stand_ins.items()})


def _written(expr: sympy.Expr, written: Written) -> sympy.Expr:
    """``expr`` (in intermediates) in the inputs, as typed (x^x, not e^(x·ln x)), as far as
    that stays small; else as it is."""
    size, depth = written.size_of(expr)
    return written.in_inputs(expr) if size <= WRITTEN_MAX_NODES and depth <= 60 else expr


class _Table:
    """The paths' factors at each point, each evaluated once: a candidate is tried against
    the first point, where most fail, before the next point's values are computed."""

    def __init__(self, paths: Sequence[Path], sample: Sample) -> None:
        self.paths, self.sample = paths, sample
        self.rows: dict[int, list[list[Any]]] = {}
        self.other: dict[tuple[int, sympy.Expr], Any] = {}

    def factors(self, point: int) -> list[list[Any]]:
        if point not in self.rows:
            env = self.sample.envs[point]
            self.rows[point] = [[_value(f, env) for f in p.factors] for p in self.paths]
        return self.rows[point]

    def value(self, point: int, expr: sympy.Expr) -> Any:
        if (point, expr) not in self.other:
            self.other[point, expr] = _value(expr, self.sample.envs[point])
        return self.other[point, expr]


def _matches(candidate: _Candidate, table: _Table) -> bool:
    """Whether the candidate has the answer's value at every point: both the same number, or
    both no real value (2·ln(x)/x for the derivative of ln(x)² at x < 0); at two points at
    least."""
    both = 0
    for point, got in enumerate(table.sample.answer):
        value = _candidate_value(candidate, table, point)
        if got is None and value is None:
            continue
        if got is None or value is None or not _close(value, got):
            return False
        both += 1
    return both >= 2


def _candidate_value(candidate: _Candidate, table: _Table, point: int) -> Any:
    if candidate.split is not None:
        return _split(candidate.split, table.paths, table.factors(point))
    total = mpmath.mpf(0)
    for j, (path, values) in enumerate(zip(table.paths, table.factors(point), strict=True)):
        scale = candidate.scales.get(j, 1)
        if scale == 0:
            continue
        product = mpmath.mpf(scale)
        for i, v in enumerate(values):
            used = candidate.factors.get((path.nodes[i], path.nodes[i + 1]))
            v = v if used is None else table.value(point, used)
            if v is None:
                return None
            product *= v
        total += product
    return total


def _exact_ratio(answer: sympy.Expr, truth: sympy.Expr) -> sympy.Expr | None:
    """answer/truth as an exact number (999999/2000000), where sympy cancels it to one."""
    if tree_size(answer) + tree_size(truth) > EXACT_RATIO_MAX_NODES:
        return None
    ratio = sympy.cancel(answer / truth)
    return ratio if ratio.is_number and ratio.is_finite and tree_size(ratio) <= 9 else None


def _split(
    factors: tuple[sympy.Symbol, sympy.Symbol], paths: Sequence[Path], values: list[list[Any]]
) -> Any:
    """(da/dx)·(db/dx) for y = a·b: the paths through each factor, without their first factor
    (∂y/∂a = b, ∂y/∂b = a)."""
    derivative = dict.fromkeys((f.name for f in factors), mpmath.mpf(0))
    for path, row in zip(paths, values, strict=True):
        if any(v is None for v in row[1:]):
            return None
        derivative[path.nodes[1]] += mpmath.fprod(row[1:])
    return mpmath.fprod(derivative.values())


def _scale(sample: Sample) -> sympy.Expr | None:
    """k when the answer is k times the derivative at every point (k not 0 or ±1)."""
    ratios = [
        a / t
        for t, a in zip(sample.truth, sample.answer, strict=True)
        if a is not None and abs(t) > TOLERANCE
    ]
    if len(ratios) < 2 or len(ratios) < len(sample.answer):
        return None
    k = ratios[0]
    if any(not _close(r, k) for r in ratios) or any(_close(k, c) for c in (0, 1, -1)):
        return None
    exact = sympy.Rational(mpmath.nstr(k, 20)).limit_denominator(1000)
    return exact if _close(mpmath.mpf(exact.p) / exact.q, k) else _decimal(k, 12)


def _disagree(
    derivation: Derivation, chain: ChainRule, sample: Sample, answer: sympy.Expr
) -> Mistake:
    """A point where the answer differs from the derivative, nice values first."""
    from chainrule.check.answer import close, derivative_at  # answer imports this module

    truth = chain.result
    graph = derivation.graph
    known = set(graph.inputs) | {n.symbol for n in graph.nodes}
    # With the answer's own extra variables (sample_points gives them values too).
    inputs = (*graph.inputs, *sorted(answer.free_symbols - known, key=lambda s: s.name))
    for text in NICE:
        exact = sympy.Rational(text)
        point = {s: exact for s in inputs}
        with mpmath.workdps(30):
            numeric = _forward(derivation, {s: mpmath.mpf(exact.p) / exact.q for s in inputs})
            if numeric is None:  # the function itself has no value here
                continue
            t, a = derivative_at(derivation, chain, numeric), _value(answer, numeric)
        if t is None or (a is not None and close(a, t)):
            continue
        at = tuple((s.name, exact) for s in inputs)
        got = None if a is None else _shown(answer, point, a)
        return Mistake("disagree", (), _shown(truth, point, t), got, at)
    where = sample.disagreement()
    if where is None:  # no point with real values: only the symbolic comparison said so
        return Mistake("disagree", (), truth, answer)
    env = sample.envs[where]
    at = tuple((s.name, _decimal(env[s], 4)) for s in inputs)
    got = sample.answer[where]
    return Mistake(
        "disagree",
        (),
        _decimal(sample.truth[where], 6),
        None if got is None else _decimal(got, 6),
        at,
    )


def _decimal(number: Any, digits: int) -> sympy.Float:
    return sympy.Float(mpmath.nstr(number, digits), digits)


def _shown(expr: sympy.Expr | None, point: Mapping[Any, Any], number: Any) -> sympy.Expr:
    """``expr`` at ``point`` exactly (2·cos(1)) when that is short, else as a decimal."""
    if expr is None or tree_size(expr) > EXACT_MAX_NODES:
        # A large form is never short at a point, and sympy's evaluation of a deep one as it
        # is rebuilt (σ(2σ(2σ(…) + 1) + 1) asks each level whether it is zero) takes
        # time exponential in its depth.
        return _decimal(number, 6)
    try:
        exact = expr.xreplace(dict(point))
    except (TypeError, ValueError, ZeroDivisionError):
        exact = None
    if exact is None or exact.has(sympy.zoo, sympy.nan) or tree_size(exact) > EXACT_MAX_NODES:
        return _decimal(number, 6)
    return exact


def _forward(derivation: Derivation, env: dict[Any, Any]) -> dict[Any, Any] | None:
    for node in derivation.graph.nodes:
        env[node.symbol] = _value(node.definition, env)
        if env[node.symbol] is None:
            return None
    return env


def _value(expr: sympy.Expr, env: Mapping[Any, Any]) -> Any:
    try:
        return evaluate(expr, env)
    except (UndefinedError, ZeroDivisionError, ValueError, OverflowError):
        return None


def _close(a: Any, b: Any) -> bool:
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return bool(abs(a - b) <= TOLERANCE * scale)
