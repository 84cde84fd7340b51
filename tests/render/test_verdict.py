"""A verdict on a learner's answer in every format: first, worded, and its factor marked."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chainrule.api import check_answer
from chainrule.model import Derivation
from chainrule.render import render
from chainrule.render.latex import render_latex
from chainrule.render.notation import Notation
from chainrule.render.terminal import render_rich
from chainrule.render.verdict import headline, mark, plain
from tests.render.samples import rich_text


@pytest.fixture(scope="module")
def forgotten() -> Derivation:
    return check_answer("sin(x^2)", "cos(x^2)")


@pytest.fixture(scope="module")
def right() -> Derivation:
    return check_answer("sin(x)^2", "2 sin(x) cos(x)")


@pytest.mark.parametrize(
    ("text", "answer", "line"),
    [
        ("sin(x^2)", "cos(x^2)", "you differentiated the outer function but did not multiply "
         "by du/dx = 2x"),
        ("sin(cos(x^2))", "cos(cos(x^2))", "you differentiated the outer function but did not "
         "multiply by dv/du = −sin(u) and du/dx = 2x"),
        ("x*sin(x)", "x*cos(x)", "the product rule half done: you left out the path y → x, "
         "which contributes sin(x) (the derivative sums every path from x to y)"),
        ("x/(1+x)", "1/(1+x)", "the quotient rule half done: you left out the path y → u → x, "
         "which contributes −x/(x + 1)² (the derivative sums every path from x to y)"),
        ("x^x", "x*x^(x-1)", "you left out the path y → v → x, which contributes xˣ·ln(x) "
         "(the derivative sums every path from x to y)"),
        ("x*sin(x)", "cos(x)", "a product's derivative is not the product of its factors' "
         "derivatives: the product rule gives x·cos(x) + sin(x)"),
        ("x/(1+x)", "1/(1+x) + x/(1+x)^2", "a sign error on the path y → u → x: it "
         "contributes −x/(x + 1)², not x/(x + 1)²"),
        ("cos(x^2)", "2x sin(x^2)", "a sign error in dy/du: it is −sin(u), not sin(u)"),
        ("sin(x^2)", "-2x cos(x^2)", "a sign error: your answer is the negative of the derivative"),
        ("sin(x^2)", "x cos(x^2)", "a constant factor off: your answer is 1/2 times the "
         "derivative"),
        ("sin(x^2)", "cos(x)*2x", "you took dy/du = cos(u) at u = x instead of at u = x²: the "
         "outer derivative is evaluated at the inner function"),
        ("sin(x^2)", "2 sin(x) cos(x)", "the functions are composed in the wrong order: your "
         "answer is the derivative of sin(x)², not of sin(x²)"),
        ("(x^2+1)^3", "3(x^2+1)^3*2x", "the power rule lowers the exponent by one: dy/du = 3u², "
         "not 3u³"),
        ("sin(x^2)", "x^2", "at x = 1 your answer is 1 but the derivative is 2cos(1) (about "
         "1.0806)"),
        ("x^2", "2*sqrt(x^3)/sqrt(x)", "at x = −1 your answer has no real value but the "
         "derivative is −2"),
        ("3", "1", "your answer is 1 but the derivative is 0"),
    ],
)  # fmt: skip
def test_each_mistake_in_words(text: str, answer: str, line: str) -> None:
    d = check_answer(text, answer)
    assert plain(headline(Notation(d), d.steps[0])) == "not correct: " + line


def test_the_factor_named_is_marked_and_no_other(forgotten: Derivation) -> None:
    n = Notation(forgotten)
    assert mark(n, ("u", "x")) == "missing from your answer"
    assert mark(n, ("y", "u")) == ""


def test_a_correct_answer_is_the_whole_output(right: Derivation) -> None:
    for fmt in ("text", "markdown"):
        out = render(right, fmt)
        assert out.count("\n") <= 2 and "Intermediates" not in out
    assert json.loads(render(right, "json"))["intermediates"]  # JSON keeps the derivation


def test_the_terminal_shows_the_verdict_first(forgotten: Derivation) -> None:
    lines = [line.rstrip() for line in rich_text(render_rich(forgotten), width=100).splitlines()]
    assert lines[0] == (
        "not correct: you differentiated the outer function but did not multiply by du/dx = 2x"
    )
    assert lines[1:3] == ["  your answer:     cos(x²)", "  the derivative:  2x·cos(x²)"]
    assert lines[3] == "d/dx sin(x²)"
    assert "│ du/dx = 2x   (missing from your answer) │" in lines


def test_latex_puts_the_math_of_the_verdict_in_dollars(forgotten: Derivation) -> None:
    tex = render_latex(forgotten)
    assert tex.splitlines()[1] == (
        r"\intertext{not correct: you differentiated the outer function but did not multiply "
        r"by $\frac{du}{dx} = 2 x$}"
    )
    assert r"\text{your answer} &= \cos{\left(x^{2} \right)} \\" in tex
    assert r"\frac{du}{dx} &= 2 x \qquad \text{missing from your answer}" in tex


def test_markdown_says_the_verdict_in_bold_first(forgotten: Derivation) -> None:
    md = render(forgotten, "markdown")
    assert md.startswith(
        r"**not correct:** you differentiated the outer function but did not multiply by "
        r"$\frac{du}{dx} = 2 x$"
    )
    assert "- your answer: $\\cos{\\left(x^{2} \\right)}$" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_a_verdict_document_compiles(tmp_path: Path) -> None:
    docs = [check_answer("x*sin(x)", "x*cos(x)"), check_answer("sin(x^2)", "x^2")]
    (tmp_path / "v.tex").write_text(render_latex(docs, standalone=True), encoding="utf-8")
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "v.tex"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "v.pdf").stat().st_size > 1000


@pytest.mark.parametrize(
    ("answer", "note"),
    [
        ("1/(1+x)", "on the path y → u → x, left out of your answer"),
        ("1/(1+x) + x/(1+x)^2", "on the path y → u → x, its sign is flipped in your answer"),
    ],
)
def test_a_path_is_marked_at_its_first_factor(answer: str, note: str) -> None:
    d = check_answer("x/(1+x)", answer)
    n = Notation(d)
    assert (mark(n, ("y", "u")), mark(n, ("y", "x")), mark(n, ("u", "x"))) == (note, "", "")
