"""A shaped derivation for a terminal: the plain-text layout (``render.shaped.text_blocks``)
with each titled block in a panel, the shape column dimmed and the heading bold.  Built from
plain strings as ``rich.text.Text``, never console markup (``render.terminal`` does the same
for the scalar chain rule; these two are the modules that import rich).

>>> from io import StringIO
>>> from rich.console import Console
>>> from chainrule.api import derive_shaped
>>> console = Console(file=StringIO(), width=60, color_system=None)
>>> console.print(render_shaped_rich(derive_shaped("L = sum(W*x)", "W", shapes=["W=2x3", "x=3"])))
>>> print("\\n".join(line.rstrip() for line in console.file.getvalue().splitlines()[:9]))
∂L/∂W with shapes: W 2×3, x 3×1
╭─ Forward pass ────────╮
│ L = sum(W · x)    1×1 │
╰───────────────────────╯
╭─ Backpropagation ─────╮
│ ∂L/∂W = 𝟏 · xᵀ    2×3 │
╰───────────────────────╯
Why xᵀ goes on the right: a gradient has the shape of its
variable, ∂L/∂W is 2×3; 𝟏 is 2×1 and x is 3×1, so only 𝟏 ·
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from chainrule.model import ShapedDerivation
from chainrule.render.shaped import text_blocks

# A row ends in its shape, four blanks after the widest equation.
_SHAPE_AT_END = re.compile(r"(?<=    )\S+×\S+$")


def _row(line: str) -> Text:
    text = Text(line.removeprefix("  "))
    match = _SHAPE_AT_END.search(text.plain)
    if match is not None:
        text.stylize("dim", match.start(), match.end())
    lhs = text.plain.find(" = ")
    if lhs > 0:
        text.stylize("bold", 0, lhs)
    return text


def render_shaped_rich(d: ShapedDerivation | Sequence[ShapedDerivation]) -> RenderableType:
    """The derivation(s) as one rich renderable: panels for the passes and the values."""
    items = [d] if isinstance(d, ShapedDerivation) else list(d)
    parts: list[RenderableType] = []
    for one in items:
        for i, (title, lines) in enumerate(text_blocks(one, wrap=False)):
            if title:
                body = Group(*(_row(line) for line in lines))
                parts.append(Panel(body, title=title, title_align="left", box=box.ROUNDED,
                                   expand=False))  # fmt: skip
            else:
                parts.append(Text("\n".join(lines), style="bold" if i == 0 else ""))
    return Group(*parts)
