"""Rich renderables for a terminal: the text layout in panels, names and factors in colour.

With ``terminal_shaped`` (the same for a shaped derivation), the only modules of chainrule
that import rich.  Everything shown is a ``rich.text.Text`` built from plain strings, never
console markup, so ``[bold]`` or ``[link=…]`` typed by a user is shown
as typed; control characters and ANSI escapes were made visible by ``safe_text.sanitize``.
Panels are as wide as their content; a row wider than the terminal breaks between its terms or
factors (``Wrapped``), never inside a factor that fits on a line.

>>> from io import StringIO
>>> from rich.console import Console
>>> from chainrule import derive
>>> console = Console(file=StringIO(), width=40, color_system=None)
>>> console.print(render_rich(derive("sin(x**2)")))
>>> print("\\n".join(line.rstrip() for line in console.file.getvalue().splitlines()))
d/dx sin(x²)
╭─ Intermediates ─╮
│ u = x²          │
│ y = sin(u)      │
╰─────────────────╯
╭─ Local derivatives ─╮
│ dy/du = cos(u)      │
│ du/dx = 2x          │
╰─────────────────────╯
╭─ Chain rule ──────────╮
│ dy/dx = dy/du · du/dx │
│       = cos(u) · 2x   │
│       = 2x·cos(u)     │
│       = 2x·cos(x²)    │
╰───────────────────────╯
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chainrule.model import (
    Adjoint,
    ChainRule,
    Decomposition,
    Derivation,
    GradCheck,
    LocalDerivative,
    Step,
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
from chainrule.render.gradcheck import HEAD as GRAD_HEAD
from chainrule.render.gradcheck import tables as grad_tables
from chainrule.render.gradcheck import verdict_lines as grad_verdict
from chainrule.render.notation import Notation
from chainrule.render.notes import derivation_notes, note_text
from chainrule.render.rows import EXPR, FACTOR, NOTE, OP, RESULT, SYMBOL, Equation, Part, Row
from chainrule.render.safe_text import one_line, sanitize
from chainrule.render.value_formats import aligned
from chainrule.render.values import NONE, Style, flag_texts, point_text, tables
from chainrule.render.verdict import answer_rows, headline, shows_derivation
from chainrule.render.wrap import scan_unicode, wrap

# The i-th symbol of a chain and the i-th factor share a colour, so ∂z/∂h lines up with W₂.
PALETTE = ("cyan", "magenta", "yellow", "green", "bright_blue", "red")
NAME_STYLE = "bold cyan"
LHS_STYLE = "bold"
INDENT = 2  # a continued line starts this much further right
PRODUCT = "·"  # starts a line continued between juxtaposed factors


def _style(part: Part) -> str:
    if part.role in (SYMBOL, FACTOR):
        return PALETTE[part.index % len(PALETTE)]
    return {OP: "dim", RESULT: "bold green", NOTE: "dim italic"}.get(part.role, "")


def _text(row: Row) -> Text:
    # Text.assemble never parses markup: every part is shown literally.
    return Text.assemble(*((p.text, _style(p)) for p in row.parts))


class Wrapped:
    """A row that breaks between its terms and factors at whatever width it is given, never
    inside a factor that fits on a line (``wrap``); a continued line is indented, and starts
    with a product sign where it continues juxtaposed factors.

    Every part is sanitized first, so that breaks are found in the text that is shown.
    """

    def __init__(self, row: Row, style: str = "") -> None:
        self.row = Row(tuple(Part(sanitize(p.text), p.role, p.index) for p in row.parts))
        self.style = style
        # Where each part starts in the row's text, and its style: a line is assembled from
        # the parts it covers (slicing one long Text per line costs its every span each time).
        self._starts: list[int] = []
        at = 0
        for part in self.row.parts:
            self._starts.append(at)
            at += len(part.text)
        self._lines: dict[int, list[Text]] = {}  # rich lays a row out again and again
        self._measured: Measurement | None = None

    def lines(self, width: int) -> list[Text]:
        """The row as lines of at most ``width`` cells.

        Args:
            width: the room, in cells (a factor wider than that is folded by rich).

        Returns:
            One styled ``Text`` per line, continued lines indented; kept for the next call at
            this width, so read, never modified (``Text.join`` copies).
        """
        if width not in self._lines:
            self._lines[width] = [self._line(*span) for span in self._spans(width)]
        return self._lines[width]

    def _spans(self, width: int) -> Iterator[tuple[int, int, str]]:
        """Each line's (start, end) in the row's text, spaces at either end left out, and
        what it starts with: nothing on the first line, an indent (and a product sign where
        it continues juxtaposed factors) on the others."""
        plain = self.row.text
        lines = wrap(self.row, scan_unicode, cell_len, width, width - INDENT, 1)
        for n, line in enumerate(lines):
            start, end = line.start, line.end
            while start < end and plain[start] == " ":
                start += 1
            while end > start and plain[end - 1] == " ":
                end -= 1
            lead = " " * INDENT + (PRODUCT if line.juxtaposed else "") if n else ""
            yield start, end, lead

    def _line(self, start: int, end: int, lead: str) -> Text:
        piece = Text()
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        for index in range(first, len(self.row.parts)):
            part, at = self.row.parts[index], self._starts[index]
            if at >= end:
                break
            text = part.text[max(start - at, 0) : end - at]
            if text:
                piece.append(text, _style(part) or None)
        piece.stylize(self.style)
        return Text.assemble(lead, piece) if lead else piece

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        lines = self.lines(options.max_width)
        joined = Text("\n").join(lines)
        joined.overflow = "fold"
        yield joined

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if self._measured is None:  # rich measures a table's cells several times over
            full = cell_len(self.row.text)
            plain = self.row.text
            spans = self._spans(1)
            narrowest = max(cell_len(lead + plain[start:end]) for start, end, lead in spans)
            self._measured = Measurement(min(narrowest, full), full)
        return self._measured.clamp(max_width=options.max_width)


class _Paths:
    """The listed paths: each path's nodes beside its equation where they fit, else above it."""

    def __init__(self, paths: Sequence[tuple[str, Row]]) -> None:
        self.paths = [
            (Text(sanitize(label) + ":", style="dim"), Wrapped(eq)) for label, eq in paths
        ]

    def _side(self) -> int:
        return max(cell_len(label.plain) for label, _ in self.paths) + 1

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> Iterator[Table | Text | Padding]:
        widest = max(cell_len(eq.row.text) for _, eq in self.paths)
        if self._side() + widest <= options.max_width:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
            for label, eq in self.paths:
                grid.add_row(label, eq)
            yield grid
            return
        for label, eq in self.paths:
            yield label
            yield Padding(eq, (0, 0, 0, INDENT))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        eqs = [Measurement.get(console, options, eq) for _, eq in self.paths]
        least = max(max(m.minimum for m in eqs) + INDENT, self._side() - 1)
        return Measurement(least, self._side() + max(m.maximum for m in eqs)).clamp(
            max_width=options.max_width
        )


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)  # left-hand sides
    grid.add_column(no_wrap=True)  # "="
    grid.add_column()  # right-hand sides, each a Wrapped
    return grid


# Rows of a grid: left-hand side, "=", right-hand side.
_Rows = list[tuple[Text, str, Wrapped]]


def _expr_row(lhs: Text, expr: str) -> tuple[Text, str, Wrapped]:
    return lhs, "=", Wrapped(Row((Part(expr, EXPR),)))


def _equation_rows(eq: Equation) -> _Rows:
    rows = list(eq.rows) or [Row(())]
    if eq.note:  # after its row, where it fits; a blank operator breaks before it first
        at = min(eq.note_row, len(rows) - 1)
        rows[at] = Row((*rows[at].parts, Part("   ", OP), Part(f"({eq.note})", NOTE)))
    lhs = Text(sanitize(eq.lhs.text), style=LHS_STYLE)
    return [(lhs, "=", Wrapped(rows[0]))] + [(Text(""), "=", Wrapped(row)) for row in rows[1:]]


def _chained(eq: Equation) -> Row:
    """A path's equation as one row, its sides joined by " = " (a break there comes first)."""
    parts = list(eq.lhs.parts)
    for row in eq.rows:
        parts += [Part(" = ", OP), *row.parts]
    return Row(tuple(parts))


class RichRenderer(Renderer[RenderableType, RenderableType]):
    """A panel per section, as wide as its content.  A step method returns grid rows, which
    consecutive steps share so that their ``=`` signs line up, or a renderable of its own."""

    n: Notation

    def render_one(self, d: Derivation) -> RenderableType:
        self.n = Notation(d)
        parts: list[RenderableType] = self.verdict_first(d)
        if shows_derivation(d):
            parts.append(Wrapped(Row((Part(heading(self.n)),)), style="bold"))
        for title, steps in self.sections(d):
            body = Group(*self._section(steps))
            parts.append(
                Panel(
                    body, title=Text(title), title_align="left", border_style="blue", expand=False
                )
            )
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
            _expr_row(
                Text(sanitize(self.n.name(node.name)), style=NAME_STYLE),
                self.n.expr(node.definition),
            )
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> _Rows:
        return _equation_rows(local_equation(self.n, step))

    def _render_Adjoint(self, step: Adjoint) -> _Rows:
        return _equation_rows(adjoint_equation(self.n, step))

    def _render_Verdict(self, step: Verdict) -> RenderableType:
        style = "bold green" if step.correct else "bold red"
        pieces = headline(self.n, step)
        line = Text.assemble((sanitize(pieces[0][1]), style), *(sanitize(t) for _, t in pieces[1:]))
        grid = Table.grid(padding=(0, 2))
        for label, expr in answer_rows(self.n, step):
            grid.add_row(Text(f"{label}:", style="dim"), Wrapped(Row((Part(expr, EXPR),))))
        return Group(line, Padding(grid, (0, 0, 0, INDENT))) if grid.row_count else line

    def _render_Values(self, step: Values) -> RenderableType:
        return _values(self.n, step)

    def _render_GradCheck(self, step: GradCheck) -> RenderableType:
        return _gradcheck(self.n, step)

    def _render_ChainRule(self, step: ChainRule) -> RenderableType:
        layout = chain_rule_layout(self.n, step)
        out: list[RenderableType] = []
        if layout.intro:
            out.append(Text(sanitize(layout.intro), style="italic"))
        if layout.paths:
            paths = _Paths([(path.label, _chained(path)) for path in layout.paths])
            out.append(Padding(paths, (0, 0, 0, 2)))
        grid = _grid()
        for row in _equation_rows(layout.total):
            grid.add_row(*row)
        out.append(grid)
        return Group(*out)


# A flag's colour in a values table: vanishing and undefined in red, exploding in magenta.
FLAG_STYLES = {
    "vanishing": "bold red",
    "undefined": "bold red",
    "exploding": "bold magenta",
    "sigmoid": "yellow",
}


def _values(n: Notation, step: Values) -> RenderableType:
    """The point, a table per part of the forward and backward pass, the flags in words."""
    style = Style(n)
    out: list[RenderableType] = [Text("at " + sanitize(point_text(style, step)), style="italic")]
    for part in tables(style, step):
        table = Table(box=box.SIMPLE_HEAD, header_style="dim", show_edge=False, pad_edge=False)
        table.add_column(part.title, no_wrap=True)
        table.add_column("value", no_wrap=True)
        if part.exact:
            table.add_column("exact")
        if part.flags:
            table.add_column("")
        decimals = aligned([r.decimal or NONE for r in part.rows])
        for row, decimal in zip(part.rows, decimals, strict=True):
            cells = [Text(sanitize(row.label), style=LHS_STYLE), Text(decimal)]
            cells += [Text(sanitize(row.exact))] * part.exact
            cells += [Text(row.flag, style=FLAG_STYLES.get(row.kind, ""))] * part.flags
            table.add_row(*cells)
        out += [Text(""), table]
    out += [Text("")] * bool(step.flags)
    for line in flag_texts(style, step):
        word, _, rest = line.partition(": ")
        kind = "sigmoid" if word.startswith("σ") else word.split()[0]
        out.append(Text.assemble((word + ": ", FLAG_STYLES.get(kind, "")), sanitize(rest)))
    return Group(*out)


def _gradcheck(n: Notation, step: GradCheck) -> RenderableType:
    """A table per point (agreement in green, a disagreement in red), then the verdict."""
    style = Style(n)
    out: list[RenderableType] = []
    for part in grad_tables(style, step):
        table = Table(box=box.SIMPLE_HEAD, header_style="dim", show_edge=False, pad_edge=False)
        for i, head in enumerate(GRAD_HEAD):
            table.add_column(head, no_wrap=True, justify="right" if 0 < i < 4 else "left")
        for row in part.rows:
            mark = {True: "green", False: "bold red", None: "yellow"}[row.ok]
            cells = [row.symbolic or NONE, row.numeric or NONE, row.error or NONE]
            table.add_row(
                Text(sanitize(row.label), style=LHS_STYLE),
                *(Text(sanitize(c)) for c in cells),
                Text(sanitize(row.status), style=mark),
            )
        out += [Text(sanitize(part.title), style="italic"), table]
    for line in grad_verdict(style, step):
        word, colon, rest = line.partition(": ")
        mark = "bold green" if word == "agree" else "bold red" if word == "disagree" else ""
        out.append(Text.assemble((word + colon, mark), sanitize(rest)))
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
