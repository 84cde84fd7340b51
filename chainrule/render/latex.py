"""LaTeX: an amsmath ``align*`` of the whole derivation, or a standalone document.

Equations align on ``&=``; section titles and explanations are ``\\intertext``.  User text only
ever appears escaped inside ``\\text{}`` (the source, when the expression is too large to show).

>>> from chainrule import derive
>>> print(render_latex(derive("sin(x**2)")), end="")
\\begin{align*}
\\intertext{$\\displaystyle \\frac{d}{dx} \\sin{\\left(x^{2} \\right)}$}
\\intertext{\\textbf{Intermediates}}
u &= x^{2} \\\\
y &= \\sin{\\left(u \\right)} \\\\
\\intertext{\\textbf{Local derivatives}}
\\frac{dy}{du} &= \\cos{\\left(u \\right)} \\\\
\\frac{du}{dx} &= 2 x \\\\
\\intertext{\\textbf{Chain rule}}
\\frac{dy}{dx} &= \\frac{dy}{du} \\cdot \\frac{du}{dx} \\\\
&= \\cos{\\left(u \\right)} \\cdot 2 x \\\\
&= 2 x \\cos{\\left(u \\right)} \\\\
&= 2 x \\cos{\\left(x^{2} \\right)}
\\end{align*}
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.model import (
    Adjoint,
    ChainRule,
    Decomposition,
    Derivation,
    GradCheck,
    LocalDerivative,
    Values,
    Verdict,
)
from chainrule.render.base import Renderer
from chainrule.render.equations import (
    adjoint_equation,
    chain_rule_layout,
    heading,
    heading_parts,
    local_equation,
)
from chainrule.render.gradcheck import latex_lines as gradcheck_lines
from chainrule.render.latex_text import latex_text
from chainrule.render.latex_width import balance, scan_latex, tex_width
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.printers.latex import derivative_symbol, name_latex, to_latex
from chainrule.render.rows import NOTE, Equation, Part, Row
from chainrule.render.safe_text import one_line, shorten
from chainrule.render.value_formats import latex_tables
from chainrule.render.verdict import answer_rows, headline, shows_derivation
from chainrule.render.wrap import pieces, wrap

PREAMBLE = (
    "\\documentclass{article}\n"
    "\\usepackage{amsmath}\n"
    "\\usepackage{amssymb}\n"
    "\\allowdisplaybreaks\n"  # a long derivation may break across pages
    "\\begin{document}\n"
)
END = "\\end{document}\n"
INTERTEXT = "\\intertext"

# Rows are broken to fit the text width of LaTeX's default article (345 pt at 10 pt), where a
# standalone document sets them and where a pasted fragment most often lands.
TEXT_WIDTH = 345.0
LHS_MAX = 90.0  # a longer left-hand side (a path's chain) gets a line of its own
_REL = tex_width("=")  # the = after the alignment point, with its spaces
_INDENT, _GAP = r"\quad", r"\qquad"  # before a continued line; before a note


class LatexNotation(Notation):
    """The derivation's symbols and expressions in LaTeX math."""

    separator = r" \cdot "
    arrow = r" \to "
    minus = "-"

    def __init__(self, d: Derivation) -> None:
        super().__init__(d)
        self.plain = Notation(d)

    def _expr(self, expr: Any) -> str:
        tex = to_latex(expr, partial=self.partial, orders=self.orders)
        if expr.is_Mul and tex_width(tex) > TEXT_WIDTH:
            # A fraction wider than the page cannot be broken: its denominator goes in front
            # (\frac{1}{2} w (…)(…)), leaving a product that breaks between its factors.
            numerator, denominator = expr.as_numer_denom()
            if denominator != 1 and numerator != 1:
                over = to_latex(1 / denominator, partial=self.partial, orders=self.orders)
                rest = to_latex(numerator, partial=self.partial, orders=self.orders)
                return f"{over} {self.bracket(rest) if numerator.is_Add else rest}"
        return tex

    def name(self, name: str) -> str:
        return name_latex(name)

    def symbol(self, of: str, wrt: str, partial: bool) -> str:
        return derivative_symbol(of, wrt, partial)

    def operator(self, wrt: str) -> str:
        name = self.name(wrt)
        if self.total_partial:
            return rf"\frac{{\partial}}{{\partial {name}}}"
        return rf"\frac{{d}}{{d{name}}}"

    def bracket(self, text: str) -> str:
        return rf"\left({text}\right)"

    def text(self, words: str) -> str:
        # Outer spaces are repeated outside \text{}, where math mode ignores them, so that
        # the source reads "… \text{ of } …" like the output.
        lead = " " if words.startswith(" ") else ""
        trail = " " if words.endswith(" ") else ""
        return rf"{lead}\text{{{latex_text(words)}}}{trail}"

    def inline(self, name: str) -> str:
        return f"${self.name(name)}$"


# --- rows and alignments ------------------------------------------------------------------------


def _tex(row: Row) -> Row:
    """A layout row with its notes as escaped ``\\text{}``: every part is math."""
    return Row(
        tuple(
            Part(rf"\text{{{latex_text(p.text)}}}", p.role) if p.role == NOTE else p
            for p in row.parts
        )
    )


def row_tex(row: Row) -> str:
    """A layout row as LaTeX: math parts as they are, notes as escaped ``\\text{}``.

    Args:
        row: the row.

    Returns:
        LaTeX for math mode.
    """
    return _tex(row).text


def equation_lines(eq: Equation, *, tag: str = "") -> list[str]:
    """``lhs &= r0`` then ``&= r1`` …, each line ending without ``\\\\``, never broken (for
    Markdown, whose viewers scroll a wide formula).

    Args:
        eq: the equation.
        tag: math put in a last, left-aligned column (a path's nodes, a note).

    Returns:
        One line per row.
    """
    rows = [row_tex(r) for r in eq.rows] or [""]
    lines = [f"{row_tex(eq.lhs)} &= {rows[0]}"] + [f"&= {r}" for r in rows[1:]]
    extra = tag or eq.note
    if extra:
        lines[0 if tag else min(eq.note_row, len(lines) - 1)] += f" && {extra}"
    return lines


def align(items: Sequence[str | Equation], width: float = TEXT_WIDTH) -> list[str]:
    """The lines of one alignment, every equation broken to fit ``width``.

    A left-hand side longer than ``LHS_MAX`` gets a line of its own, so that one long side
    does not push every ``=`` to the right; a row too wide breaks between its terms, or
    between its factors, never inside one while it fits (``wrap``); a note or a path's nodes
    follow the first line where they fit, else take a line of their own.

    Args:
        items: ``\\intertext`` lines and equations, in order.
        width: the text width in points.

    Returns:
        Alignment lines without their ending ``\\\\`` (``join_lines`` adds them).
    """
    sides = [tex_width(row_tex(i.lhs)) for i in items if isinstance(i, Equation)]
    column = max((w for w in sides if w <= LHS_MAX), default=0.0)
    lines: list[str] = []
    for item in items:
        lines += [item] if isinstance(item, str) else _equation(item, width - column)
    return lines


# A laid-out line: its LaTeX, the piece of the row it shows (measured only where a note may
# follow it), the room it had.
_Line = tuple[str, str, float]


def _equation(eq: Equation, room: float) -> list[str]:
    lhs = row_tex(eq.lhs)
    rest = room - tex_width(_INDENT)
    head: list[_Line] = []
    if tex_width(lhs) > LHS_MAX:  # from the alignment point, then "= …" under it
        head, lhs = _broken(eq.lhs, "& ", room, rest), ""
    rows = [
        _broken(row, f"{lhs} &= " if i == 0 and lhs else "&= ", room - _REL, rest)
        for i, row in enumerate(eq.rows or (Row(()),))
    ]
    # The block a note follows: the first (the left-hand side's, when it has its own), or
    # the row ``note_row``.
    at = 0 if eq.label or not eq.note_row else min(eq.note_row, len(rows) - 1) + bool(head)
    if not head:
        head, rows = rows[0], rows[1:]
    blocks = [head, *rows]
    extra = eq.label or eq.note
    if extra:
        block = blocks[at]
        text, piece, fits = block[-1]
        if tex_width(piece) + tex_width(f"{_GAP} {extra}") <= fits:
            block[-1] = (f"{text} {_GAP} {extra}", piece, fits)
        else:
            block.append((f"&{_GAP} {extra}", "", fits))
    return [line[0] for block in (head, *rows) for line in block]


def _broken(row: Row, head: str, first: float, rest: float) -> list[_Line]:
    """``row`` as alignment lines: ``head`` and its first piece, then indented pieces."""
    tex = _tex(row)
    lines = wrap(tex, scan_latex, tex_width, first, rest, sign=tex_width(r"\cdot"))
    out: list[_Line] = []
    for line, piece in zip(lines, pieces(tex.text, lines), strict=True):
        if not out:
            out.append((head + balance(piece), piece, first))
        else:
            # {} keeps a leading + or \cdot binary; juxtaposed factors get the product sign.
            lead = r"{}\cdot " if line.juxtaposed else "{}"
            out.append((f"&{_INDENT} {balance(lead + piece)}", piece, rest))
    return out


def join_lines(lines: list[str]) -> str:
    """Alignment lines joined, ``\\\\`` ending every row but the last (amsmath wants one before
    an ``\\intertext`` too).

    Args:
        lines: rows and ``\\intertext`` lines (which take no ``\\\\``).

    Returns:
        The body of an alignment environment.
    """
    out = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        ends_row = i < last and not line.startswith(INTERTEXT)
        out.append(line + (" \\\\" if ends_row else ""))
    return "\n".join(out)


def _intertext(tex: str) -> str:
    return f"{INTERTEXT}{{{tex}}}"


def title(n: Notation) -> str:
    """The heading as text-mode LaTeX: the formula, or where it would not fit the width, the
    operators and then the input as text that may break after its operators.

    Args:
        n: the derivation's LaTeX notation.

    Returns:
        LaTeX for text mode (an ``\\intertext``).
    """
    whole = heading(n)
    if tex_width(whole) <= TEXT_WIDTH:
        return rf"$\displaystyle {whole}$"
    source = "".join(
        latex_text(ch) + (r"\allowbreak{}" if ch in "(+-*/;,=" else "")
        for ch in shorten(one_line(n.d.source))
    )
    ops = ", ".join(rf"$\displaystyle {op}$" for op in heading_parts(n)[0])
    return f"{ops} of {source}"


class LatexRenderer(Renderer[str, str]):
    """One ``align*`` per derivation; ``standalone`` wraps them in a document."""

    _default_settings = {"standalone": False}
    n: Notation

    def render_one(self, d: Derivation) -> str:
        self.n = LatexNotation(d)
        items: list[str | Equation] = [i for lead in self.verdict_first(d) for i in lead]
        if shows_derivation(d):
            items.append(_intertext(title(self.n)))
        for title_, steps in self.sections(d):
            items.append(_intertext(rf"\textbf{{{latex_text(title_)}}}"))
            for step in steps:
                items += self._render(step)
        items += [
            _intertext(f"note: {latex_text(one_line(note_text(note)))}")
            for note in derivation_notes(d)
        ]
        return "\\begin{align*}\n" + join_lines(align(items)) + "\n\\end{align*}\n"

    def join(self, rendered: list[str]) -> str:
        tex = "\n".join(rendered)
        return PREAMBLE + tex + END if self._settings["standalone"] else tex

    def _render_Decomposition(self, step: Decomposition) -> Sequence[str | Equation]:
        return [
            _equation_of(self.n.name(node.name), self.n.expr(node.definition))
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> Sequence[str | Equation]:
        return [local_equation(self.n, step)]

    def _render_Adjoint(self, step: Adjoint) -> Sequence[str | Equation]:
        return [adjoint_equation(self.n, step)]

    def _render_Verdict(self, step: Verdict) -> Sequence[str | Equation]:
        line = "".join(f"${t}$" if math else latex_text(t) for math, t in headline(self.n, step))
        rows = [_equation_of(self.n.text(label), expr) for label, expr in answer_rows(self.n, step)]
        return [_intertext(line), *rows]

    def _render_Values(self, step: Values) -> Sequence[str | Equation]:
        return latex_tables(self.n, step)

    def _render_GradCheck(self, step: GradCheck) -> Sequence[str | Equation]:
        return gradcheck_lines(self.n, step)

    def _render_ChainRule(self, step: ChainRule) -> Sequence[str | Equation]:
        layout = chain_rule_layout(self.n, step)
        items: list[str | Equation] = [_intertext(layout.intro)] if layout.intro else []
        return [*items, *layout.paths, layout.total]


def _equation_of(lhs: str, rhs: str) -> Equation:
    return Equation(Row((Part(lhs),)), (Row((Part(rhs),)),))


def render_latex(d: Derivation | Sequence[Derivation], standalone: bool = False) -> str:
    """The derivation as an amsmath ``align*`` (or a whole document that pdflatex compiles).

    Args:
        d: a derivation, or several (one ``align*`` each).
        standalone: wrap in ``\\documentclass{article}`` … ``\\end{document}``.

    Returns:
        LaTeX source ending in a newline.
    """
    return LatexRenderer(standalone=standalone).render(d)
