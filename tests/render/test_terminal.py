"""The rich terminal view: user text shown literally, colours pairing symbols with factors,
rows wrapped between factors, panels as wide as their content."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from chainrule.model import Derivation
from chainrule.render.terminal import render_rich
from tests.render.samples import NETWORKS, example, network, rich_text, shallow_stack


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


def _split_factors(out: str) -> list[str]:
    """Bracketed factors the view split across lines although they would fit on one (60 cells,
    well inside the room an 80-column terminal leaves beside a left-hand side)."""
    lines = [line.strip("│ ").lstrip("=· ") for line in out.splitlines()]
    split = []
    for i, line in enumerate(lines):
        depth, opened = 0, None
        for k, ch in enumerate(line):
            if ch == "(":
                depth += 1
                opened = k if depth == 1 else opened
            elif ch == ")":
                depth = max(0, depth - 1)
        if depth == 0 or opened is None:
            continue
        group, j = line[opened:], i
        while depth and j + 1 < len(lines):
            j += 1
            depth += lines[j].count("(") - lines[j].count(")")
            group += " " + lines[j]
        if len(group) <= 60:
            split.append(group)
    return split


@pytest.mark.parametrize(
    "d",
    [
        *(network(name) for name in NETWORKS),
        *(example(name) for name in ("program_all", "network_W1", "sin_x_over_x")),
    ],
    ids=[*NETWORKS, "program_all", "network_W1", "sin_x_over_x"],
)
def test_at_80_columns_rows_wrap_between_factors(d: Derivation) -> None:
    out = rich_text(render_rich(d), width=80)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert _split_factors(out) == []


def test_the_residual_network_needs_wrapping_at_80_columns() -> None:
    out = rich_text(render_rich(network("residual")), width=80)
    # A sum of two path products: the second on a line of its own, led by its +.
    assert re.search(r"^│ +\+ \S", out, re.M)
    # Juxtaposed factors continued on the next line are joined by a product sign.
    assert re.search(r"^│ +·\(", out, re.M)
    assert "(1 −\n" not in out and "(1 − σ" in out


def test_panels_are_as_wide_as_their_content() -> None:
    out = rich_text(render_rich(example("sin_x2")), width=80)
    assert out.splitlines()[1] == "╭─ Intermediates ─╮"
    assert max(len(line) for line in out.splitlines()) < 40


def test_paths_go_above_their_equations_when_they_do_not_fit_beside_them() -> None:
    d = network("residual")
    narrow = rich_text(render_rich(d), width=80)
    assert re.search(r"^│   L → h₂ → \S+ → v → h₁ → u → w₁:\s+│$", narrow, re.M)
    wide = rich_text(render_rich(d), width=250)
    assert re.search(r"^│   L → h₂ → \S+ → v → h₁ → u → w₁: ∂L/∂h₂ · ", wide, re.M)


def test_a_cached_factor_row_carries_its_note_in_the_terminal() -> None:
    lines = [
        line.strip("│ ") for line in rich_text(render_rich(example("tanh_cached"))).splitlines()
    ]
    i = lines.index("∂h/∂a = 1 − tanh(a)²")
    assert lines[i + 1] == "= 1 − h²   (reuses h from the forward pass)"
