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

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative
from chainrule.render.base import Renderer
from chainrule.render.equations import adjoint_equation, chain_rule_layout, heading
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.printers.latex import derivative_symbol, name_latex, to_latex
from chainrule.render.rows import NOTE, Equation, Row
from chainrule.render.safe_text import one_line

PREAMBLE = (
    "\\documentclass{article}\n"
    "\\usepackage{amsmath}\n"
    "\\usepackage{amssymb}\n"
    "\\allowdisplaybreaks\n"  # a long derivation may break across pages
    "\\begin{document}\n"
)
END = "\\end{document}\n"
INTERTEXT = "\\intertext"


class LatexNotation(Notation):
    """The derivation's symbols and expressions in LaTeX math."""

    separator = r" \cdot "
    arrow = r" \to "
    minus = "-"

    def __init__(self, d: Derivation) -> None:
        super().__init__(d)
        self.plain = Notation(d)

    def expr(self, expr: Any) -> str:
        return to_latex(expr, partial=self.partial)

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


# --- escaping text for pdflatex -----------------------------------------------------------------

_SPECIAL = {
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
# Non-ASCII characters chainrule itself writes, as pdflatex can set them.
_TEXT_SYMBOLS = {
    "\u2212": "-",
    "·": r"\ensuremath{\cdot}",
    "∂": r"\ensuremath{\partial}",
    "…": r"\ldots{}",
    "→": r"\ensuremath{\to}",
    "√": r"\ensuremath{\surd}",
}


def _greek_commands() -> dict[str, str]:
    """Glyph → command name for the Greek letters LaTeX has commands for (no \\omicron, no
    \\Alpha: capitals that look Latin have none)."""
    from sympy.printing.pretty.pretty_symbology import greek_unicode

    capitals = ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi")
    names = {
        k: v for k, v in greek_unicode.items() if k[0].islower() and k not in ("omicron", "lamda")
    }
    names.update({k: greek_unicode[k] for k in (*capitals, "Omega")})
    return {glyph: name for name, glyph in names.items()}


_GREEK = _greek_commands()


def latex_text(text: str) -> str:
    """``text`` escaped for LaTeX text mode (inside ``\\text{}``), safe for pdflatex.

    Args:
        text: sanitized user or engine text.

    Returns:
        The text with LaTeX specials escaped; characters pdflatex cannot set become ``?``,
        Greek letters become math glyphs.
    """
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in _GREEK:
            out.append(rf"\ensuremath{{\{_GREEK[ch]}}}")
        elif ch in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[ch])
        else:
            out.append("?")
    return "".join(out)


# --- rows and alignments ------------------------------------------------------------------------


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


class LatexRenderer(Renderer[str, str]):
    """One ``align*`` per derivation; ``standalone`` wraps them in a document."""

    _default_settings = {"standalone": False}
    n: Notation

    def render_one(self, d: Derivation) -> str:
        self.n = LatexNotation(d)
        lines = [_intertext(rf"$\displaystyle {heading(self.n)}$")]
        for title, steps in self.sections(d):
            lines.append(_intertext(rf"\textbf{{{latex_text(title)}}}"))
            for step in steps:
                lines += self._render(step)
        lines += [
            _intertext(f"note: {latex_text(one_line(note_text(note)))}")
            for note in derivation_notes(d)
        ]
        return "\\begin{align*}\n" + join_lines(lines) + "\n\\end{align*}\n"

    def join(self, rendered: list[str]) -> str:
        tex = "\n".join(rendered)
        return PREAMBLE + tex + END if self._settings["standalone"] else tex

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
        lines = [_intertext(layout.intro)] if layout.intro else []
        for path in layout.paths:
            lines += equation_lines(path, tag=path.label)
        return lines + equation_lines(layout.total)


def render_latex(d: Derivation | Sequence[Derivation], standalone: bool = False) -> str:
    """The derivation as an amsmath ``align*`` (or a whole document that pdflatex compiles).

    Args:
        d: a derivation, or several (one ``align*`` each).
        standalone: wrap in ``\\documentclass{article}`` … ``\\end{document}``.

    Returns:
        LaTeX source ending in a newline.
    """
    return LatexRenderer(standalone=standalone).render(d)
