"""LaTeX rows measured without TeX: where they may break, how to close a broken bracket, and an
estimate of their width that errs on the wide side (checked against pdflatex where it exists)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from chainrule.render.latex_width import balance, scan_latex, tex_width
from chainrule.render.wrap import PRODUCT, SUM, Break, rank


def after(text: str) -> list[str]:
    return [text[b.at :] for b in scan_latex(text)]


def test_breaks_before_binary_operators_and_between_juxtaposed_factors() -> None:
    text = r"- 2 x \sigma\left(a\right) \left(1 - \sigma\left(a\right)\right) + y"
    assert scan_latex(text) == [
        Break(text.index(r"\sigma"), rank(0, PRODUCT), juxtaposed=True),  # not after 2
        Break(text.index(r"\left(1"), rank(0, PRODUCT), juxtaposed=True),
        Break(text.index(r"- \sigma"), rank(1, SUM)),  # inside the bracket
        Break(text.index("+ y"), rank(0, SUM)),
    ]


def test_no_break_inside_braces_or_an_environment_or_after_a_sign() -> None:
    assert after(r"\frac{x + 1}{y - 2} \cdot z") == [r"\cdot z"]
    assert after(r"\sin{\left(x + y \right)}") == []
    assert after(r"\left(- x\right)") == []
    cases = r"\begin{cases} 1 & \text{if } x > 0 \\ a + b & \text{otherwise} \end{cases} + y"
    assert after(cases) == ["+ y"]


def test_a_broken_bracket_is_closed_and_reopened_invisibly() -> None:
    assert balance(r"x \left(a + b") == r"x \left(a + b\right."
    assert balance(r"{}+ c\right) \cdot y") == r"\left. {}+ c\right) \cdot y"
    assert balance(r"\left(a\right)") == r"\left(a\right)"


def test_estimates_grow_with_what_is_set() -> None:
    assert tex_width("x + 1") > tex_width("x") > 0
    assert tex_width(r"\frac{a + b}{2}") < tex_width("a + b + 2")  # a fraction is its wider half
    assert tex_width("x^{2}") < 2 * tex_width("x")  # a script is small
    assert tex_width(r"\text{reuses } a") > tex_width("a")
    assert tex_width("{") == 0.0  # unbalanced pieces do not fail


ROWS = [
    r"\frac{\partial L}{\partial h_{2}} \cdot \frac{\partial h_{2}}{\partial w} \cdot x",
    r"W_{2} x \sigma\left(W_{1} x + b_{1}\right) "
    r"\left(1 - \sigma\left(W_{1} x + b_{1}\right)\right)",
    r"- \frac{y - 1}{1 - \sigma\left(b + w x\right)} - \frac{y}{\sigma\left(b + w x\right)}",
    r"\frac{3 v \left(\tan^{2}{\left(u \right)} + 1\right)}{\sqrt{w}}",
    r"\ln{\left(1 - \sigma\left(b + w x\right) \right)} - \ln{\left(p \right)}",
    r"\text{reuses } \frac{\partial L}{\partial v}, \frac{\partial L}{\partial h_{2}}",
    r"e^{- x} \operatorname{relu}\left(a\right) \left|{x}\right| + M m W w",
]


def test_estimates_are_never_narrower_than_tex_sets_them(pdflatex: str, tmp_path: Path) -> None:
    body = "\n".join(
        rf"\setbox0=\hbox{{$\displaystyle {row}$}}\typeout{{W{i}=\the\wd0}}"
        for i, row in enumerate(ROWS)
    )
    (tmp_path / "w.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
        f"\\begin{{document}}\n{body}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "w.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    widths = {int(i): float(w) for i, w in re.findall(r"W(\d+)=([\d.]+)pt", done.stdout)}
    assert sorted(widths) == list(range(len(ROWS))), done.stdout[-2000:]
    for i, row in enumerate(ROWS):
        assert tex_width(row) >= 0.97 * widths[i], (row, tex_width(row), widths[i])
        assert tex_width(row) <= 1.6 * widths[i], (row, tex_width(row), widths[i])
