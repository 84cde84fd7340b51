"""How a Values step reads: decimals, when an exact form is shown, aligned columns, the flags in
words, and LaTeX tables that pdflatex compiles."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

from chainrule.api import derive
from chainrule.model import Number, Values
from chainrule.render.latex import LatexNotation, render_latex
from chainrule.render.notation import Notation
from chainrule.render.value_formats import aligned
from chainrule.render.values import Style, flag_texts, point_text, tables
from tests.check.test_values import CHAIN20, CHAIN20_POINT


@pytest.fixture(scope="module")
def styles() -> tuple[Style, Style]:
    d = derive("x*sin(x)")
    return Style(Notation(d)), Style(LatexNotation(d), latex=True)


@pytest.mark.parametrize(
    ("value", "text", "tex"),
    [
        ("0.6073084728086405", "0.607308", "0.607308"),
        ("-0.55", "−0.55", "-0.55"),
        ("1.5", "1.5", "1.5"),
        ("12", "12", "12"),
        ("0", "0", "0"),
        ("0.00012345", "1.2345×10⁻⁴", r"1.2345 \times 10^{-4}"),
        ("1.1430958866932068e-13", "1.1431×10⁻¹³", r"1.1431 \times 10^{-13}"),
        ("-2.5e-649", "−2.5×10⁻⁶⁴⁹", r"-2.5 \times 10^{-649}"),
        ("123456789", "1.23457×10⁸", r"1.23457 \times 10^{8}"),
    ],
)
def test_decimals(styles: tuple[Style, Style], value: str, text: str, tex: str) -> None:
    unicode, latex = styles
    number = sympy.Float(value, 30)
    assert unicode.decimal(number) == text
    assert latex.decimal(number) == tex


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (sympy.Rational(3, 2), ""),  # 1.5 says it all
        (sympy.Rational(-11, 20), ""),
        (sympy.Rational(1, 3), "1/3"),  # 0.333333 does not
        (sympy.sqrt(2) / 2, "√2/2"),
        (sympy.pi / 4, "π/4"),
        (sympy.Integer(1234567), "1234567"),  # more digits than the decimal shows
    ],
)
def test_an_exact_form_is_shown_where_it_says_more(
    styles: tuple[Style, Style], exact: sympy.Expr, shown: str
) -> None:
    unicode, _ = styles
    assert unicode.exact(Number(exact.evalf(30), exact)) == shown


def test_decimals_align_on_their_points() -> None:
    assert aligned(["−0.55", "12.5", "1", "—"]) == ["−0.55", "12.5 ", " 1   ", "—    "]
    assert aligned(["1.1431×10⁻¹³", "0.224704"]) == ["1.1431×10⁻¹³", "0.224704    "]


def test_tables_and_flags_of_twenty_sigmoid_layers() -> None:
    d = derive(CHAIN20, "x", at=CHAIN20_POINT)
    step = d.steps[-1]
    assert isinstance(step, Values)
    style = Style(Notation(d))
    assert point_text(style, step).startswith("w₁ = 1, w₁₀ = 1, ")
    titles = [t.title for t in tables(style, step)]
    assert titles == ["forward pass", "local factor", "upstream gradient", "derivative"]
    factors = tables(style, step)[1].rows
    assert sum(r.flag == "σ′ ≤ 1/4" for r in factors) == 20
    words = flag_texts(style, step)
    assert len(words) == 2 and words[0].startswith("vanishing gradient: along L → h₂₀ → u₂₀ → …")


def test_values_in_latex_compile(tmp_path: Path) -> None:
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing under CI")
        pytest.skip("pdflatex is not installed")
    d = derive("a = w*x; h = relu(a); L = (h - y)^2", "w", at="w=1, x=0, y=1")
    sigmoids = derive(CHAIN20, "x", at=CHAIN20_POINT)
    exact = derive("x*sin(x)", at="x=pi/4")
    (tmp_path / "values.tex").write_text(render_latex([d, sigmoids, exact], standalone=True))
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "values.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "values.pdf").stat().st_size > 1000
