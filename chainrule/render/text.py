"""Plain Unicode text, no ANSI escapes: for pipes, files and ``NO_COLOR``.

>>> from chainrule import derive  # doctest: +SKIP
>>> print(render_text(derive("sin(x**2)")))  # doctest: +SKIP
d/dx sin(x²)
<BLANKLINE>
Intermediates
  u = x²
  y = sin(u)
...
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

from collections.abc import Sequence

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative, Step
from chainrule.render.layout import (
    Equation,
    Notation,
    adjoint_equation,
    chain_rule_layout,
    heading,
    one_line,
    sanitize,
    sections,
)
from chainrule.render.notes import note_text

INDENT = "  "


def _equation(eq: Equation, indent: str = INDENT, lhs_width: int = 0) -> list[str]:
    """``lhs = r0`` then ``= r1`` … under the first ``=``; the note after the first row."""
    lhs = eq.lhs.text.ljust(lhs_width)
    rows = [r.text for r in eq.rows] or [""]
    lines = [f"{indent}{lhs} = {rows[0]}"]
    if eq.note:
        lines[0] += f"    ({eq.note})"
    pad = " " * len(lhs)
    lines += [f"{indent}{pad} = {row}" for row in rows[1:]]
    return lines


class _TextRenderer:
    def __init__(self, d: Derivation) -> None:
        self.d = d
        self.n = Notation(d, "unicode")

    def render(self) -> str:
        lines = [heading(self.n)]
        for title, steps in sections(self.d):
            lines += ["", title]
            for step in steps:
                lines += self._render(step)
        if self.d.notes:
            lines += ["", *(f"note: {one_line(note_text(note))}" for note in self.d.notes)]
        # Names and expressions come through the parser's whitelist; escaping every line
        # anyway keeps a terminal safe from control characters whatever reaches us.
        return "\n".join(sanitize(line) for line in lines) + "\n"

    def _render(self, step: Step) -> list[str]:
        method = getattr(self, "_render_" + type(step).__name__)
        lines: list[str] = method(step)
        return lines

    def _render_Decomposition(self, step: Decomposition) -> list[str]:
        return [
            f"{INDENT}{self.n.name(node.name)} = {self.n.expr(node.definition)}"
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> list[str]:
        return [f"{INDENT}{self.n.local(step.of, step.wrt)} = {self.n.expr(step.derivative)}"]

    def _render_Adjoint(self, step: Adjoint) -> list[str]:
        return _equation(adjoint_equation(self.n, step))

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
    if isinstance(d, Derivation):
        return _TextRenderer(d).render()
    return "\n".join(_TextRenderer(one).render() for one in d)
