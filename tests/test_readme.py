"""The README's commands run, and the output it shows is the output chainrule prints."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"


def _chainrule(args: list[str], cwd: Path = ROOT, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
    )
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _commands() -> list[list[str]]:
    commands = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            if line.startswith("chainrule derive ") and " -f " not in line and "|" not in line:
                words = shlex.split(line, comments=True)
                commands.append(words[1:])
    return commands


def test_readme_has_the_two_setup_commands() -> None:
    assert 'pip install -e . && chainrule derive "sin(x**2)"' in README
    assert "pip install -e '.[test]' && pytest" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -q -e '.[test]' && pytest" in ci


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a)[:60])
def test_readme_commands_run(args: list[str]) -> None:
    assert _chainrule(args).strip()


def test_readme_opening_example_is_real_output() -> None:
    block = _blocks("console")[0]
    command, _, shown = block.partition("\n")
    assert command == '$ chainrule derive "sin(x²)"'
    assert _chainrule(["derive", "sin(x²)"]) == shown


def test_readme_network_excerpts_are_real_output() -> None:
    net = (EXAMPLES / "net.chain").read_text()
    headline = _chainrule(["derive", net, "--wrt", "W1"])
    backprop = _chainrule(["derive", net, "--wrt", "all"])
    texts = _blocks("text")
    chain = next(t for t in texts if t.startswith("∂L/∂W₁ = ∂L/∂z"))
    reverse = next(t for t in texts if t.startswith("Backpropagation"))
    assert chain in headline.replace("  ∂L/∂W₁", "∂L/∂W₁").replace("\n         =", "\n       =")
    assert reverse in backprop


@pytest.mark.parametrize(
    ("opening", "text"),
    [("error: unknown function", "sinn(x)"), ("error: several variables", "x*y")],
)
def test_readme_error_examples_are_real_output(opening: str, text: str) -> None:
    shown = next(t for t in _blocks("text") if t.startswith(opening))
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", "derive", text], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr == shown


@pytest.mark.parametrize("name", ["sin_x2", "network_w1", "pipeline"])
def test_example_scripts_print_their_expected_output(name: str, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    shim = tmp_path / "chainrule"  # the scripts call `chainrule`: run this checkout's
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m chainrule "$@"\n')
    shim.chmod(0o755)
    result = subprocess.run(
        ["bash", str(EXAMPLES / f"{name}.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EXAMPLES / f"{name}.expected").read_text(encoding="utf-8")


def test_latex_notes_example_compiles(tmp_path: Path) -> None:
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing under CI: .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex is not installed")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    shim = tmp_path / "chainrule"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m chainrule "$@"\n')
    shim.chmod(0o755)
    out = tmp_path / "notes"
    subprocess.run(
        ["bash", str(EXAMPLES / "latex_notes.sh"), str(out)],
        check=True,
        env=env,
        timeout=300,
        capture_output=True,
    )
    assert (out / "notes.pdf").stat().st_size > 1000


def test_readme_notation_is_the_help_text() -> None:
    from chainrule.read.notation import NOTATION_HELP

    for line in NOTATION_HELP.splitlines()[1:]:
        assert line.strip() in README, line


def test_readme_library_example_runs() -> None:
    (block,) = _blocks("python")
    result = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "\\begin{align*}" in result.stdout


def test_readme_activation_example_is_real_output() -> None:
    shown = next(t for t in _blocks("text") if "{1 if u > 0; 1/5 otherwise}" in t)
    assert shown in _chainrule(["derive", "leaky_relu(w*x + b, 0.2)", "--wrt", "w"])


def test_readme_cached_factor_excerpt_is_real_output() -> None:
    shown = next(t for t in _blocks("text") if t.startswith("  ∂h/∂a = σ(a)(1 − σ(a))"))
    assert shown in _chainrule(["derive", (EXAMPLES / "net.chain").read_text(), "--wrt", "all"])
