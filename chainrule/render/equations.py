"""Which equations and rows every readable format shows, as rows of printed parts.

The text, terminal, LaTeX and Markdown renderers all show the same derivation: the same
equations, the same decisions about what to leave out.  Those decisions live here once, written
in a ``Notation``; a renderer only says how a row looks.  Only printing, no maths: every
expression shown was computed by the engine.

>>> from chainrule import derive
>>> from chainrule.render.notation import Notation
>>> d = derive("sin(x**2)")
>>> n = Notation(d)
>>> heading(n)
'd/dx sin(x²)'
>>> [row.text for row in chain_rule_layout(n, d.chain_rules[0]).total.rows]
['dy/du · du/dx', 'cos(u) · 2x', '2x·cos(u)', '2x·cos(x²)']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.model import Adjoint, ChainRule, LocalDerivative, Path
from chainrule.render.notation import Notation
from chainrule.render.printers.common import minus_sign, negated
from chainrule.render.printers.unicode import to_unicode
from chainrule.render.rows import EXPR, FACTOR, NOTE, OP, RESULT, SYMBOL, Equation, Part, Row
from chainrule.render.safe_text import one_line, shorten
from chainrule.render.verdict import mark

EXPANSION_MAX = 160  # an adjoint written out in intermediates is shown up to this many characters


def heading(n: Notation) -> str:
    """The title: ``d/dx sin(x²)``, or ``∂/∂W₁, ∂/∂b₁ of …`` for several variables.

    Args:
        n: the notation to write it in.

    Returns:
        The heading; the source text (sanitized, shortened) when the expression is too large.
    """
    ops, what = heading_parts(n)
    if len(ops) == 1:
        return f"{ops[0]} {what}"
    return ", ".join(ops) + n.text(" of ") + what


def heading_parts(n: Notation) -> tuple[list[str], str]:
    """The title's pieces, for a format that sets them apart (LaTeX breaks a long title there).

    Args:
        n: the notation to write them in.

    Returns:
        The operators (``d/dx``; one per variable) and what they apply to.
    """
    d = n.d
    if d.expression is not None:
        what = n.expr(d.expression)
        e = d.expression
        # d/dx x·sin(x) could be read as (d/dx x)·sin(x): bracket products, quotients, sums.
        if len(d.wrt) == 1 and (e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_negative)):
            what = n.bracket(what)
    else:
        what = n.text(shorten(one_line(d.source)))
    return [n.operator(w) for w in d.wrt], what


def omitted_text(size: int) -> str:
    """The placeholder for a result too large to print.

    Args:
        size: the result's tree size in nodes.

    Returns:
        ``(result in the inputs omitted: 1,234,567 nodes; see the intermediates above)``.
    """
    return f"(result in the inputs omitted: {size:,} nodes; see the intermediates above)"


@dataclass(frozen=True)
class ChainLayout:
    """How one ChainRule is shown: an optional intro line, the listed paths, then the total."""

    intro: str
    paths: tuple[Equation, ...]  # each labelled with its nodes, ``y → u → x``
    total: Equation


def chain_rule_layout(n: Notation, rule: ChainRule) -> ChainLayout:
    """The equations that show one ChainRule: the paths, their sum, the result.

    Args:
        n: the notation to write them in.
        rule: the step.

    Returns:
        The layout; ``paths`` is empty when there is a single path or none listed.
    """
    layout = _chain_rule_layout(n, rule)
    plain = layout if n.plain is n else _chain_rule_layout(n.plain, rule)
    total = _dedupe(layout.total, plain.total)
    aside = _aside_note(n, [rule.in_nodes])
    if aside:
        total = dataclasses.replace(total, note=n.text("with ") + aside)
    return ChainLayout(
        layout.intro,
        tuple(_dedupe(e, p) for e, p in zip(layout.paths, plain.paths, strict=True)),
        total,
    )


def local_equation(n: Notation, step: LocalDerivative) -> Equation:
    """One local factor: ``∂p/∂a = σ(a)(1 − σ(a))``, and where backprop reuses forward values
    for it, ``= p(1 − p)`` with a note naming them.

    Args:
        n: the notation to write it in.
        step: the step.

    Returns:
        The equation: one row, or two with the note after the second.
    """
    lhs = Row((Part(n.local(step.of, step.wrt)),))
    rows = [_row(n, step.derivative)]
    marked = mark(n, (step.of, step.wrt))  # the factor a learner's answer got wrong
    if step.cached is None:
        return Equation(lhs, tuple(rows), note=marked)
    rows.append(_row(n, step.cached))
    names = _forward_names(step.cached, step.derivative)
    note = n.text("reuses ") + ", ".join(map(n.name, names)) + n.text(" from the forward pass")
    note = "; ".join(filter(None, [note if names else "", marked]))
    return Equation(lhs, tuple(rows), note=note, note_row=1)


def _forward_names(form: Any, instead: Any) -> list[str]:
    """The nodes ``form`` names that ``instead`` does not (a renamed form names nothing
    else), by name: looking each up in the graph would cost its size per factor."""
    return sorted({s.name for s in form.free_symbols} - {s.name for s in instead.free_symbols})


def _aside_note(n: Notation, forms: Sequence[Any]) -> str:
    """``p₂ = e₂/s`` for each assignment the output does not use that ``forms`` name (it is
    not among the intermediates shown)."""
    named = {s.name for form in forms if form is not None for s in form.free_symbols}
    if not named or not n.d.graph.aside:
        return ""
    return ", ".join(
        f"{n.name(node.name)} = {n.expr(node.definition)}"
        for node in n.d.graph.aside
        if node.name in named
    )


def adjoint_equation(n: Notation, adj: Adjoint) -> Equation:
    """One step of the reverse pass: ``∂L/∂h = ∂L/∂z · ∂z/∂h = ∂L/∂z·W₂ = (z − y)·W₂``.

    Args:
        n: the notation to write it in.
        adj: the step.

    Returns:
        The equation, its note naming the reused upstream gradients.
    """
    eq = _adjoint_equation(n, adj)
    return _dedupe(eq, eq if n.plain is n else _adjoint_equation(n.plain, adj))


# --- rows --------------------------------------------------------------------------------------


def _row(n: Notation, expr: Any, role: str = EXPR) -> Row:
    return Row((Part(n.expr(expr), role),))


def _chain(n: Notation, texts: Sequence[str], role: str) -> Row:
    """Pieces joined by the product sign, each numbered for colouring."""
    parts: list[Part] = []
    for i, text in enumerate(texts):
        if i:
            parts.append(Part(n.separator, OP))
        parts.append(Part(text, role, i))
    return Row(tuple(parts))


def _path_symbols(n: Notation, path: Path) -> Row:
    nodes = path.nodes
    return _chain(n, [n.local(nodes[i], nodes[i + 1]) for i in range(len(nodes) - 1)], SYMBOL)


def _path_factors(n: Notation, path: Path) -> Row:
    return _chain(n, n.factors(path.factors), FACTOR)


def _sum_symbols(rows: list[Row]) -> Row:
    parts: list[Part] = []
    for row in rows:
        if parts:
            parts.append(Part(" + ", OP))
        parts.extend(row.parts)
    return Row(tuple(parts))


def _sum(n: Notation, terms: list[Any]) -> Row:
    """Path products joined by + (− before a negative one), each sum bracketed."""
    parts: list[Part] = []
    for term in terms:
        negative = bool(parts) and minus_sign(term)
        if parts:
            parts.append(Part(f" {n.minus} " if negative else " + ", OP))
        text = n.expr(negated(term) if negative else term)
        parts.append(Part(n.bracket(text) if term.is_Add else text))
    return Row(tuple(parts))


def _key(row: Row) -> str:
    # "x · cos(x)" and "x·cos(x)" say the same; don't print both.
    return row.text.replace(" ", "")


def _dedupe(eq: Equation, plain: Equation) -> Equation:
    """``eq`` without rows that repeat the row before (or the left-hand side), judged on
    ``plain``, the same equation in Unicode."""
    keep: list[Row] = []
    last = _key(plain.lhs)
    for row, twin in zip(eq.rows, plain.rows, strict=True):
        if row.parts and _key(twin) != last:
            keep.append(row)
            last = _key(twin)
    return dataclasses.replace(eq, rows=tuple(keep))


# --- the chain rule and the reverse pass -------------------------------------------------------


def _tail(n: Notation, rule: ChainRule) -> list[Row]:
    rows = []
    products = [p.product for p in rule.paths or ()]
    # The sum of the path products was just shown; the engine's own sum of them is news only
    # when its terms differ (structural comparison, not algebra).
    if len(products) < 2 or set(rule.in_intermediates.as_ordered_terms()) != set(products):
        rows.append(_row(n, rule.in_intermediates))
    if rule.in_nodes is not None:
        rows.append(_row(n, rule.in_nodes))
    if rule.result is None:
        rows.append(Row((Part(omitted_text(rule.result_size), NOTE),)))
    else:
        rows.append(_row(n, rule.result, RESULT))
    if rule.simplified is not None:
        rows.append(_row(n, rule.simplified, RESULT))
    return rows


def _chain_rule_layout(n: Notation, rule: ChainRule) -> ChainLayout:
    lhs = Row((Part(n.total(rule.wrt), SYMBOL),))
    ends = f"from {n.inline(n.d.output)} to {n.inline(rule.wrt)}"
    if rule.paths is None:
        many = "1 path" if rule.path_count == 1 else f"{rule.path_count:,} paths"
        why = "too long" if rule.path_count == 1 else "too many"
        intro = f"{many} {ends}, {why} to list: computed by backpropagation above"
        return ChainLayout(intro, (), Equation(lhs, tuple(_tail(n, rule))))
    if not rule.paths:
        intro = f"no path {ends}: {n.inline(n.d.output)} does not depend on {n.inline(rule.wrt)}"
        return ChainLayout(intro, (), Equation(lhs, tuple(_tail(n, rule))))
    if len(rule.paths) == 1:
        path = rule.paths[0]
        rows = [
            _path_symbols(n, path),
            _path_factors(n, path),
            _row(n, path.product),
            *_tail(n, rule),
        ]
        return ChainLayout("", (), Equation(lhs, tuple(rows)))
    paths = [
        Equation(
            _path_symbols(n, path),
            (_path_factors(n, path), _row(n, path.product)),
            label=n.path(path.nodes),
        )
        for path in rule.paths
    ]
    rows = []
    direct = any(len(p.nodes) == 2 for p in rule.paths)
    if not (direct and n.total(rule.wrt) == n.local(n.d.output, rule.wrt)):
        rows.append(_sum_symbols([_path_symbols(n, p) for p in rule.paths]))
    rows.append(_sum(n, [p.product for p in rule.paths]))
    rows.extend(_tail(n, rule))
    intro = f"{len(rule.paths)} paths {ends}, one product of local derivatives each:"
    return ChainLayout(intro, tuple(paths), Equation(lhs, tuple(rows)))


def _adjoint_equation(n: Notation, adj: Adjoint) -> Equation:
    lhs = Row((Part(n.adjoint(adj.wrt), SYMBOL),))
    rows: list[Row] = []
    # A term whose child is the output is the direct local derivative; its symbol would read
    # like the left-hand side, so the symbolic line is shown only when no term is direct.
    if all(t.child != adj.of for t in adj.terms):
        parts: list[Part] = []
        for i, term in enumerate(adj.terms):
            if i:
                parts.append(Part(" + ", OP))
            parts += [
                Part(n.adjoint(term.child), SYMBOL, 0),
                Part(n.separator, OP),
                Part(n.local(term.child, adj.wrt), SYMBOL, 1),
            ]
        rows.append(Row(tuple(parts)))
    rows.append(_row(n, adj.recurrence))
    if adj.expanded and len(to_unicode(adj.expression)) <= EXPANSION_MAX:
        rows.append(_row(n, adj.expression))
    if adj.in_nodes is not None:
        rows.append(_row(n, adj.in_nodes))
    notes = []
    if adj.reuses:
        notes.append(n.text("reuses ") + ", ".join(n.adjoint(child) for child in adj.reuses))
    aside = _aside_note(n, [adj.in_nodes])
    if aside:
        notes.append(n.text("with ") + aside)
    return Equation(lhs, tuple(rows), note=n.text("; ").join(notes))
