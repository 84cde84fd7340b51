"""The rich terminal view: user text shown literally, colours pairing symbols with factors."""

from __future__ import annotations

import io
import re

from rich.console import Console

from chainrule.model import Derivation
from chainrule.render.terminal import render_rich
from tests.render.samples import example, rich_text, shallow_stack


def test_terminal_shows_markup_and_escapes_literally(hostile: Derivation) -> None:
    console = Console(file=io.StringIO(), width=200, color_system="truecolor", legacy_windows=False)
    console.print(render_rich(hostile))
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own styling
    assert "note: [bold]x[/bold] _* $x$ # [/] [link=https://example.com]y[/link]" in plain
    assert "\\x1b[31mred\\x1b[0m" in plain and "\\u202e" in plain
    assert "\x1b]8;" not in out  # no hyperlink was created
    assert "\x1b[31mred" not in out and "\u202e" not in out


def test_terminal_colours_each_symbol_like_its_factor() -> None:
    console = Console(file=io.StringIO(), width=100, color_system="standard", force_terminal=True)
    console.print(render_rich(example("program_W1")))
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    # ∂z/∂h and its factor W₂ are both the second colour of the palette (magenta).
    assert "\x1b[35m∂z/∂h\x1b[0m" in out and "\x1b[35mW₂\x1b[0m" in out


def test_several_derivations_are_stacked() -> None:
    one, two = example("sin_x2"), example("x_sin_x")
    assert rich_text(render_rich([one, two])) == rich_text(render_rich(one)) + rich_text(
        render_rich(two)
    )


def test_deep_derivation_terminal(deep: Derivation) -> None:
    out: str = shallow_stack(lambda: rich_text(render_rich(deep)))
    assert "result in the inputs omitted" in out
