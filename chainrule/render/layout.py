"""What every human-readable format shows, as rows of printed parts; each renderer styles them.

The text, terminal, LaTeX and Markdown renderers all show the same derivation: the same
equations, the same notation (∂ or d), the same decisions about what to leave out.  Those
decisions live here once; a renderer only says how a row looks.  Only printing, no maths: every
expression shown was computed by the engine.

Notation: every derivative symbol uses ∂ when ``Derivation.partial`` is set, except the total
derivative of the output with respect to a variable when there is only one input: that one is a
true total derivative (``dy/dx = ∂y/∂x + ∂y/∂u · ∂u/∂x``), and writing it with d keeps it apart
from the direct edge ∂y/∂x.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chainrule.model import Adjoint, ChainRule, Derivation, Path, Step
from chainrule.render.exprs import (
    Style,
    derivative_symbol,
    factor_pieces,
    name_latex,
    name_unicode,
    print_expr,
    to_unicode,
)

HEADING_MAX = 100  # characters of source text shown in a heading
EXPANSION_MAX = 160  # an adjoint written out in intermediates is shown up to this many characters

# Roles a renderer can style: derivative symbols, local factors (numbered so that the i-th
# symbol and the i-th factor of a chain can share a colour), operators, plain expressions, the
# final result, and notes.
SYMBOL, FACTOR, OP, EXPR, RESULT, NOTE = "symbol", "factor", "op", "expr", "result", "note"


@dataclass(frozen=True)
class Part:
    """A printed piece of a row and its role; ``index`` pairs chain symbols with their factors."""

    text: str
    role: str = EXPR
    index: int = 0


@dataclass(frozen=True)
class Row:
    """One right-hand side (or left-hand side) of an equation, as parts."""

    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass(frozen=True)
class Equation:
    """``lhs = rows[0] = rows[1] …``, with an optional label before it and a note after it."""

    lhs: Row
    rows: tuple[Row, ...]
    label: str = ""
    note: str = ""


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def sanitize(text: str) -> str:
    """User text made safe to show literally: ANSI escapes and control characters made visible.

    Args:
        text: text the user typed (the source, names inside notes).

    Returns:
        The text with escape sequences, control and format characters (newlines included)
        written as ``\\x1b``, ``\\n``, ``\\u202e``; spaces and printable text unchanged.
    """
    text = _ANSI.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )


def one_line(text: str) -> str:
    """A program's lines joined by ``; `` and sanitized, for a heading or a note.

    Args:
        text: user text, possibly several lines.

    Returns:
        One line.
    """
    return sanitize("; ".join(line.strip() for line in text.splitlines() if line.strip()))


def shorten(text: str, limit: int = HEADING_MAX) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    Args:
        text: any text.
        limit: maximal length.

    Returns:
        The text, or its start followed by ``…``.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_backprop(d: Derivation) -> bool:
    """Whether the reverse pass is shown: several variables, omitted paths, or reused gradients.

    Args:
        d: the derivation.

    Returns:
        True when the Backpropagation section belongs in the output.
    """
    return len(d.wrt) > 1 or any(c.paths is None or not c.expanded for c in d.chain_rules)


def sections(d: Derivation) -> Iterator[tuple[str, list[Step]]]:
    """The steps grouped into titled sections, in order, omitting Backpropagation when not shown.

    Args:
        d: the derivation.

    Returns:
        An iterator of (title, steps).
    """
    titles = {
        "Decomposition": "Intermediates",
        "LocalDerivative": "Local derivatives",
        "Adjoint": "Backpropagation",
        "ChainRule": "Chain rule",
    }
    backprop = show_backprop(d)
    title, group = "", list[Step]()
    for step in d.steps:
        if isinstance(step, Adjoint) and not backprop:
            continue
        step_title = titles[type(step).__name__]
        if step_title != title and group:
            yield title, group
            group = []
        title = step_title
        group.append(step)
    if group:
        yield title, group


class Notation:
    """Symbols and expressions of one derivation, printed in one style."""

    def __init__(self, d: Derivation, style: Style) -> None:
        self.d = d
        self.style = style
        self.partial = d.partial
        self.total_partial = d.partial and len(d.graph.inputs) > 1
        self.inputs = set(d.graph.input_names)
        self.sep = r" \cdot " if style == "latex" else " · "
        # Which rows repeat one another is decided on the Unicode form, so that every format
        # leaves out the same rows.
        self.plain = self if style == "unicode" else Notation(d, "unicode")

    def expr(self, expr: Any) -> str:
        return print_expr(expr, self.style, partial=self.partial)

    def name(self, name: str) -> str:
        return name_latex(name) if self.style == "latex" else name_unicode(name)

    def local(self, of: str, wrt: str) -> str:
        return derivative_symbol(of, wrt, self.partial, self.style)

    def total(self, wrt: str) -> str:
        return derivative_symbol(self.d.output, wrt, self.total_partial, self.style)

    def adjoint(self, wrt: str) -> str:
        if wrt in self.inputs:
            return self.total(wrt)
        return derivative_symbol(self.d.output, wrt, self.partial, self.style)

    def operator(self, wrt: str) -> str:
        """``d/dx`` or ``∂/∂W₁`` (``\\frac{\\partial}{\\partial W_{1}}`` in LaTeX)."""
        name = self.name(wrt)
        if self.style == "latex":
            return (
                rf"\frac{{\partial}}{{\partial {name}}}"
                if self.total_partial
                else rf"\frac{{d}}{{d{name}}}"
            )
        d = "∂" if self.total_partial else "d"
        return f"{d}/{d}{name}"

    def row(self, expr: Any, role: str = EXPR) -> Row:
        return Row((Part(self.expr(expr), role),))

    def chain(self, texts: list[str], role: str) -> Row:
        """Pieces joined by the product sign, each numbered for colouring."""
        parts: list[Part] = []
        for i, text in enumerate(texts):
            if i:
                parts.append(Part(self.sep, OP))
            parts.append(Part(text, role, i))
        return Row(tuple(parts))

    def path_symbols(self, path: Path) -> Row:
        nodes = path.nodes
        return self.chain(
            [self.local(nodes[i], nodes[i + 1]) for i in range(len(nodes) - 1)], SYMBOL
        )

    def path_factors(self, path: Path) -> Row:
        return self.chain(factor_pieces(path.factors, self.style, partial=self.partial), FACTOR)

    def path_label(self, path: Path) -> str:
        return (r" \to " if self.style == "latex" else " → ").join(self.name(n) for n in path.nodes)

    def inline(self, name: str) -> str:
        """A name inside running text: ``$W_{1}$`` in LaTeX, ``W₁`` otherwise."""
        return f"${self.name(name)}$" if self.style == "latex" else self.name(name)


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


def omitted_text(size: int) -> str:
    """The placeholder for a result too large to print.

    Args:
        size: the result's tree size in nodes.

    Returns:
        ``(result in the inputs omitted: 1,234,567 nodes; see the intermediates above)``.
    """
    return f"(result in the inputs omitted: {size:,} nodes; see the intermediates above)"


def _tail(n: Notation, rule: ChainRule) -> list[Row]:
    rows = []
    products = [p.product for p in rule.paths or ()]
    # The sum of the path products was just shown; the engine's own sum of them is news only
    # when its terms differ (structural comparison, not algebra).
    if len(products) < 2 or set(rule.in_intermediates.as_ordered_terms()) != set(products):
        rows.append(n.row(rule.in_intermediates))
    if rule.result is None:
        rows.append(Row((Part(omitted_text(rule.result_size), NOTE),)))
    else:
        rows.append(n.row(rule.result, RESULT))
    if rule.simplified is not None:
        rows.append(n.row(rule.simplified, RESULT))
    return rows


@dataclass(frozen=True)
class ChainLayout:
    """How one ChainRule is shown: an optional intro line, the listed paths, then the total."""

    intro: str
    paths: tuple[Equation, ...]  # each labelled with its nodes, ``y → u → x``
    total: Equation


def chain_rule_layout(n: Notation, rule: ChainRule) -> ChainLayout:
    """The equations that show one ChainRule: the paths, their sum, the result.

    Args:
        n: the notation (style) to print in.
        rule: the step.

    Returns:
        The layout; ``paths`` is empty when there is a single path or none listed.
    """
    layout = _chain_rule_layout(n, rule)
    plain = layout if n.plain is n else _chain_rule_layout(n.plain, rule)
    return ChainLayout(
        layout.intro,
        tuple(_dedupe(e, p) for e, p in zip(layout.paths, plain.paths, strict=True)),
        _dedupe(layout.total, plain.total),
    )


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
        rows = [n.path_symbols(path), n.path_factors(path), n.row(path.product), *_tail(n, rule)]
        return ChainLayout("", (), Equation(lhs, tuple(rows)))
    paths = [
        Equation(
            n.path_symbols(path),
            (n.path_factors(path), n.row(path.product)),
            label=n.path_label(path),
        )
        for path in rule.paths
    ]
    rows = []
    direct = any(len(p.nodes) == 2 for p in rule.paths)
    if not (direct and n.total(rule.wrt) == n.local(n.d.output, rule.wrt)):
        rows.append(_sum_symbols([n.path_symbols(p) for p in rule.paths]))
    rows.append(_sum(n, [p.product for p in rule.paths]))
    rows.extend(_tail(n, rule))
    intro = f"{len(rule.paths)} paths {ends}, one product of local derivatives each:"
    return ChainLayout(intro, tuple(paths), Equation(lhs, tuple(rows)))


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
    minus = "-" if n.style == "latex" else "\u2212"
    for term in terms:
        negative = bool(parts) and term.could_extract_minus_sign()
        if parts:
            parts.append(Part(f" {minus} " if negative else " + ", OP))
        text = n.expr(-term if negative else term)
        parts.append(Part(_bracket(text, n.style) if term.is_Add else text))
    return Row(tuple(parts))


def _bracket(text: str, style: Style) -> str:
    return rf"\left({text}\right)" if style == "latex" else f"({text})"


def adjoint_equation(n: Notation, adj: Adjoint) -> Equation:
    """One step of the reverse pass: ``∂L/∂h = ∂L/∂z · ∂z/∂h = ∂L/∂z·W₂ = (z − y)·W₂``.

    Args:
        n: the notation (style) to print in.
        adj: the step.

    Returns:
        The equation, its note naming the reused upstream gradients.
    """
    eq = _adjoint_equation(n, adj)
    return _dedupe(eq, eq if n.plain is n else _adjoint_equation(n.plain, adj))


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
                Part(n.sep, OP),
                Part(n.local(term.child, adj.wrt), SYMBOL, 1),
            ]
        rows.append(Row(tuple(parts)))
    rows.append(n.row(adj.recurrence))
    if adj.expanded and len(to_unicode(adj.expression)) <= EXPANSION_MAX:
        rows.append(n.row(adj.expression))
    note = ""
    if adj.reuses:
        note = ", ".join(n.adjoint(child) for child in adj.reuses)
        note = (r"\text{reuses } " if n.style == "latex" else "reuses ") + note
    return Equation(lhs, tuple(rows), note=note)


def heading(n: Notation) -> str:
    """The title: ``d/dx sin(x²)``, or ``∂/∂W₁, ∂/∂b₁ of …`` for several variables.

    Args:
        n: the notation; for LaTeX the expression is LaTeX, else Unicode.

    Returns:
        The heading; the source text (sanitized, shortened) when the expression is too large.
    """
    d = n.d
    if d.expression is not None:
        what = n.expr(d.expression)
        e = d.expression
        # d/dx x·sin(x) could be read as (d/dx x)·sin(x): bracket products, quotients, sums.
        if len(d.wrt) == 1 and (e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_negative)):
            what = _bracket(what, n.style)
    else:
        what = shorten(one_line(d.source))
        if n.style == "latex":
            what = rf"\text{{{latex_text(what)}}}"
    ops = [n.operator(w) for w in d.wrt]
    if len(ops) == 1:
        return f"{ops[0]} {what}"
    return ", ".join(ops) + (r" \text{ of } " if n.style == "latex" else " of ") + what


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}


def latex_text(text: str) -> str:
    """``text`` escaped for LaTeX text mode (inside ``\\text{}``), safe for pdflatex.

    Args:
        text: sanitized user or engine text.

    Returns:
        The text with LaTeX specials escaped; characters pdflatex cannot set become ``?``,
        Greek letters become math glyphs.
    """
    out = []
    greek = _GREEK_COMMANDS
    for ch in text:
        if ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in greek:
            out.append(rf"\ensuremath{{\{greek[ch]}}}")
        elif ch in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[ch])
        else:
            out.append("?")
    return "".join(out)


_TEXT_SYMBOLS: dict[str, str] = {
    "\u2212": "-",
    "·": r"\ensuremath{\cdot}",
    "∂": r"\ensuremath{\partial}",
    "…": r"\ldots{}",
    "→": r"\ensuremath{\to}",
    "√": r"\ensuremath{\surd}",
}


def _greek() -> dict[str, str]:
    # Name → glyph for the Greek letters LaTeX has commands for (no \omicron, no \Alpha).
    from sympy.printing.pretty.pretty_symbology import greek_unicode

    capitals = ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi")
    names = {
        k: v for k, v in greek_unicode.items() if k[0].islower() and k not in ("omicron", "lamda")
    }
    names.update({k: greek_unicode[k] for k in (*capitals, "Omega")})
    return names


_GREEK_COMMANDS = {glyph: name for name, glyph in _greek().items()}
