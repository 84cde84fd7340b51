"""Plain Unicode text, no ANSI escapes: for pipes, files and ``NO_COLOR``.

>>> from chainrule import derive
>>> print(render_text(derive("sin(x**2)")), end="")
d/dx sin(x²)
<BLANKLINE>
Intermediates
  u = x²
  y = sin(u)
<BLANKLINE>
Local derivatives
  dy/du = cos(u)
  du/dx = 2x
<BLANKLINE>
Chain rule
  dy/dx = dy/du · du/dx
        = cos(u) · 2x
        = 2x·cos(u)
        = 2x·cos(x²)
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

from collections.abc import Sequence

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
    local_equation,
)
from chainrule.render.gradcheck import text_lines as gradcheck_lines
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.rows import Equation
from chainrule.render.safe_text import one_line, sanitize
from chainrule.render.value_formats import text_lines
from chainrule.render.verdict import answer_rows, headline, plain, shows_derivation

INDENT = "  "


def _equation(eq: Equation) -> list[str]:
    """``lhs = r0`` then ``= r1`` … under the first ``=``; the note after its row."""
    rows = [r.text for r in eq.rows] or [""]
    lines = [f"{INDENT}{eq.lhs.text} = {rows[0]}"]
    pad = " " * len(eq.lhs.text)
    lines += [f"{INDENT}{pad} = {row}" for row in rows[1:]]
    if eq.note:
        lines[min(eq.note_row, len(lines) - 1)] += f"    ({eq.note})"
    return lines


class TextRenderer(Renderer[str, str]):
    """Sections as titled blocks of indented equations, aligned on their ``=``."""

    n: Notation

    def render_one(self, d: Derivation) -> str:
        self.n = Notation(d)
        lines = [line for lines in self.verdict_first(d) for line in lines]
        if shows_derivation(d):
            lines += [""] * bool(lines) + [heading(self.n)]
        for title, steps in self.sections(d):
            lines += ["", title]
            for step in steps:
                lines += self._render(step)
        notes = derivation_notes(d)
        if notes:
            lines += ["", *(f"note: {one_line(note_text(note))}" for note in notes)]
        # Names and expressions come through the parser's whitelist; escaping every line
        # anyway keeps a terminal safe from control characters whatever reaches us.
        return "\n".join(sanitize(line) for line in lines) + "\n"

    def join(self, rendered: list[str]) -> str:
        return "\n".join(rendered)

    def _render_Decomposition(self, step: Decomposition) -> list[str]:
        return [
            f"{INDENT}{self.n.name(node.name)} = {self.n.expr(node.definition)}"
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> list[str]:
        return _equation(local_equation(self.n, step))

    def _render_Adjoint(self, step: Adjoint) -> list[str]:
        return _equation(adjoint_equation(self.n, step))

    def _render_Verdict(self, step: Verdict) -> list[str]:
        rows = answer_rows(self.n, step)
        width = max((len(label) for label, _ in rows), default=0)
        return [plain(headline(self.n, step))] + [
            f"{INDENT}{label + ':':<{width + 1}}  {expr}" for label, expr in rows
        ]

    def _render_Values(self, step: Values) -> list[str]:
        return text_lines(self.n, step, INDENT)

    def _render_GradCheck(self, step: GradCheck) -> list[str]:
        return gradcheck_lines(self.n, step, INDENT)

    def _render_ChainRule(self, step: ChainRule) -> list[str]:
        layout = chain_rule_layout(self.n, step)
        lines = [INDENT + layout.intro] if layout.intro else []
        width = max((len(p.label) for p in layout.paths), default=0)
        for path in layout.paths:
            label = f"{path.label}:".ljust(width + 1)
            body = " = ".join([path.lhs.text] + [r.text for r in path.rows])
            lines.append(f"{INDENT * 2}{label}  {body}")
        return lines + _equation(layout.total)


def render_text(d: Derivation | Sequence[Derivation]) -> str:
    """The derivation as plain Unicode text: intermediates, local derivatives, chain rule.

    Args:
        d: a derivation, or several (rendered one after another, a blank line apart).

    Returns:
        Text ending in a newline, without ANSI escapes; its size is linear in the derivation's.
    """
    return TextRenderer().render(d)
