"""Markdown with math: headings, bullet lists, and ``$$\\begin{aligned}…\\end{aligned}$$`` blocks
that GitHub and Jupyter render (``align*`` and ``\\intertext`` are not available there).

>>> from chainrule import derive
>>> print(render_markdown(derive("sin(x**2)")), end="")
## d/dx sin(x²)
<BLANKLINE>
### Intermediates
<BLANKLINE>
- $u = x^{2}$
- $y = \\sin{\\left(u \\right)}$
<BLANKLINE>
### Local derivatives
<BLANKLINE>
$$
\\begin{aligned}
\\frac{dy}{du} &= \\cos{\\left(u \\right)} \\\\
\\frac{du}{dx} &= 2 x
\\end{aligned}
$$
<BLANKLINE>
### Chain rule
<BLANKLINE>
$$
\\begin{aligned}
\\frac{dy}{dx} &= \\frac{dy}{du} \\cdot \\frac{du}{dx} \\\\
&= \\cos{\\left(u \\right)} \\cdot 2 x \\\\
&= 2 x \\cos{\\left(u \\right)} \\\\
&= 2 x \\cos{\\left(x^{2} \\right)}
\\end{aligned}
$$
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from chainrule.model import ChainRule, Decomposition, Derivation, GradCheck, Values, Verdict
from chainrule.render.equations import chain_rule_layout, heading
from chainrule.render.gradcheck import markdown_lines as gradcheck_lines
from chainrule.render.latex import LatexNotation, LatexRenderer, equation_lines, join_lines
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.safe_text import one_line
from chainrule.render.value_formats import markdown_lines
from chainrule.render.verdict import answer_rows, headline, shows_derivation

# Characters that start emphasis, code, links, HTML, headings or math anywhere in a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#$~])")


def markdown_text(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped, so it shows literally.

    Args:
        text: sanitized text (a heading, a note).

    Returns:
        The escaped text.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class Prose(list[str]):
    """Markdown lines a step shows as they are.  A step method that returns a plain list (as
    the LaTeX renderer's do) returns rows of math, which the section gathers into one block."""


def _math_block(lines: list[str]) -> list[str]:
    if not lines:
        return []
    return ["$$", "\\begin{aligned}", join_lines(lines), "\\end{aligned}", "$$", ""]


class MarkdownRenderer(LatexRenderer):
    """The LaTeX renderer's rows inside ``$$`` blocks; intermediates as a bullet list, sections
    as headings.  Steps without a method here are shown as the LaTeX renderer writes them."""

    _default_settings: ClassVar[dict[str, Any]] = {}  # standalone is for LaTeX documents

    def render_one(self, d: Derivation) -> str:
        self.n = LatexNotation(d)
        out = [line for lead in self.verdict_first(d) for line in lead]
        if shows_derivation(d):
            out += [f"## {markdown_text(heading(Notation(d)))}", ""]
        for title, steps in self.sections(d):
            out += [f"### {markdown_text(title)}", ""]
            math: list[str] = []
            for step in steps:
                rendered = self._render(step)
                if isinstance(rendered, Prose):
                    out += _math_block(math) + rendered
                    math = []
                else:  # the LaTeX renderer's items, never broken: Markdown viewers scroll
                    for item in rendered:
                        math += [item] if isinstance(item, str) else equation_lines(item)
            out += _math_block(math)
        out += [
            f"> **note:** {markdown_text(one_line(note_text(note)))}"
            for note in derivation_notes(d)
        ]
        return "\n".join(out).rstrip("\n") + "\n"

    def join(self, rendered: list[str]) -> str:
        return "\n".join(rendered)

    def _render_Decomposition(self, step: Decomposition) -> Prose:
        rows = [
            f"- ${self.n.name(node.name)} = {self.n.expr(node.definition)}$" for node in step.nodes
        ]
        return Prose([*rows, ""])

    def _render_Verdict(self, step: Verdict) -> Prose:
        pieces = headline(self.n, step)
        verdict, rest = pieces[0][1].rstrip(": "), pieces[1:]
        line = "".join(f"${t}$" if math else markdown_text(t) for math, t in rest)
        rows = [f"- {label}: ${expr}$" for label, expr in answer_rows(self.n, step)]
        return Prose([f"**{verdict}:** {line}", *([""] + rows if rows else []), ""])

    def _render_Values(self, step: Values) -> Prose:
        return Prose(markdown_lines(self.n, step))

    def _render_GradCheck(self, step: GradCheck) -> Prose:
        return Prose(gradcheck_lines(self.n, step))

    def _render_ChainRule(self, step: ChainRule) -> Prose:
        layout = chain_rule_layout(self.n, step)
        out = [layout.intro, ""] if layout.intro else []
        lines: list[str] = []
        for path in layout.paths:
            lines += equation_lines(path, tag=path.label)
        return Prose(out + _math_block(lines + equation_lines(layout.total)))


def render_markdown(d: Derivation | Sequence[Derivation]) -> str:
    """The derivation as Markdown: a heading, sections, bullet lists and display math.

    Args:
        d: a derivation, or several (one after another).

    Returns:
        Markdown ending in a newline.
    """
    return MarkdownRenderer().render(d)
