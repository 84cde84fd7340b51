"""Renderers: golden files per format, the JSON contract, LaTeX that compiles, safe terminals.

Golden files live in ``tests/golden/``; regenerate them with ``CHAINRULE_UPDATE_GOLDEN=1 pytest
tests/test_render_formats.py`` and read every changed file before accepting it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sympy

from chainrule.api import derive as api_derive
from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.errors import ParseError
from chainrule.model import Derivation, Note
from chainrule.render import FORMATS, render
from chainrule.render.errors import error_line
from chainrule.render.json import render_json, to_dict
from chainrule.render.latex import render_latex
from chainrule.render.markdown import render_markdown
from chainrule.render.notes import WORDING
from chainrule.render.text import render_text
from tests.helpers import call, expression, sym

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CHAINRULE_UPDATE_GOLDEN") == "1"

PROGRAM = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
EXAMPLES: dict[str, tuple[str, list[str] | None]] = {
    "sin_x2": ("sin(x**2)", None),
    "x_sin_x": ("x*sin(x)", None),
    "sin_x_over_x": ("sin(x)/x", None),
    "network_W1": ("(W2*sigmoid(W1*x + b1) + b2 - y)**2/2", ["W1"]),
    "program_W1": (PROGRAM, ["W1"]),
    "program_all": (PROGRAM, ["W1", "W2", "b1", "b2"]),
}


def derive(text: str, wrt: list[str] | None) -> Derivation:
    return api_derive(text, wrt)


def _rich_text(d: Derivation) -> str:
    from rich.console import Console

    from chainrule.render.terminal import render_rich

    console = Console(file=io.StringIO(), width=80, color_system=None, legacy_windows=False)
    console.print(render_rich(d))
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    return out


def _json_pretty(d: Derivation) -> str:
    return json.dumps(to_dict(d), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Derivation], str]] = {
    "txt": render_text,
    "tex": render_latex,
    "json": _json_pretty,
    "md": render_markdown,
    "rich.txt": _rich_text,
}


@pytest.mark.parametrize("ext", list(RENDERERS))
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_golden(name: str, ext: str) -> None:
    text, wrt = EXAMPLES[name]
    out = RENDERERS[ext](derive(text, wrt))
    path = GOLDEN / f"{name}.{ext}"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {path.name}; read it, then rerun")
    assert out == path.read_text(encoding="utf-8")


def test_headline_network_chain_reads_exactly() -> None:
    out = render_text(derive(PROGRAM, ["W1"]))
    assert "  ∂L/∂W₁ = ∂L/∂z · ∂z/∂h · ∂h/∂a · ∂a/∂W₁\n" in out
    assert "         = (z − y) · W₂ · σ(a)(1 − σ(a)) · x\n" in out


def test_text_layout_for_one_path() -> None:
    assert render_text(derive("sin(x**2)", None)) == (
        "d/dx sin(x²)\n\nIntermediates\n  u = x²\n  y = sin(u)\n\n"
        "Local derivatives\n  dy/du = cos(u)\n  du/dx = 2x\n\n"
        "Chain rule\n  dy/dx = dy/du · du/dx\n        = cos(u) · 2x\n"
        "        = 2x·cos(u)\n        = 2x·cos(x²)\n"
    )


def test_several_paths_are_listed_then_summed() -> None:
    out = render_text(derive("x*sin(x)", None))
    assert "y → u → x:  ∂y/∂u · ∂u/∂x = x · cos(x)" in out
    assert "y → x:      ∂y/∂x = u" in out
    assert "dy/dx = ∂y/∂u · ∂u/∂x + ∂y/∂x" in out
    assert out.rstrip().endswith("= x·cos(x) + sin(x)")


def test_backpropagation_shown_for_several_variables() -> None:
    out = render_text(derive(PROGRAM, ["W1", "W2", "b1", "b2"]))
    assert "\nBackpropagation\n" in out
    assert "∂L/∂h = ∂L/∂z · ∂z/∂h    (reuses ∂L/∂z)" in out
    assert "Backpropagation" not in render_text(derive(PROGRAM, ["W1"]))


# --- deep derivations: built from Terms, so they do not depend on the parser ------------------


def _deep(depth: int) -> Derivation:
    term = sym("x")
    for _ in range(depth):
        term = call("sin", term)
    return differentiate(decompose(expression(term, "sin(" * depth + "x" + ")" * depth)), ["x"])


@pytest.fixture(scope="module")
def deep() -> Derivation:
    return _deep(1000)


def _shallow_stack(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with little stack to spare: recursion over a 1000-deep chain would fail."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 250)
    try:
        return fn()
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("fmt", FORMATS)
def test_deep_derivation_renders_without_recursion_and_linearly(deep: Derivation, fmt: str) -> None:
    out: str = _shallow_stack(lambda: render(deep, fmt))
    smaller: str = render(_deep(300), fmt)
    # 3.3 times the depth, at most about 3.3 times the output (never quadratic).
    assert len(out) < 4 * len(smaller)


def test_deep_derivation_text(deep: Derivation) -> None:
    out = render_text(deep)
    assert "\nBackpropagation\n" in out
    assert "1 path from y to x, too long to list: computed by backpropagation above" in out
    assert "= (result in the inputs omitted: 502,501 nodes; see the intermediates above)" in out
    assert out.splitlines()[0].endswith("…")  # the heading shows the start of the source


def test_deep_derivation_json(deep: Derivation) -> None:
    data = to_dict(deep)
    (entry,) = data["derivatives"]
    assert entry["paths"] == [] and entry["paths_omitted"] is True and entry["path_count"] == 1
    assert entry["result"] is None and entry["result_size"] == 502501
    assert data["expression"] is None and data["expression_size"] == 1001
    assert len(data["adjoints"]) == 1000


def test_deep_derivation_terminal(deep: Derivation) -> None:
    out: str = _shallow_stack(lambda: _rich_text(deep))
    assert "result in the inputs omitted" in out


# --- the JSON contract ------------------------------------------------------------------------

CONTRACT_KEYS = {"schema", "input", "expression", "intermediates", "output", "derivatives"}
DERIVATIVE_KEYS = {"wrt", "factors", "paths", "in_intermediates", "result", "result_size"}
NEW_KEYS = {"adjoints", "partial", "notes", "verified", "expression_size"}


def test_json_contract_for_sin_x2() -> None:
    data = json.loads(render_json(derive("sin(x**2)", None)))
    assert CONTRACT_KEYS | NEW_KEYS <= set(data)
    assert {k: data[k] for k in CONTRACT_KEYS} == {
        "schema": 1,
        "input": "sin(x**2)",
        "expression": "sin(x**2)",
        "intermediates": [
            {"name": "u", "definition": "x**2"},
            {"name": "y", "definition": "sin(u)"},
        ],
        "output": "y",
        "derivatives": data["derivatives"],
    }
    (entry,) = data["derivatives"]
    assert DERIVATIVE_KEYS <= set(entry)
    assert entry["factors"] == [
        {"of": "y", "wrt": "u", "derivative": "cos(u)"},
        {"of": "u", "wrt": "x", "derivative": "2*x"},
    ]
    assert entry["paths"] == [{"nodes": ["y", "u", "x"], "product": "2*x*cos(u)"}]
    assert entry["in_intermediates"] == "2*x*cos(u)"
    assert entry["result"] == "2*x*cos(x**2)"
    assert "simplified" not in entry and "paths_omitted" not in entry
    assert data["adjoints"][1] == {
        "of": "y",
        "wrt": "x",
        "expression": "2*x*cos(u)",
        "recurrence": "2*x*dy_du",
        "expanded": True,
        "reuses": ["u"],
    }


def test_render_json_is_one_line_and_several_make_json_lines() -> None:
    d = derive("x*sin(x)", None)
    line = render_json(d)
    assert "\n" not in line and json.loads(line) == to_dict(d)
    lines = render_json([d, derive("sin(x**2)", None)]).split("\n")
    assert [json.loads(one)["input"] for one in lines] == ["x*sin(x)", "sin(x**2)"]


def test_every_json_expression_parses_back() -> None:
    data = to_dict(derive(PROGRAM, ["W1", "W2", "b1", "b2"]))
    strings = [data["expression"]] + [i["definition"] for i in data["intermediates"]]
    for entry in data["derivatives"]:
        strings += [f["derivative"] for f in entry["factors"]]
        strings += [p["product"] for p in entry["paths"]]
        strings += [entry["in_intermediates"], entry["result"]]
    strings += [a[k] for a in data["adjoints"] for k in ("expression", "recurrence")]
    local = {"sigmoid": sympy.Function("sigmoid"), "Heaviside": sympy.Heaviside}
    for text in strings:
        sympy.parse_expr(text, local_dict=dict(local))


def test_json_simplified_and_omitted_result() -> None:
    d = derive("sin(x**2)", None)
    rule = d.chain_rules[0]
    changed = dataclasses.replace(rule, result=None, simplified=sympy.Symbol("s"))
    d = dataclasses.replace(d, steps=(*d.steps[:-1], changed))
    (entry,) = to_dict(d)["derivatives"]
    assert entry["result"] is None and entry["result_size"] == rule.result_size
    assert entry["simplified"] == "s"


def test_error_line() -> None:
    err = ParseError("unexpected ')'", source="sin(x))", column=7)
    assert error_line("sin(x))", err) == {
        "schema": 1,
        "input": "sin(x))",
        "error": {"type": "parse", "message": "unexpected ')'", "column": 7},
    }


# --- text details ----------------------------------------------------------------------------


def test_text_shows_simplified_omitted_result_and_notes() -> None:
    d = derive("sin(x**2)", None)
    rule = d.chain_rules[0]
    x = sympy.Symbol("x")
    simpler = dataclasses.replace(rule, simplified=2 * x * sympy.cos(x**2) + 0 * x + x - x + 1)
    omitted = dataclasses.replace(rule, result=None, result_size=1234567)
    out = render_text(
        dataclasses.replace(d, steps=(*d.steps[:-1], simpler), notes=(Note("constant"),))
    )
    assert "        = 2x·cos(x²) + 1\n" in out
    assert out.endswith("\nnote: the expression has no variables: its derivative is 0\n")
    out = render_text(dataclasses.replace(d, steps=(*d.steps[:-1], omitted), expression=None))
    assert "= (result in the inputs omitted: 1,234,567 nodes; see the intermediates above)" in out
    assert out.startswith("d/dx sin(x**2)\n")  # the input text when the expression is omitted


def test_constant_has_no_path() -> None:
    out = render_text(derive("2", None))
    assert "  no path from y to x: y does not depend on x\n  dy/dx = 0\n" in out
    assert "paths" not in out


def test_render_dispatch_and_options() -> None:
    d = derive("sin(x**2)", None)
    assert FORMATS == ("text", "latex", "json", "markdown")
    assert render(d, "text") == render_text(d)
    assert render(d, "latex", standalone=True).startswith("\\documentclass{article}")
    assert render(d, "json", standalone=False) == render_json(d)  # the CLI passes it to all
    with pytest.raises(ValueError, match="unknown format"):
        render(d, "html")
    with pytest.raises(ValueError, match="unknown render option"):
        render(d, "text", colour=True)


def test_renderers_do_not_import_rich_or_click() -> None:
    code = (
        "import sys, chainrule.render as r\n"
        "import chainrule.render.text, chainrule.render.latex, chainrule.render.json\n"
        "import chainrule.render.markdown, chainrule.render.exprs, chainrule.render.layout\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'click')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- user text is shown literally --------------------------------------------------------------

HOSTILE = (
    "[bold]x[/bold] _* $x$ # [/] [link=https://example.com]y[/link] \x1b[31mred\x1b[0m"
    " \u202e \\end{document}"
)


@pytest.fixture(autouse=True)
def _echo_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # A note that quotes user text as it is (notes that name the user's symbols will).
    monkeypatch.setitem(WORDING, "echo", "{text}")


def _hostile() -> Derivation:
    d = derive("sin(x**2)", None)
    graph = dataclasses.replace(d.graph, source=HOSTILE)
    note = Note("echo", (("text", HOSTILE),))
    return dataclasses.replace(d, graph=graph, expression=None, notes=(note,))


def test_terminal_shows_markup_and_escapes_literally() -> None:
    from rich.console import Console

    from chainrule.render.terminal import render_rich

    console = Console(file=io.StringIO(), width=200, color_system="truecolor", legacy_windows=False)
    console.print(render_rich(_hostile()))
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own styling
    assert "note: [bold]x[/bold] _* $x$ # [/] [link=https://example.com]y[/link]" in plain
    assert "\\x1b[31mred\\x1b[0m" in plain and "\\u202e" in plain
    assert "\x1b]8;" not in out  # no hyperlink was created
    assert "\x1b[31mred" not in out and "\u202e" not in out


def test_terminal_colours_each_symbol_like_its_factor() -> None:
    from rich.console import Console

    from chainrule.render.terminal import render_rich

    console = Console(file=io.StringIO(), width=100, color_system="standard", force_terminal=True)
    console.print(render_rich(derive(PROGRAM, ["W1"])))
    out: str = console.file.getvalue()  # type: ignore[attr-defined]
    # ∂z/∂h and its factor W₂ are both the second colour of the palette (magenta).
    assert "\x1b[35m∂z/∂h\x1b[0m" in out and "\x1b[35mW₂\x1b[0m" in out


def test_several_derivations_render_one_after_another() -> None:
    ds = [derive("sin(x**2)", None), derive("x*sin(x)", None)]
    assert render_text(ds) == render_text(ds[0]) + "\n" + render_text(ds[1])
    assert render_latex(ds).count("\\begin{align*}") == 2
    assert render_markdown(ds).count("\n## ") == 1


def test_text_escapes_control_characters() -> None:
    out = render_text(_hostile())
    assert "\x1b" not in out and "\u202e" not in out
    assert "[bold]x[/bold]" in out and "\\x1b[31mred" in out


def test_markdown_escapes_user_text() -> None:
    out = render_markdown(_hostile())
    heading = out.splitlines()[0]
    assert heading.startswith("## d/dx \\[bold\\]x\\[/bold\\] \\_\\* \\$x\\$ \\# \\[/\\]")


# --- LaTeX compiles ----------------------------------------------------------------------------


def _pdflatex() -> str:
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (the CI script installs texlive)")
        pytest.skip("pdflatex is not installed")
    return found


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_standalone_latex_compiles(name: str, tmp_path: Path) -> None:
    pdflatex = _pdflatex()
    text, wrt = EXAMPLES[name]
    _compile(pdflatex, render_latex(derive(text, wrt), standalone=True), tmp_path)


def test_latex_with_hostile_text_and_deep_chain_compiles(tmp_path: Path) -> None:
    pdflatex = _pdflatex()
    _compile(pdflatex, render_latex([_hostile(), _deep(150)], standalone=True), tmp_path)


def _compile(pdflatex: str, tex: str, where: Path) -> None:
    (where / "doc.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert (where / "doc.pdf").exists()
