"""``chainrule gradcheck``: the relative error per variable, exit 0 when the derivatives agree
with their finite differences and 1 when one does not, every format, bad points, stdin."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

from chainrule.api import gradcheck
from chainrule.calculus import engine
from chainrule.cli import main
from chainrule.render.terminal import render_rich
from tests.render.samples import rich_text

NETWORK = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
NETWORK_AT = "x=1.5, W1=0.3, b1=-1, W2=0.8, b2=0.1, y=1"


@pytest.fixture
def cli():
    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["gradcheck", *args], input=input, catch_exceptions=False)

    return invoke


def test_agreement_exits_0_with_the_relative_error_per_variable(cli) -> None:
    result = cli(NETWORK, "--at", NETWORK_AT)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == "Gradient check"
    assert lines[3] == "  at W₁ = 0.3, W₂ = 0.8, b₁ = −1, b₂ = 0.1, x = 1.5, y = 1"
    assert lines[4].split() == ["derivative", "chain", "rule", "finite", "difference",
                                "relative", "error"]  # fmt: skip
    rows = {line.split()[0]: line.split() for line in lines[5:11]}
    assert set(rows) == {"∂L/∂W₁", "∂L/∂W₂", "∂L/∂b₁", "∂L/∂b₂", "∂L/∂x", "∂L/∂y"}
    assert rows["∂L/∂W₁"][1:3] == ["−0.16908", "−0.16908"]
    assert all(row[-1] == "ok" for row in rows.values())
    assert lines[-1].startswith("  agree: all 6 derivatives agree with the central difference")
    assert result.stderr == ""


def test_random_points_by_default_seeded(cli) -> None:
    first = cli("sin(x^2)")
    assert first.exit_code == 0, first.output
    assert first.stdout.count("\n  at x = ") == 3
    assert first.stdout.endswith("  3 random points, seed 0\n")
    assert cli("sin(x^2)").stdout == first.stdout
    other = cli("sin(x^2)", "--seed", "5", "--points", "2")
    assert other.stdout.count("\n  at x = ") == 2 and other.stdout != first.stdout


@pytest.fixture
def sine_negated(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A bug in a local rule (sin′ = −cos); --debug runs the check in this process."""
    real = engine.local_derivative

    def negated(definition: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
        derivative = real(definition, variable)
        return -derivative if isinstance(definition, sympy.sin) else derivative

    monkeypatch.setattr(engine, "local_derivative", negated)
    yield


@pytest.mark.usefixtures("sine_negated")
def test_a_wrong_derivative_exits_1_with_a_large_relative_error(cli) -> None:
    result = cli("sin(x^2)", "--at", "x=1", "--debug")
    assert result.exit_code == 1, result.output
    assert "    dy/dx        −1.0806      1.0806              2                DISAGREE" in (
        result.stdout
    )
    assert "  disagree: dy/dx at x = 1: the chain rule gives −1.0806, the central difference " in (
        result.stdout
    )
    record = json.loads(cli("sin(x^2)", "--json", "--debug").stdout)
    assert record["agree"] is False
    assert {e["ok"] for e in record["gradcheck"]} == {False}
    assert all(e["relative_error"] > 1 for e in record["gradcheck"])


@pytest.mark.usefixtures("sine_negated")
def test_one_wrong_line_of_stdin_exits_1(cli) -> None:
    result = cli("-", "--json", "--debug", input="x^2\nsin(x)\n")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["agree"] for r in records] == [True, False]


def test_json_keys(cli) -> None:
    result = cli(NETWORK, "--wrt", "W1", "--at", NETWORK_AT, "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["agree"] is True and record["tolerance"] == 1e-10
    assert record["random"] is False and record["skipped"] == 0
    (entry,) = record["gradcheck"]
    assert set(entry) == {"wrt", "point", "symbolic", "numeric", "relative_error", "ok", "form"}
    assert entry["wrt"] == "W1" and entry["ok"] is True and entry["form"] == "backprop"
    assert entry["point"] == {"W1": "3/10", "W2": "4/5", "b1": "-1", "b2": "1/10", "x": "3/2",
                              "y": "1"}  # fmt: skip
    assert entry["symbolic"] == pytest.approx(-0.16908, abs=1e-5)
    assert abs(entry["symbolic"] - entry["numeric"]) < 1e-15 and entry["relative_error"] < 1e-25
    assert record["derivatives"][0]["result"]  # the derivation itself is there too


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_latex_and_markdown(cli, fmt: str) -> None:
    result = cli("x^3", "--at", "x=2", f"--{fmt}")
    assert result.exit_code == 0
    if fmt == "latex":
        assert "\\intertext{\\textbf{Gradient check}}" in result.stdout
        assert re.search(
            r"\$\\frac\{dy\}\{dx\}\$ & \$12\$ & \$12\$ & \$[^$]+10\^\{-3\d\}\$ & ok", result.stdout
        )
    else:
        assert "### Gradient check" in result.stdout
        assert re.search(r"\| \$12\$ \| \$12\$ \| \$[^$]+10\^\{-3\d\}\$ \| ok \|", result.stdout)


def test_the_terminal_shows_the_tables() -> None:
    out = rich_text(render_rich(gradcheck("x^3", at="x=2")), width=100)
    assert "Gradient check" in out and "finite difference" in out
    assert "agree: the derivative agrees with the central difference" in out


def test_an_ill_conditioned_point_is_never_a_false_alarm(cli) -> None:
    result = cli("sin(exp(exp(x+6)))", "--at", "x=0")
    assert result.exit_code == 0
    assert "not compared (the difference quotient does not settle)" in result.stdout
    assert "note: nothing was compared" in result.stdout


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("x==1", "error: unexpected '='"),
        ("x", "error: expected name=value, got 'x'"),
        ("y=2", "error: no value for x at the point"),
        ("x=-1", "has no real value at this point"),
    ],
)
def test_a_bad_point_exits_2_naming_at(cli, at: str, message: str) -> None:
    result = cli("x*log(x)", "--at", at)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.rstrip().endswith(
        "hint: --at NAME=VALUE sets the point (repeatable, or comma-separated: --at x=1.5,W1=pi/4)"
    )
    assert result.stdout == ""


def test_usage_errors_exit_2(cli) -> None:
    assert cli("x", "--points", "0").exit_code == 2
    assert cli("x", "--json", "--latex").exit_code == 2
    assert cli("f(x)").exit_code == 2  # abstract functions have no values


def test_a_file_and_stdin_lines(cli, tmp_path: Path) -> None:
    chain = tmp_path / "net.chain"
    chain.write_text("h = sigmoid(x)\nL = h^2\n", encoding="utf-8")
    result = cli("-f", str(chain), "--at", "x=0.5")
    assert result.exit_code == 0 and "dL/dx" in result.stdout
    result = cli("-", "--json", input="x^2\n# a comment\nlog(x\nsin(x)*y\n")
    assert result.exit_code == 2  # the bad line; the others are checked
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("agree") for r in records] == [True, None, True]
    assert "error" in records[1] and len(records[2]["gradcheck"]) == 6


def test_gradcheck_help_shows_examples_without_loading_sympy() -> None:
    probe = (
        "from chainrule.cli import main\n"
        "try:\n    main(['gradcheck', '--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "import sys\nassert 'sympy' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert 'chainrule gradcheck "sin(x^2)"' in result.stdout
    assert "Exit status: 0 every derivative agrees, 1 one does not" in result.stdout


def test_the_forked_worker_gives_the_same_answer() -> None:
    args = [sys.executable, "-m", "chainrule", "gradcheck", "x*sin(x)", "--at", "x=pi/2"]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "  at x = π/2 ≈ 1.5708" in result.stdout


# --- the README shows real output ---------------------------------------------------------------

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README.partition("### Gradient check\n")[2].partition("\n### ")[0]


@pytest.mark.parametrize(
    "block", re.findall(r"```console\n(.*?)```", SECTION, flags=re.S), ids=lambda b: b[:40]
)
def test_readme_gradcheck_examples_are_real_output(cli, block: str) -> None:
    command, _, shown = block.partition("\n")
    args = shlex.split(command.removeprefix("$ chainrule gradcheck "))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == shown


def test_readme_gradcheck_json_and_numbers_are_real_output(cli) -> None:
    (shown,) = re.findall(r"```json\n(.*?)\n```", SECTION, flags=re.S)
    record = json.loads(cli(NETWORK, "--wrt", "W1", "--at", NETWORK_AT, "--json").stdout)
    keys = ("gradcheck", "agree", "tolerance", "random", "seed", "skipped")
    assert json.dumps({k: record[k] for k in keys}, ensure_ascii=False) == shown
    chain = str(Path(__file__).resolve().parent.parent / "examples" / "sigmoid20.chain")
    sigmoids = cli("-f", chain, "--at", "x=0.5").stdout
    assert "1.1431×10⁻¹³   1.1431×10⁻¹³        2.2×10⁻²¹" in sigmoids
    fast = cli("sin(e^((x + 2/3)^2 + 41))", "--at", "x=0.1").stdout
    assert "4.6×10⁻²⁵⁰" in fast and "4.6×10⁻²⁵⁰" in SECTION


@pytest.mark.usefixtures("sine_negated")
def test_readme_disagreement_line_is_real_output(cli) -> None:
    (shown,) = re.findall(r"```text\n(.*?)```", SECTION, flags=re.S)
    assert shown in cli("sin(x^2)", "--at", "x=1", "--debug").stdout
