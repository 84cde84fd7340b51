"""The README's "Vectors and matrices" section: every console block is real output, the
declared program derives as the flags do, and the shape error shown is the one printed."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Vectors and matrices\n", 1)[1].split("\n## ", 1)[0]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)  # fmt: skip


CONSOLE = re.findall(r"```console\n\$ (.*?)\n(.*?)```", SECTION, flags=re.S)


def test_the_section_has_its_examples() -> None:
    assert len(CONSOLE) == 4


@pytest.mark.parametrize(("command", "shown"), CONSOLE, ids=lambda c: c[:50])
def test_console_blocks_are_real_output(command: str, shown: str) -> None:
    result = _run(shlex.split(command)[1:])
    assert result.returncode == 0, result.stderr
    # Differences of 10⁻¹⁰ are rounding: their digits may vary with the BLAS, not the layout.
    rounding = re.compile(r"largest difference \d\.\de-\d+")
    assert rounding.sub("…", result.stdout) == rounding.sub("…", shown)


def test_the_declared_program_and_the_error(tmp_path: Path) -> None:
    program, error = re.findall(r"```text\n(.*?)```", SECTION, flags=re.S)[:2]
    net = tmp_path / "net.chain"
    net.write_text(program)
    wrt = ["--wrt", "W2", "--wrt", "b2", "--wrt", "W1"]
    declared = _run(["derive", "-f", str(net), *wrt]).stdout
    flags = _run(shlex.split(CONSOLE[0][0])[1:]).stdout
    assert declared.split("Backpropagation")[1] == flags.split("Backpropagation")[1]
    bad = tmp_path / "bad.chain"
    bad.write_text("W1: 3x2; x: 2; W2: 1x3\nh = sigmoid(W1 @ x); L = sum(W2 @ x)\n")
    result = _run(["derive", "-f", str(bad), "--wrt", "all"])
    assert result.returncode == 2
    assert result.stderr == error
