"""The command line, through click's CliRunner (and a real terminal where it matters)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from chainrule.cli import main
from tests.helpers import hostile_inputs


@pytest.fixture
def cli():
    def invoke(*args: str, input: str | bytes | None = None):
        runner = CliRunner()
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_derive_prints_decomposition_factors_and_chain(cli) -> None:
    result = cli("derive", "sin(x**2)")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in ("u = x²", "y = sin(u)", "dy/du = cos(u)", "du/dx = 2x", "2x·cos(x²)"):
        assert expected in out
    assert "\x1b[" not in out  # not a terminal: no ANSI escapes


@pytest.mark.parametrize("fmt", ["text", "latex", "json", "markdown"])
def test_every_format_and_its_shortcut(cli, fmt: str) -> None:
    long = cli("derive", "x*sin(x)", "--format", fmt)
    assert long.exit_code == 0, long.output
    if fmt != "text":
        short = cli("derive", "x*sin(x)", f"--{fmt}")
        assert short.stdout == long.stdout
    if fmt == "json":
        record = json.loads(long.stdout)
        assert record["schema"] == 1
        assert record["derivatives"][0]["result"] == "x*cos(x) + sin(x)"
    if fmt == "latex":
        assert "\\begin{align*}" in long.stdout
    if fmt == "markdown":
        assert "$$" in long.stdout


def test_latex_standalone_is_a_document(cli) -> None:
    out = cli("derive", "sin(x**2)", "--latex", "--standalone").stdout
    assert out.lstrip().startswith("\\documentclass")
    assert "\\end{document}" in out


def test_several_variables_need_wrt(cli) -> None:
    result = cli("derive", "x*y + sin(y)")
    assert result.exit_code == 2
    assert "x, y" in result.stderr and "--wrt" in result.stderr
    assert "Traceback" not in result.output


def test_wrt_all_and_repeated_wrt(cli) -> None:
    both = json.loads(cli("derive", "x*y + sin(y)", "--wrt", "all", "--json").stdout)
    assert [d["wrt"] for d in both["derivatives"]] == ["x", "y"]
    one = json.loads(cli("derive", "x*y + sin(y)", "--wrt", "y", "--wrt", "x", "--json").stdout)
    assert [d["wrt"] for d in one["derivatives"]] == ["y", "x"]


def test_a_variable_that_does_not_occur_answers_0_with_a_note(cli) -> None:
    # A pipeline shares one --wrt: a line without that variable answers 0 (issue 9).
    result = cli("derive", "sin(x)", "--wrt", "q", "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert [d["result"] for d in record["derivatives"]] == ["0"]
    assert "q does not occur in the expression" in " ".join(record["notes"])


def test_parse_error_points_at_the_column(cli) -> None:
    result = cli("derive", "sin(x +* 2)")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error:")
    caret = next(line for line in lines if line.strip() == "^")
    source = lines[lines.index(caret) - 1]
    assert source[caret.index("^")] == "*"
    assert "Traceback" not in result.output


def test_stdin_json_lines_with_a_bad_line_in_the_middle(cli) -> None:
    text = "sin(x^2)\n\n# a comment\nsin(x +)\nx*sin(x)\n"
    result = cli("derive", "--json", "-", input=text)
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == ["sin(x^2)", "sin(x +)", "x*sin(x)"]
    assert "error" in records[1] and records[1]["error"]["column"] is not None
    assert records[0]["derivatives"][0]["result"] == "2*x*cos(x**2)"
    assert records[2]["derivatives"][0]["result"] == "x*cos(x) + sin(x)"
    assert "line 4" in result.stderr


def test_stdin_without_dash_when_piped(cli) -> None:
    result = cli("derive", "--json", input="sin(x)\ncos(x)\n")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_invalid_utf8_and_nul_on_stdin_are_line_errors(cli) -> None:
    result = cli("derive", "--json", "-", input=b"sin(x)\n\xff\xfe\nsin(\x00x)\ncos(x)\n")
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    assert "error" in records[1] and "error" in records[2]
    assert records[3]["derivatives"][0]["result"] == "-sin(x)"


def test_program_from_file(cli, tmp_path) -> None:
    net = tmp_path / "net.chain"
    net.write_text("# network\na = W1*x + b1\nh = sigmoid(a)  # hidden\nL = h^2\n")
    result = cli("derive", "-f", str(net), "--wrt", "W1", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert [i["name"] for i in record["intermediates"]] == ["a", "h", "L"]


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (
            "h = sigmoid(a); a = x + 1; L = h^2",
            "'a' is used at column 13 before it is defined (column 17)",
        ),
    ],
)
def test_program_errors_are_one_line(cli, program: str, message: str) -> None:
    result = cli("derive", program)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_of_names_an_assignment(cli) -> None:
    ok = cli("derive", "a = x^2; b = sin(a); c = b + 1", "--of", "b", "--json")
    assert json.loads(ok.stdout)["output"] == "b"
    bad = cli("derive", "a = x^2; b = sin(a)", "--of", "q")
    assert bad.exit_code == 2 and "no assignment named 'q'" in bad.stderr


def test_internal_error_exits_70_without_traceback(cli, monkeypatch) -> None:
    import chainrule.calculus.engine

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(chainrule.calculus.engine._Engine, "run", broken)
    result = cli("derive", "sin(x)")
    assert result.exit_code == 70
    assert "please report" in result.stderr
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(monkeypatch) -> None:
    import chainrule.calculus.engine

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(chainrule.calculus.engine._Engine, "run", broken)
    result = CliRunner().invoke(main, ["derive", "sin(x)", "--debug"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_version_and_help(cli) -> None:
    assert cli("--version").stdout.startswith("chainrule, version")
    help_text = cli("derive", "--help").stdout
    assert "chainrule derive" in help_text and "--wrt" in help_text


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "chainrule", "derive", "sin(x**2)", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["derivatives"][0]["result"] == "2*x*cos(x**2)"


def _in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the real command with stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chainrule", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_rich_colour_and_no_color_turns_it_off() -> None:
    env = {"TERM": "xterm-256color", "COLUMNS": "100"}
    env_no = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _in_terminal(["derive", "sin(x**2)"], {**env_no, **env, "NO_COLOR": ""})
    plain = _in_terminal(["derive", "sin(x**2)"], {**env, "NO_COLOR": "1"})
    assert "\x1b[" in coloured
    assert "\x1b[" not in plain
    assert "cos(x²)" in plain


def test_progress_bar_on_a_terminal_stderr(tmp_path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chainrule", "derive", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    out, _ = proc.communicate(b"sin(x)\ncos(x)\nexp(x)\n", timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert len(out.splitlines()) == 3
    assert b"deriving" in seen


def _patch_engine(monkeypatch, behaviour) -> None:
    import chainrule.calculus.engine

    monkeypatch.setattr(chainrule.calculus.engine._Engine, "run", behaviour)


def test_time_budget_stops_a_runaway_derivation(cli, monkeypatch) -> None:
    import time

    def forever(self):
        while True:
            time.sleep(0.01)

    _patch_engine(monkeypatch, forever)
    result = cli("derive", "sin(x)", "--timeout", "1")  # would hang forever without the budget
    assert result.exit_code == 2
    assert "gave up after 1 s" in result.stderr


def test_memory_budget_stops_a_runaway_derivation(cli, monkeypatch) -> None:
    def hungry(self):
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))

    _patch_engine(monkeypatch, hungry)
    result = cli("derive", "sin(x)", "--memory", "300")
    assert result.exit_code == 2
    assert "memory" in result.stderr


def test_slow_simplification_prints_the_exact_result_with_a_note(cli, monkeypatch) -> None:
    import time

    import chainrule.api

    def slow(derivation):
        time.sleep(30)
        return derivation

    monkeypatch.setattr(chainrule.api, "simplify_results", slow)
    result = cli("derive", "sin(x)/x", "--timeout", "1.5", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["derivatives"][0]["result"] == "cos(x)/x - sin(x)/x**2"
    assert "simplification ran out of time" in result.stderr
    assert "(see --timeout)" in result.stderr  # the CLI names the flag, not the library


@pytest.mark.parametrize(
    "text", ["2**2**2**99", "10**10**10", "factorial(10**9)", "1e100000000000", "x + 2**2**2**99"]
)
def test_enormous_numbers_are_never_evaluated(cli, text: str) -> None:
    result = cli("derive", text, "--wrt", "x", "--json", "--timeout", "5")
    assert result.exit_code == 0, result.output  # not "gave up after 5 s"
    derivative = json.loads(result.stdout)["derivatives"][0]
    assert derivative["result"] == ("1" if text.startswith("x +") else "0")


def test_file_that_is_not_utf8_or_too_long(cli, tmp_path) -> None:
    bad = tmp_path / "bad.chain"
    bad.write_bytes(b"sin(\xff x)\n")
    result = cli("derive", "-f", str(bad))
    assert result.exit_code == 2
    assert "not valid UTF-8 (byte 5)" in result.stderr
    big = tmp_path / "big.chain"
    big.write_text("x+" * 600_000 + "x")
    result = cli("derive", "-f", str(big))
    assert result.exit_code == 2
    assert "longer than the limit of 200,000 characters" in result.stderr
    assert "Traceback" not in result.output


def test_an_overlong_stdin_line_is_an_error_for_that_line_only(cli) -> None:
    text = "sin(x)\n" + "x+" * 600_000 + "x\ncos(x)\n"
    result = cli("derive", "--json", "-", input=text)
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in r) for r in records] == [False, True, False]
    assert records[1]["error"]["type"] == "limit"
    assert "line 2: error: input is longer" in result.stderr


def test_a_wrong_derivative_is_never_printed(cli, monkeypatch) -> None:
    import chainrule.calculus.engine

    real = chainrule.calculus.engine.local_derivative
    monkeypatch.setattr(chainrule.calculus.engine, "local_derivative", lambda d, v: 2 * real(d, v))
    result = cli("derive", "sin(x**2)")
    assert result.exit_code == 70
    assert result.stdout == ""
    assert "failed its numerical cross-check" in result.stderr and "please report" in result.stderr


def test_variables_are_real_unless_complex_is_asked_for(cli) -> None:
    real = json.loads(cli("derive", "abs(x)", "--json").stdout)
    assert real["derivatives"][0]["result"] == "sign(x)"
    complex_ = json.loads(cli("derive", "abs(x)", "--json", "--complex").stdout)
    assert "re(x)" in complex_["derivatives"][0]["result"]
    smooth = json.loads(cli("derive", "x**2*sin(x)", "--json", "--complex").stdout)
    assert smooth["derivatives"][0]["result"] == "x**2*cos(x) + 2*x*sin(x)"


def test_of_is_for_programs(cli) -> None:
    result = cli("derive", "sin(x)", "--of", "y")
    assert result.exit_code == 2 and "--of names the output of a program" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(" * 10_000 + "x" + ")" * 10_000, "nested"),
        ("x+" * 500_000 + "x", "limit of 200,000"),
        ("sin(x)\x00", "error"),
        ("sin(" * 3000 + "x" + ")" * 3000, "nested"),
        ("1" * 5000 + "*x", "digits"),
    ],
    ids=["10k-parens", "1MB", "nul", "3000-deep", "5000-digit-literal"],
)
def test_limits_answer_with_one_clear_error(cli, text: str, expected: str) -> None:
    # --timeout 3: an input that made chainrule work instead of refusing it would end in
    # "gave up", not in the expected message.  How fast each is refused: bench/bench_limits.py.
    result = cli("derive", "--json", "--timeout", "3", "-", input=text + "\n")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "gave up" not in result.stderr
    assert "Traceback" not in result.output


# -- hints name flags that exist -----------------------------------------------------------------


def _library_options() -> set[str]:
    """Every ``option="…"`` the library passes to an error."""
    import ast
    from pathlib import Path

    import chainrule

    found = set()
    for path in Path(chainrule.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "option":
                assert isinstance(node.value, ast.Constant), f"{path.name}: option must be literal"
                found.add(node.value.value)
    return found


def test_every_option_the_library_names_has_a_flag_hint_and_every_flag_exists() -> None:
    import re

    from chainrule.cli import NOTE_FLAGS, OPTION_HINTS, derive

    options = _library_options()
    assert {"wrt", "of", "functions", "syntax", "timeout", "memory"} <= options
    assert options <= set(OPTION_HINTS)
    flags = {name for param in derive.params for name in param.opts + param.secondary_opts}
    for hint in [*OPTION_HINTS.values(), *NOTE_FLAGS.values()]:
        named = re.findall(r"--[a-z][a-z-]*", hint)
        assert named and set(named) <= flags, hint


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["x*y"], "hint: choose with --wrt NAME or --wrt all"),
        (["xy(x)"], "hint: to multiply write xy*(…); for an abstract function use --func xy"),
        (["--from", "math", "\\sin x"], "hint: for LaTeX input use --from latex"),
        (["sin(x)", "--of", "y"], "hint: --of names the output of a program"),
    ],
)
def test_errors_end_in_a_hint_that_names_the_flag(cli, args: list[str], hint: str) -> None:
    result = cli("derive", *args)
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n").endswith(hint)


def test_json_error_objects_carry_the_flag_hint(cli) -> None:
    result = cli("derive", "--json", "-", input="xy(x)\n")
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["error"]["hint"].endswith("use --func xy")


# -- pipelines over the pool, and the edges of the flags (issue 9) -------------------------------

# Lines whose answers take no time-boxed step, so that any two runs must print the same.
PIPELINE = [
    "sin(x^2)",
    "sinx",
    "sin(x +)",
    "(3x^2+1)^4",
    "1/(x^2+1)",
    "ln(cos x)",
    "x*y",
    "sqrt(1 + tan(3x)^2)",
    "x^x",
    "(x^2+1)/(x^2-1)",
    "x^2*e^(3x)",
    "cos(x)^2 + sin(x)^2",
    "tan(5x)^3",
    "exp(sin(x^2))",
]


@pytest.mark.parametrize("fmt", ["--json", "--markdown"])
def test_jobs_2_prints_what_jobs_1_prints_line_for_line(cli, fmt: str) -> None:
    text = "".join(line + "\n" for line in PIPELINE)
    one = cli("derive", fmt, "--jobs", "1", "-", input=text)
    two = cli("derive", fmt, "--jobs", "2", "-", input=text)
    assert one.exit_code == two.exit_code == 2  # two bad lines
    assert two.stdout == one.stdout and two.stderr == one.stderr
    if fmt == "--json":
        records = [json.loads(line) for line in two.stdout.splitlines()]
        assert [r["input"] for r in records] == PIPELINE
        assert ["error" in r for r in records] == [line in ("sin(x +)", "x*y") for line in PIPELINE]
    assert "line 2: note: read 'sinx' as sin x" in two.stderr
    assert "line 3: error:" in two.stderr and "line 7: error:" in two.stderr


def test_a_hostile_line_in_a_pipeline_leaves_every_other_line_intact(cli, monkeypatch) -> None:
    hostile_inputs(monkeypatch)
    # The other lines are products, which are not simplified: no answer here depends on time.
    lines = ["sin(x^2)", "hang", "(3x^2+1)^4", "hog", "exp(sin(x^2))", "tan(5x)^3"]
    budgets = ["--timeout", "1.5", "--memory", "400"]
    result = cli("derive", "--json", "--jobs", "2", *budgets, "-", input="\n".join(lines))
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == lines
    assert records[1]["error"]["message"] == "gave up after 1.5 s (the time budget)"
    assert records[3]["error"]["message"] == "ran out of memory (the budget is 400 MB)"
    for line, record in zip(lines, records, strict=True):
        if line not in ("hang", "hog"):
            alone = cli("derive", "--json", *budgets, line)
            assert record == json.loads(alone.stdout)
    assert "line 2: error: gave up" in result.stderr and "line 4: error: ran out" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--latex"], "--latex and --json ask for different output formats"),
        (["--markdown", "--latex"], "--latex and --markdown ask for different output formats"),
        (["--format", "json", "--latex"], "--latex and --format json ask for different"),
        (["--format", "text", "--markdown"], "--markdown and --format text ask for different"),
        (["--standalone"], "--standalone makes a LaTeX document: use it with --latex"),
        (["--json", "--standalone"], "--standalone makes a LaTeX document"),
        (["--jobs", "0"], "Invalid value for '--jobs'"),
    ],
)
def test_conflicting_or_pointless_flags_are_usage_errors(cli, args, message) -> None:
    result = cli("derive", "sin(x)", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: ") and "derive [OPTIONS]" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    "args", [["--json", "--format", "json"], ["--latex", "--standalone", "--format", "latex"]]
)
def test_the_same_format_twice_is_no_conflict(cli, args) -> None:
    assert cli("derive", "sin(x)", *args).exit_code == 0


def test_one_bad_input_with_json_prints_the_error_object_as_a_stdin_line_does(
    cli, tmp_path
) -> None:
    alone = cli("derive", "--json", "sinn(x)")
    piped = cli("derive", "--json", "-", input="sinn(x)\n")
    assert alone.exit_code == piped.exit_code == 2
    assert json.loads(alone.stdout) == json.loads(piped.stdout)
    assert json.loads(alone.stdout)["error"]["message"] == "unknown function 'sinn'"
    assert alone.stderr.startswith("error: unknown function 'sinn'")
    bad = tmp_path / "bad.chain"
    bad.write_bytes(b"sin(\xff x)\n")
    unreadable = cli("derive", "--json", "-f", str(bad))
    assert unreadable.exit_code == 2
    assert (
        json.loads(unreadable.stdout)["error"]["message"] == "the file is not valid UTF-8 (byte 5)"
    )
    assert cli("derive", "sinn(x)").stdout == ""  # only JSON output gets the object


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n"])
def test_an_empty_stdin_is_a_quiet_success(cli, text: str) -> None:
    result = cli("derive", "--json", "-", input=text)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_pipeline_never_loads_sympy_in_the_command_line_process() -> None:
    # Workers load the library; notes reach the parent worded, so it never unpickles a Note.
    probe = (
        "import sys\nfrom chainrule.cli import main\n"
        "try:\n    main(['derive', '--json', '--jobs', '2', '-'], standalone_mode=False)\n"
        "except SystemExit as stop:\n    assert stop.code == 0, stop.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'mpmath')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        input="sinx\nsin(x)/x\nx^x\n",
        capture_output=True,
        text=True,
        check=True,
    )
    *answers, loaded = done.stdout.splitlines()
    assert len(answers) == 3 and loaded == "[]"
    assert "note: read 'sinx' as sin x" in done.stderr
