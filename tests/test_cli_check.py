"""``chainrule check``: the verdict, its exit status, the JSON keys and the worksheet."""

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

from chainrule.cli import main


@pytest.fixture
def cli():
    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["check", *args], input=input, catch_exceptions=False)

    return invoke


def test_a_correct_answer_exits_0_and_says_how(cli) -> None:
    result = cli("sin(x)^2", "--answer", "2 sin(x) cos(x)")
    assert result.exit_code == 0, result.output
    assert result.stdout == "correct (symbolically): d/dx sin(x)² = 2sin(x)·cos(x)\n"


def test_a_wrong_answer_exits_1_with_the_mistake_first_and_the_factor_marked(cli) -> None:
    result = cli("sin(x^2)", "--answer", "cos(x^2)")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "not correct: you differentiated the outer function but did not multiply by du/dx = 2x"
    )
    assert lines[1:3] == ["  your answer:     cos(x²)", "  the derivative:  2x·cos(x²)"]
    assert "  du/dx = 2x    (missing from your answer)" in lines
    assert "        = 2x·cos(x²)" in lines  # the correct derivation follows
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
def test_every_format(cli, fmt: str) -> None:
    result = cli("x*sin(x)", "--answer", "x*cos(x)", f"--{fmt}")
    assert result.exit_code == 1
    assert "left out" in result.stdout
    if fmt == "latex":
        assert result.stdout.startswith("\\begin{align*}\n\\intertext{not correct: the product")
    if fmt == "markdown":
        assert result.stdout.startswith("**not correct:** the product rule half done")


def test_json_gives_the_verdict_and_the_derivation(cli) -> None:
    result = cli("sin(x^2)", "--answer", "cos(x)*2x", "--json")
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["correct"] is False and record["how"] == "numeric"
    assert record["derivatives"][0]["result"] == "2*x*cos(x**2)"  # the derivation's keys too
    (mistake,) = record["mistakes"]
    assert {"kind", "factor", "expected", "got", "message"} <= mistake.keys()
    assert mistake["kind"] == "wrong_point"
    assert mistake["factor"] == {"of": "y", "wrt": "u"}
    assert (mistake["at"], mistake["correct_at"]) == ({"u": "x"}, {"u": "x**2"})
    for key in ("expected", "got"):  # the JSON contract: parse_expr reads every expression
        sympy.parse_expr(mistake[key])
    assert sympy.parse_expr(record["answer"]) == sympy.parse_expr("2*x*cos(x)")


def test_json_of_a_path_left_out(cli) -> None:
    record = json.loads(cli("x*sin(x)", "--answer", "x*cos(x)", "--json").stdout)
    (mistake,) = record["mistakes"]
    assert mistake["factor"] == {"of": "y", "wrt": "x"}
    assert (mistake["kind"], mistake["expected"], mistake["got"]) == ("missing_path", "sin(x)", "0")


def test_wrt_and_programs(cli) -> None:
    text = "a = W1*x + b1; L = a^2"
    assert cli(text, "--wrt", "W1", "--answer", "2*a*x").exit_code == 0
    wrong = cli(text, "--wrt", "W1", "--answer", "2*a")
    assert wrong.exit_code == 1
    assert "did not multiply by ∂a/∂W₁ = x" in wrong.stdout.splitlines()[0]
    several = cli(text, "--answer", "2*a*x")
    assert several.exit_code == 2 and "--wrt" in several.stderr


def test_a_bad_answer_exits_2_pointing_at_the_column(cli) -> None:
    result = cli("sin(x^2)", "--answer", "cos(x^^2)")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: in the answer: unexpected '^'",
        "  cos(x^^2)",
        "        ^",
    ]


def test_an_answer_is_required(cli) -> None:
    result = cli("sin(x^2)")
    assert result.exit_code == 2 and "--answer" in result.stderr


WORKSHEET = "sin(x^2)\t2x*cos(x^2)\nx^3\t3x^3\n\n# a comment\nx*sin(x)\tsin(x) + x*cos(x)\n"


def test_a_worksheet_is_graded_in_order_with_a_summary(cli) -> None:
    result = cli("-", input=WORKSHEET)
    assert result.exit_code == 1  # one answer is wrong
    out = result.stdout
    first = out.index("correct (symbolically): d/dx sin(x²)")
    second = out.index("not correct: the power rule")
    third = out.index("correct (symbolically): d/dx (x·sin(x))")
    assert first < second < third
    assert out.endswith("\n\n2/3 correct\n")


def test_a_worksheet_in_json_is_json_lines_with_the_summary_on_stderr(cli) -> None:
    result = cli("--json", input=WORKSHEET)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["correct"] for r in records] == [True, False, True]
    assert [r["input"] for r in records] == ["sin(x^2)", "x^3", "x*sin(x)"]
    assert result.stderr == "2/3 correct\n"


def test_a_bad_worksheet_line_exits_2_which_wins_over_1(cli) -> None:
    sheet = "x^3\t3x^3\nx^2 2x\nx^2\t2x\n"
    result = cli("--json", input=sheet)
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[1].keys() == {"schema", "input", "error"}
    assert records[1]["input"] == "x^2 2x"
    assert "EXPRESSION<TAB>ANSWER" in records[1]["error"]["message"]
    assert [r.get("correct") for r in records] == [False, None, True]
    assert result.stderr.splitlines()[0].startswith("line 2: error: a worksheet line is")
    assert result.stderr.splitlines()[-1] == "1/3 correct"


def test_a_worksheet_takes_no_answer_option(cli) -> None:
    result = cli("-", "--answer", "2x", input="x^2\t2x\n")
    assert result.exit_code == 2 and "drop --answer" in result.stderr


# --- the README shows real output ---------------------------------------------------------------

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _check_examples() -> list[tuple[str, str]]:
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    found = []
    for block in blocks:
        command, _, shown = block.partition("\n")
        if "chainrule check" in command:
            found.append((command.removeprefix("$ "), shown))
    return found


@pytest.mark.parametrize(("command", "shown"), _check_examples(), ids=lambda c: str(c)[:50])
def test_readme_check_examples_are_real_output(command: str, shown: str) -> None:
    line = command.replace("chainrule check", f"{shlex.quote(sys.executable)} -m chainrule check")
    result = subprocess.run(
        line, shell=True, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent
    )
    assert result.stdout == shown


ROWS = re.findall(r"^\| `([^`]+)` → `([^`]+)` \| (not correct: .*) \|$", README, flags=re.M)


@pytest.mark.parametrize(("text", "answer", "first"), ROWS, ids=lambda r: str(r)[:30])
def test_readme_mistake_table_is_real_output(cli, text: str, answer: str, first: str) -> None:
    assert cli(text, "--answer", answer).stdout.splitlines()[0] == first


def test_the_readme_shows_every_check_example() -> None:
    assert len(_check_examples()) == 3 and len(ROWS) == 8


@pytest.mark.parametrize(
    "answer",
    [
        "__import__('pathlib').Path('{marker}').touch()",
        "open('{marker}', 'w')",
        "eval(\"open('{marker}', 'w')\")",
        "2x; open('{marker}', 'w')",
    ],
)
def test_an_answer_is_never_evaluated_as_python(cli, answer: str, tmp_path: Path) -> None:
    marker = tmp_path / "evaluated"
    result = cli("x^2", "--answer", answer.format(marker=marker))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: in the answer: ")
    assert not marker.exists()


def test_check_help_shows_examples_without_loading_sympy() -> None:
    probe = (
        "from chainrule.cli import main\n"
        "try:\n    main(['check', '--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "import sys\nassert 'sympy' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert 'chainrule check "sin(x^2)" --answer "cos(x^2)"' in result.stdout
