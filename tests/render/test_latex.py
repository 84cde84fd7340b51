"""The LaTeX renderer: text escaped for pdflatex, and documents that compile."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from chainrule.api import derive
from chainrule.model import Derivation
from chainrule.render.latex import join_lines, latex_text, render_latex
from tests.render.samples import EXAMPLES, NETWORKS, deep_chain, example, network


def test_latex_text_escapes_specials_and_unsettable_characters() -> None:
    assert latex_text(r"\ { } $ & # ^ _ % ~ < > |") == (
        r"\textbackslash{} \{ \} \$ \& \# \textasciicircum{} \_ \% \textasciitilde{} "
        r"\textless{} \textgreater{} \textbar{}"
    )
    assert latex_text("θ Ω − · ∂ … → √") == (
        r"\ensuremath{\theta} \ensuremath{\Omega} - \ensuremath{\cdot} \ensuremath{\partial} "
        r"\ldots{} \ensuremath{\to} \ensuremath{\surd}"
    )
    assert latex_text("Α 中") == "? ?"  # no command for a Latin-looking capital, no CJK font


def test_rows_end_in_a_line_break_except_the_last() -> None:
    assert join_lines(["a &= 1", r"\intertext{b}", "c &= 2", "&= 3"]) == (
        "a &= 1 \\\\\n\\intertext{b}\nc &= 2 \\\\\n&= 3"
    )


def test_standalone_wraps_the_alignments_in_a_document() -> None:
    tex = render_latex([example("sin_x2"), example("x_sin_x")], standalone=True)
    assert tex.startswith("\\documentclass{article}\n") and tex.endswith("\\end{document}\n")
    assert tex.count("\\begin{align*}") == 2


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_standalone_latex_compiles(name: str, pdflatex: str, tmp_path: Path) -> None:
    _compile(pdflatex, render_latex(example(name), standalone=True), tmp_path)


def test_latex_with_hostile_text_and_deep_chain_compiles(
    hostile: Derivation, pdflatex: str, tmp_path: Path
) -> None:
    _compile(pdflatex, render_latex([hostile, deep_chain(150)], standalone=True), tmp_path)


@pytest.mark.parametrize("name", ["networks", "examples"])
def test_derivations_fit_the_page(name: str, pdflatex: str, tmp_path: Path) -> None:
    # Before rows were broken, these overflowed the page by up to 514 pt (the residual
    # network) and 172 pt (cross-entropy); TeX's own report is the measure.
    ds = [network(n) for n in NETWORKS] if name == "networks" else list(map(example, EXAMPLES))
    log = _compile(pdflatex, render_latex(ds, standalone=True), tmp_path)
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert max(overfull, default=0.0) <= 20.0, overfull


def test_a_wide_row_breaks_between_terms_and_reopens_its_brackets() -> None:
    tex = render_latex(network("residual"))
    continued = [line for line in tex.splitlines() if line.startswith(r"&\quad {}")]
    assert continued, "no row of the residual network was broken"
    assert any(line.startswith(r"&\quad {}+ ") for line in continued)  # between terms
    assert any(r"\right. \\" in line for line in tex.splitlines())  # a bracket closed…
    assert any(line.startswith(r"&\quad \left. {}+ ") for line in tex.splitlines())  # …reopened
    for line in tex.splitlines():
        assert line.count(r"\left") == line.count(r"\right"), line


def test_long_chains_take_a_line_of_their_own_and_notes_follow_where_they_fit() -> None:
    tex = render_latex(network("residual"))
    # A path's chain of six factors is not a left-hand side pushing every = to the right.
    assert re.search(r"^& \\frac\{\\partial L\}.*\\cdot.*\\cdot.*\\cdot", tex, re.M)
    assert "&&" not in tex  # no column of notes to widen the alignment
    assert re.search(r"\\qquad \\text\{reuses \} ", tex)


def test_a_title_too_wide_for_the_page_is_set_as_breakable_text() -> None:
    d = derive("+".join(f"sin(x{i}*y)" for i in range(30)), "y")
    title = render_latex(d).splitlines()[1]
    assert title.startswith(r"\intertext{$\displaystyle \frac{\partial}{\partial y}$ of sin(")
    assert r"sin(\allowbreak{}x0*\allowbreak{}y)+\allowbreak{}sin(" in title


def _compile(pdflatex: str, tex: str, where: Path) -> str:
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
    return (where / "doc.log").read_text(encoding="latin-1")


def test_a_note_follows_its_row_also_under_a_left_hand_side_of_its_own() -> None:
    from chainrule.render.latex import align
    from chainrule.render.rows import Equation, Part, Row

    rows = (Row((Part("a"),)), Row((Part("b"),)))
    short = Equation(Row((Part("y"),)), rows, note=r"\text{n}", note_row=1)
    assert align([short]) == ["y &= a", r"&= b \qquad \text{n}"]
    wide = r"\frac{\partial L}{\partial u} \cdot " * 6
    long = Equation(Row((Part(wide),)), rows, note=r"\text{n}", note_row=1)
    lines = align([long])
    assert lines[-1] == r"&= b \qquad \text{n}" and lines[-2] == "&= a"


def test_a_cached_factor_row_carries_its_note_in_latex() -> None:
    tex = render_latex(example("bce_identity"))
    assert (
        r"&= p \left(1 - p\right) \qquad \text{reuses } p \text{ from the forward pass} \\"
        in tex.splitlines()
    )
