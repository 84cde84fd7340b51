"""``chainrule derive`` with shapes: ``--shape``, in-program declarations, lists in ``--at``,
every format, shape errors with exit status 2, JSON values as nested lists; and a scalar
input still never loads numpy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chainrule.cli import main

NETWORK = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = sum((z - y)^2)/2"
SHAPES = ["--shape", "W1=n×m", "--shape", "x=m", "--shape", "b1=n", "--shape", "W2=k×n",
          "--shape", "b2=k", "--shape", "y=k"]  # fmt: skip
WRT = ["--wrt", "W2", "--wrt", "b2", "--wrt", "W1"]


def _cli(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["derive", *args], input=input, catch_exceptions=False)


def test_the_issue_network_prints_its_six_lines() -> None:
    result = _cli(NETWORK, *SHAPES, *WRT)
    assert result.exit_code == 0, result.output
    assert (
        "  δz = ∂L/∂z = z − y             k×1\n"
        "  ∂L/∂W₂ = δz · hᵀ               k×n\n"
        "  ∂L/∂b₂ = δz                    k×1\n"
        "  δh = W₂ᵀ · δz                  n×1\n"
        "  δa = δh ⊙ σ(a) ⊙ (1 − σ(a))    n×1\n"
        "  ∂L/∂W₁ = δa · xᵀ               n×m\n"
    ) in result.stdout


def test_declarations_in_the_program_and_matrix_notation() -> None:
    program = "W1: n×m; x: m; b1: n; W2: k×n; b2: k; y: k\n" + NETWORK.replace("*", " @ ")
    assert _cli(program, *WRT).stdout == _cli(NETWORK, *SHAPES, *WRT).stdout.replace(
        NETWORK, program
    )


def test_every_format() -> None:
    for flag, marks in (("--latex", ["\\odot", "h^{\\top}", "\\delta_{z}"]),
                        ("--markdown", ["| `δa` | `δh ⊙ σ(a) ⊙ (1 − σ(a))` | n×1 |"]),
                        ("--json", ['"expression": "delta_z @ h.T"'])):  # fmt: skip
        result = _cli(NETWORK, *SHAPES, *WRT, flag)
        assert result.exit_code == 0
        for mark in marks:
            assert mark in result.stdout, (flag, mark)


def test_shape_error_exits_2_naming_the_step() -> None:
    result = _cli("h = W1*x; z = W2*h; L = sum(z)", "--shape", "W1=2x3", "--shape", "x=3",
                  "--shape", "W2=1x3")  # fmt: skip
    assert result.exit_code == 2
    assert "W2*h: W2 is 1×3 but h is 2×1" in result.stderr


def test_bad_shape_exits_2() -> None:
    result = _cli("L = sum(x)", "--shape", "x=3x")
    assert result.exit_code == 2
    assert "'3x' is not a shape" in result.stderr


def test_the_tutorial_snippet_with_lists_at_a_point() -> None:
    result = _cli("z = dot(w, x) + b; loss = sum(z)", "--wrt", "all", "--at",
                  "w=[2,-1]; x=[1,2]; b=[0.5]", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)["values"]
    assert values["gradients"] == {"b": [1.0], "w": [1.0, 2.0], "x": [2.0, -1.0]}
    text = _cli("z = dot(w, x) + b; loss = sum(z)", "--wrt", "all", "--at",
                "w=[2,-1]; x=[1,2]; b=[0.5]").stdout  # fmt: skip
    assert "  ∂loss/∂w = [1, 2]\n" in text and "  ∂loss/∂x = [2, −1]\n" in text


def test_a_scalar_input_never_loads_numpy_or_the_shaped_classes() -> None:
    probe = (
        "import sys\nfrom chainrule.cli import main\nfrom chainrule import derive\n"
        "derive('a = W1*x + b1; L = a^2', 'all', at='x=1, W1=2, b1=0')\n"
        "try:\n    main(['derive', 'sin(x**2)', '--json', '--debug'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, 'chainrule.model.shapes' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert out.split()[-2:] == ["False", "False"]  # neither numpy nor the shaped classes


def test_standalone_latex_compiles(tmp_path: Path) -> None:
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    at = "W1=[[1,2],[0,-1],[0.5,0.5]]; x=[1,-1]; b1=[0,0,0]; W2=[[1,0,1]]; b2=[0.1]; y=[1]"
    for program, shapes in (
        (NETWORK, SHAPES),
        ("h = x + relu(W @ x); z = W @ h; L = cross_entropy(softmax(z), y) + norm(h)^2",
         ["--shape", "W=n×n", "--shape", "x=n", "--shape", "y=n"]),
    ):  # fmt: skip
        extra = ["--at", at] if program == NETWORK else []
        result = _cli(program, *shapes, "--wrt", "all", "--latex", "--standalone", *extra)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("\\documentclass")
        (tmp_path / "d.tex").write_text(result.stdout)
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        assert "Missing character" not in (tmp_path / "d.log").read_text(errors="replace")


def test_values_list_the_reverse_pass_in_order() -> None:
    out = _cli(NETWORK, *SHAPES, "--wrt", "all", "--at",
               "W1=[[1,2],[0,-1],[0.5,0.5]]; x=[1,-1]; b1=[0,0,0]; W2=[[1,0,1]]; b2=[0.1]; "
               "y=[1]").stdout  # fmt: skip
    values = out.split("\nValues\n")[1]
    names = [line.split(" = ")[0].strip() for line in values.splitlines()]
    assert names.index("δz") < names.index("∂L/∂W₂") < names.index("δh") < names.index("δa")
    assert names.index("δa") < names.index("∂L/∂W₁")


def test_the_terminal_draws_panels() -> None:
    from chainrule.runner import Job, run

    job = Job(NETWORK, wrt=("W1",), shapes=tuple(SHAPES[1::2]), fmt="rich", width=80)
    outcome = run(job)
    assert outcome.exit_code == 0, outcome.error
    plain = re.sub(r"\x1b\[[0-9;]*m", "", outcome.output)
    assert "╭─ Backpropagation" in plain and "│ ∂L/∂W₁ = δa · xᵀ" in plain
    assert "\x1b[" in outcome.output  # styled
    assert "Why xᵀ goes on the right" in plain
