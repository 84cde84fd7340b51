"""The LaTeX renderer: text escaped for pdflatex, and documents that compile."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from chainrule.model import Derivation
from chainrule.render.latex import join_lines, latex_text, render_latex
from tests.render.samples import EXAMPLES, deep_chain, example


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
    _compile(pdflatex, render_latex(example(name), standalone=True), tmp_path)


def test_latex_with_hostile_text_and_deep_chain_compiles(
    hostile: Derivation, tmp_path: Path
) -> None:
    pdflatex = _pdflatex()
    _compile(pdflatex, render_latex([hostile, deep_chain(150)], standalone=True), tmp_path)


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
