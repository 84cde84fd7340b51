"""``chainrule derive --at``: values at a point in every format, through the forked worker and
the pool, the vanishing of twenty sigmoid layers at a glance, and the errors a point can have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from chainrule.cli import main
from chainrule.runner import Job, run
from tests.check.test_values import CHAIN20, CHAIN20_POINT, NETWORK, POINT
from tests.render.samples import rich_text


def _cli(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["derive", *args], input=input, catch_exceptions=False)


def test_at_shows_the_forward_and_backward_pass() -> None:
    result = _cli(
        NETWORK, "--wrt", "W1", "--at", "x=1.5, W1=0.3", "--at", "b1=-1,W2=0.8,b2=0.1,y=1"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "Values at the point\n  at W₁ = 0.3, W₂ = 0.8, b₁ = −1, b₂ = 0.1, x = 1.5, y = 1\n" in out
    )
    for row in ("  h               0.365864", "  ∂h/∂a           0.232008   σ′ ≤ 1/4",
                "  ∂L/∂a               −0.11272", "  ∂L/∂W₁       −0.16908"):  # fmt: skip
        assert row in out


def test_at_in_json() -> None:
    result = _cli(NETWORK, "--wrt", "all", "--at", POINT, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["at"] == {"x": "3/2", "W1": "3/10", "b1": "-1", "W2": "4/5", "b2": "1/10", "y": "1"}
    assert data["values"]["a"] == {"value": -0.55, "exact": "-11/20"}
    assert data["values"]["h"]["value"] == pytest.approx(0.36586440898919936, rel=1e-15)
    derivatives = {d["wrt"]: d["value"] for d in data["derivatives"]}
    assert derivatives["W1"] == pytest.approx(-0.16908024898369278, rel=1e-15)
    factor = next(f for f in data["local_derivatives"] if (f["of"], f["wrt"]) == ("z", "h"))
    assert (factor["value"], factor["exact"]) == (0.8, "4/5")
    assert all("value" in a for a in data["adjoints"])
    assert all("value" in p for d in data["derivatives"] for p in d["paths"])
    assert [f["kind"] for f in data["flags"]] == ["sigmoid"]  # one per σ′ factor, not per path
    assert data["flags"][0]["bound"] == 0.25 and data["flags"][0]["count"] == 1


def test_exact_strings_read_back_with_sympy() -> None:
    sympy = pytest.importorskip("sympy")
    result = _cli("x*sin(x)", "--at", "x=pi/4", "--json")
    data = json.loads(result.stdout)
    exact = data["derivatives"][0]["exact"]
    assert sympy.parse_expr(exact) == sympy.sqrt(2) / 2 + sympy.sqrt(2) * sympy.pi / 8
    assert sympy.parse_expr(data["values"]["u"]["exact"]) == sympy.sqrt(2) / 2


def test_twenty_sigmoid_layers_vanish_in_text_and_json() -> None:
    text = _cli(CHAIN20, "--wrt", "x", "--at", CHAIN20_POINT)
    assert text.exit_code == 0, text.output
    out = text.stdout
    assert out.count("σ′ ≤ 1/4") >= 20  # every σ′ factor is marked in the table
    assert "  ∂L/∂x        1.1431×10⁻¹³   vanishing\n" in out
    assert (
        "vanishing gradient: along L → h₂₀ → u₂₀ → … → x the product of the 41 local factors "
        "is 1.1431×10⁻¹³ (below 10⁻³)"
    ) in out
    assert "the 20 sigmoid derivatives on L → h₂₀ → u₂₀ → … → x are each at most 1/4" in out
    # the shrinkage factor by factor, in the upstream gradients
    rows = [
        "∂L/∂u₂₀             0.224704",
        "∂L/∂u₁₉             0.050492",
        "∂L/∂u₁₈             0.0113458",
        "∂L/∂u₁₆             5.72872×10⁻⁴    vanishing",
    ]
    assert all(row in out for row in rows)
    data = json.loads(_cli(CHAIN20, "--wrt", "x", "--at", CHAIN20_POINT, "--json").stdout)
    kinds = [(f["kind"], f["scope"]) for f in data["flags"]]
    assert kinds == [("vanishing", "adjoint")] * 31 + [("vanishing", "path"), ("sigmoid", "path")]
    assert data["flags"][0]["nodes"] == ["L", "u16"]
    vanishing, sigmoid = data["flags"][-2:]
    assert vanishing["value"] == pytest.approx(1.1431e-13, rel=1e-4)
    assert vanishing["text"].startswith("vanishing gradient: along L → h₂₀")
    assert sigmoid["count"] == 20 and sigmoid["bound"] == 4.0**-20
    assert [f["of"] for f in sigmoid["factors"]][:3] == ["h20", "h19", "h18"]
    assert all(0.2 < f["value"] <= 0.25 for f in sigmoid["factors"])


def test_twenty_sigmoid_layers_vanish_in_the_terminal() -> None:
    from chainrule.api import derive
    from chainrule.render.terminal import render_rich

    out = rich_text(render_rich(derive(CHAIN20, "x", at=CHAIN20_POINT)), width=100)
    assert "∂L/∂x        1.1431×10⁻¹³   vanishing" in out
    assert "vanishing gradient: along L → h₂₀ → u₂₀ → … → x" in out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_latex_and_markdown_show_tables(fmt: str) -> None:
    out = _cli("sin(x)", "--at", "x=pi/4", "--format", fmt).stdout
    assert "Values at the point" in out
    assert (r"\begin{tabular}" in out) if fmt == "latex" else ("| forward pass | value |" in out)
    assert r"\frac{\sqrt{2}}{2}" in out


def test_a_missing_variable_is_an_error_naming_it() -> None:
    result = _cli("x*y", "--wrt", "x", "--at", "x=1")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no value for y at the point\n"
        "hint: --at NAME=VALUE sets the point (repeatable, or comma-separated: --at "
        "x=1.5,W1=pi/4)\n"
    )
    as_json = _cli("x*y", "--wrt", "x", "--at", "x=1", "--json")
    assert json.loads(as_json.stdout)["error"]["message"] == "no value for y at the point"


def test_a_value_that_does_not_read_points_at_it() -> None:
    result = _cli("sin(x)", "--at", "x=2*y")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: the value of 'x' must be a number, not use 'y'\n  x=2*y\n      ^\n"
    )


@pytest.mark.parametrize(
    ("text", "at", "message"),
    [("log(x)", "x=0", "y = log(x) has no real value at this point"), ("1/x", "x=0", "division")],
)
def test_an_undefined_point_is_an_error(text: str, at: str, message: str) -> None:
    result = _cli(text, "--at", at)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output


def test_a_derivative_that_does_not_exist_is_reported_not_nan() -> None:
    result = _cli("a = w*x; h = relu(a); L = (h - y)^2", "--wrt", "w", "--at", "w=1,x=0,y=1")
    assert result.exit_code == 0, result.output
    assert "  ∂h/∂a          —       no value\n" in result.stdout
    assert "no value: ∂h/∂a does not exist at this point" in result.stdout
    assert "nan" not in result.stdout.lower()
    data = json.loads(_cli("relu(x)", "--at", "x=0", "--json").stdout)
    assert data["derivatives"][0]["value"] is None
    assert data["flags"][0]["kind"] == "undefined" and data["flags"][0]["why"] == "kink"


def test_every_stdin_line_at_the_point() -> None:
    lines = "sin(x)\nx^2 + y\n# a comment\nexp(x)*y\n"
    result = _cli("-", "--wrt", "x", "--at", "x=0, y=2", "--json", "--jobs", "2", input=lines)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["derivatives"][0]["value"] for r in records] == [1.0, 0.0, 2.0]
    assert [r["notes"] for r in records] == [
        ["y is not a variable here: its value is not used"],
        [],
        [],
    ]


def test_the_point_in_a_forked_worker() -> None:
    outcome = run(Job("sin(x)", at=("x=pi/4",), fmt="json", isolate=True))
    assert outcome.error is None
    assert json.loads(outcome.output)["derivatives"][0]["exact"] == "sqrt(2)/2"


def _readme_blocks() -> list[str]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return [b for b in re.findall(r"```console\n(.*?)```", readme, flags=re.S) if " --at " in b]


@pytest.mark.parametrize("block", _readme_blocks(), ids=lambda b: b.partition("\n")[0][:50])
def test_readme_values_examples_are_real_output(
    block: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)  # examples/ is relative

    command, _, shown = block.partition("\n")
    args = shlex.split(command.removeprefix("$ chainrule "))
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for piece in shown.split("…\n"):  # an excerpt: each piece as printed
        assert piece in result.stdout


def test_readme_values_json_flag_is_real_output() -> None:
    root = Path(__file__).resolve().parent.parent
    chain = str(root / "examples" / "sigmoid20.chain")
    data = json.loads(_cli("-f", chain, "--at", "x=0.5", "--json").stdout)
    path = next(f for f in data["flags"] if f["scope"] == "path" and f["kind"] == "vanishing")
    readme = (root / "README.md").read_text("utf-8")
    assert f'"value": {path["value"]!r},\n "text": "{path["text"]}"' in readme
