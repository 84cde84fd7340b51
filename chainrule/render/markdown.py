"""Markdown with math: headings, bullet lists, and ``$$\\begin{aligned}…\\end{aligned}$$`` blocks
that GitHub and Jupyter render (``align*`` and ``\\intertext`` are not available there).

>>> from chainrule import derive  # doctest: +SKIP
>>> print(render_markdown(derive("sin(x**2)")))  # doctest: +SKIP
## d/dx sin(x²)
...
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

import re
from collections.abc import Sequence

from chainrule.model import ChainRule, Decomposition, Derivation
from chainrule.render.latex import LatexLines, equation_lines, join_lines
from chainrule.render.layout import (
    Notation,
    chain_rule_layout,
    heading,
    one_line,
    sections,
)
from chainrule.render.notes import note_text

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


def _math_block(lines: list[str]) -> list[str]:
    if not lines:
        return []
    return ["$$", "\\begin{aligned}", join_lines(lines), "\\end{aligned}", "$$", ""]


class _MarkdownRenderer(LatexLines):
    """LaTeX rows inside ``$$`` blocks; intermediates as a bullet list, sections as headings."""

    def render(self) -> str:
        title = heading(Notation(self.d, "unicode"))
        out = [f"## {markdown_text(title)}", ""]
        for section, steps in sections(self.d):
            out += [f"### {section}", ""]
            if isinstance(steps[0], (Decomposition, ChainRule)):
                for step in steps:
                    out += getattr(self, "_render_" + type(step).__name__)(step)
            else:  # local derivatives and adjoints: one aligned block per section
                lines: list[str] = []
                for step in steps:
                    lines += getattr(self, "_render_" + type(step).__name__)(step)
                out += _math_block(lines)
        out += [f"> **note:** {markdown_text(one_line(note_text(note)))}" for note in self.d.notes]
        return "\n".join(out).rstrip("\n") + "\n"

    def _render_Decomposition(self, step: Decomposition) -> list[str]:
        rows = [
            f"- ${self.n.name(node.name)} = {self.n.expr(node.definition)}$" for node in step.nodes
        ]
        return [*rows, ""]

    def _render_ChainRule(self, step: ChainRule) -> list[str]:
        layout = chain_rule_layout(self.n, step)
        out = [layout.intro, ""] if layout.intro else []
        lines: list[str] = []
        for path in layout.paths:
            lines += equation_lines(path, tag=path.label)
        return out + _math_block(lines + equation_lines(layout.total))


def render_markdown(d: Derivation | Sequence[Derivation]) -> str:
    """The derivation as Markdown: a heading, sections, bullet lists and display math.

    Args:
        d: a derivation, or several (one after another).

    Returns:
        Markdown ending in a newline.
    """
    items = [d] if isinstance(d, Derivation) else list(d)
    return "\n".join(_MarkdownRenderer(one).render() for one in items)
