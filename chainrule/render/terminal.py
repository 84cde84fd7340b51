"""Rich renderables for a terminal: the text layout in panels, names and factors in colour.

The only module of chainrule that imports rich.  Everything shown is a ``rich.text.Text`` built
from plain strings, never console markup, so ``[bold]`` or ``[link=…]`` typed by a user is shown
as typed; control characters and ANSI escapes were made visible by ``safe_text.sanitize``.

>>> from io import StringIO
>>> from rich.console import Console
>>> from chainrule import derive
>>> console = Console(file=StringIO(), width=40, color_system=None)
>>> console.print(render_rich(derive("sin(x**2)")))
>>> print("\\n".join(line.rstrip() for line in console.file.getvalue().splitlines()))
d/dx sin(x²)
╭─ Intermediates ──────────────────────╮
│ u = x²                               │
│ y = sin(u)                           │
╰──────────────────────────────────────╯
╭─ Local derivatives ──────────────────╮
│ dy/du = cos(u)                       │
│ du/dx = 2x                           │
╰──────────────────────────────────────╯
╭─ Chain rule ─────────────────────────╮
│ dy/dx = dy/du · du/dx                │
│       = cos(u) · 2x                  │
│       = 2x·cos(u)                    │
│       = 2x·cos(x²)                   │
╰──────────────────────────────────────╯
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative, Step
from chainrule.render.base import Renderer
from chainrule.render.equations import adjoint_equation, chain_rule_layout, heading
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.rows import FACTOR, NOTE, OP, RESULT, SYMBOL, Equation, Part, Row
from chainrule.render.safe_text import one_line, sanitize

# The i-th symbol of a chain and the i-th factor share a colour, so ∂z/∂h lines up with W₂.
PALETTE = ("cyan", "magenta", "yellow", "green", "bright_blue", "red")
NAME_STYLE = "bold cyan"
LHS_STYLE = "bold"


def _style(part: Part) -> str:
    if part.role in (SYMBOL, FACTOR):
        return PALETTE[part.index % len(PALETTE)]
    return {OP: "dim", RESULT: "bold green", NOTE: "dim italic"}.get(part.role, "")


def _text(row: Row) -> Text:
    # Text.assemble never parses markup: every part is shown literally.
    return Text.assemble(*((sanitize(p.text), _style(p)) for p in row.parts))


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)  # left-hand sides
    grid.add_column(no_wrap=True)  # "="
    grid.add_column(overflow="fold")  # right-hand sides wrap within the terminal
    return grid


# Rows of a grid: left-hand side, "=", right-hand side.
_Rows = list[tuple[Text | str, str, Text]]


def _equation_rows(eq: Equation) -> _Rows:
    rows = [_text(r) for r in eq.rows] or [Text("")]
    if eq.note:
        rows[0].append(f"   ({sanitize(eq.note)})", style="dim italic")
    lhs = _text(eq.lhs)
    lhs.stylize(LHS_STYLE)
    return [(lhs, "=", rows[0])] + [("", "=", row) for row in rows[1:]]


class RichRenderer(Renderer[RenderableType, RenderableType]):
    """A panel per section.  A step method returns grid rows, which consecutive steps share
    so that their ``=`` signs line up, or a renderable of its own."""

    n: Notation

    def render_one(self, d: Derivation) -> RenderableType:
        self.n = Notation(d)
        parts: list[RenderableType] = [Text(heading(self.n), style="bold")]
        for title, steps in self.sections(d):
            body = Group(*self._section(steps))
            parts.append(Panel(body, title=Text(title), title_align="left", border_style="blue"))
        for note in derivation_notes(d):
            parts.append(Text.assemble(("note: ", "yellow"), one_line(note_text(note))))
        return Group(*parts)

    def join(self, rendered: list[RenderableType]) -> RenderableType:
        return rendered[0] if len(rendered) == 1 else Group(*rendered)

    def _section(self, steps: list[Step]) -> list[RenderableType]:
        out: list[RenderableType] = []
        grid = _grid()
        for step in steps:
            rendered: _Rows | RenderableType = self._render(step)
            if isinstance(rendered, list):
                for row in rendered:
                    grid.add_row(*row)
            else:
                if grid.row_count:
                    out.append(grid)
                    grid = _grid()
                out.append(rendered)
        if grid.row_count:
            out.append(grid)
        return out

    def _render_Decomposition(self, step: Decomposition) -> _Rows:
        return [
            (
                Text(sanitize(self.n.name(node.name)), style=NAME_STYLE),
                "=",
                Text(sanitize(self.n.expr(node.definition))),
            )
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> _Rows:
        lhs = Text(sanitize(self.n.local(step.of, step.wrt)), style=LHS_STYLE)
        return [(lhs, "=", Text(sanitize(self.n.expr(step.derivative))))]

    def _render_Adjoint(self, step: Adjoint) -> _Rows:
        return _equation_rows(adjoint_equation(self.n, step))

    def _render_ChainRule(self, step: ChainRule) -> RenderableType:
        layout = chain_rule_layout(self.n, step)
        out: list[RenderableType] = []
        if layout.intro:
            out.append(Text(sanitize(layout.intro), style="italic"))
        if layout.paths:
            paths = Table.grid(padding=(0, 1))
            paths.add_column(style="dim", no_wrap=True)
            paths.add_column(overflow="fold")
            for path in layout.paths:
                eq = Text(" = ").join([_text(path.lhs), *(_text(r) for r in path.rows)])
                paths.add_row(Text(sanitize(path.label) + ":"), eq)
            out.append(Padding(paths, (0, 0, 0, 2)))
        grid = _grid()
        for row in _equation_rows(layout.total):
            grid.add_row(*row)
        out.append(grid)
        return Group(*out)


def render_rich(d: Derivation | Sequence[Derivation]) -> RenderableType:
    """The derivation as a rich renderable (panels per section, coloured names and factors).

    Args:
        d: a derivation, or several (stacked).

    Returns:
        A renderable for ``rich.console.Console.print``; it shows the same content as
        ``render_text``.
    """
    return RichRenderer().render(d)
