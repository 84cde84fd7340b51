"""LaTeX: an amsmath ``align*`` of the whole derivation, or a standalone document.

Equations align on ``&=``; section titles and explanations are ``\\intertext``.  User text only
ever appears escaped inside ``\\text{}`` (the source, when the expression is too large to show).

>>> from chainrule import derive  # doctest: +SKIP
>>> print(render_latex(derive("sin(x**2)")))  # doctest: +SKIP
\\begin{align*}
\\intertext{$\\displaystyle \\frac{d}{dx} \\sin{\\left(x^{2} \\right)}$}
...
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

from collections.abc import Sequence

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative
from chainrule.render.layout import (
    NOTE,
    Equation,
    Notation,
    Row,
    adjoint_equation,
    chain_rule_layout,
    heading,
    latex_text,
    one_line,
    sections,
)
from chainrule.render.notes import note_text

PREAMBLE = (
    "\\documentclass{article}\n"
    "\\usepackage{amsmath}\n"
    "\\usepackage{amssymb}\n"
    "\\allowdisplaybreaks\n"  # a long derivation may break across pages
    "\\begin{document}\n"
)
END = "\\end{document}\n"


def row_tex(row: Row) -> str:
    """A layout row as LaTeX: math parts as they are, notes as escaped ``\\text{}``.

    Args:
        row: the row.

    Returns:
        LaTeX for math mode.
    """
    return "".join(
        rf"\text{{{latex_text(p.text)}}}" if p.role == NOTE else p.text for p in row.parts
    )


def equation_lines(eq: Equation, *, tag: str = "") -> list[str]:
    """``lhs &= r0`` then ``&= r1`` …, each line ending without ``\\\\``.

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
        lines[0] += f" && {extra}"
    return lines


class LatexLines:
    """Collects the lines of an alignment; ``intertext`` says how a text line is written.

    The Markdown renderer reuses its rows for local derivatives and the reverse pass.
    """

    def __init__(self, d: Derivation, intertext: str = "\\intertext") -> None:
        self.d = d
        self.n = Notation(d, "latex")
        self.intertext = intertext

    def text(self, tex: str) -> str:
        return f"{self.intertext}{{{tex}}}"

    def body(self) -> list[str]:
        """The lines of the alignment for every section, without the environment."""
        lines = [self.text(rf"$\displaystyle {heading(self.n)}$")]
        for title, steps in sections(self.d):
            lines.append(self.text(rf"\textbf{{{title}}}"))
            for step in steps:
                lines += getattr(self, "_render_" + type(step).__name__)(step)
        lines += [
            self.text(f"note: {latex_text(one_line(note_text(note)))}") for note in self.d.notes
        ]
        return lines

    def _render_Decomposition(self, step: Decomposition) -> list[str]:
        return [
            f"{self.n.name(node.name)} &= {self.n.expr(node.definition)}" for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> list[str]:
        return [f"{self.n.local(step.of, step.wrt)} &= {self.n.expr(step.derivative)}"]

    def _render_Adjoint(self, step: Adjoint) -> list[str]:
        return equation_lines(adjoint_equation(self.n, step))

    def _render_ChainRule(self, step: ChainRule) -> list[str]:
        layout = chain_rule_layout(self.n, step)
        lines = [self.text(layout.intro)] if layout.intro else []
        for path in layout.paths:
            lines += equation_lines(path, tag=path.label)
        return lines + equation_lines(layout.total)


def join_lines(lines: list[str], intertext: str = "\\intertext") -> str:
    """Alignment lines joined, ``\\\\`` ending every row but the last (amsmath wants one before
    an ``\\intertext`` too).

    Args:
        lines: rows and text lines.
        intertext: how text lines start (they take no ``\\\\``).

    Returns:
        The body of an alignment environment.
    """
    out = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        ends_row = i < last and not line.startswith(intertext)
        out.append(line + (" \\\\" if ends_row else ""))
    return "\n".join(out)


def render_latex(d: Derivation | Sequence[Derivation], standalone: bool = False) -> str:
    """The derivation as an amsmath ``align*`` (or a whole document that pdflatex compiles).

    Args:
        d: a derivation, or several (one ``align*`` each).
        standalone: wrap in ``\\documentclass{article}`` … ``\\end{document}``.

    Returns:
        LaTeX source ending in a newline.
    """
    items = [d] if isinstance(d, Derivation) else list(d)
    blocks = [
        "\\begin{align*}\n" + join_lines(LatexLines(one).body()) + "\n\\end{align*}\n"
        for one in items
    ]
    tex = "\n".join(blocks)
    return PREAMBLE + tex + END if standalone else tex


__all__ = ["render_latex", "equation_lines", "join_lines", "row_tex"]
