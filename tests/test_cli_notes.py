"""How ambiguous input was read, at the command line: each trap's note on stderr (``line N:``
in a pipeline) and in JSON ``notes``, printed once, never in the derivation, exit status 0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from chainrule.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def cli():
    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


TRAPS = [
    ("sinx", "read 'sinx' as sin x, the function sin applied to x"),
    ("xe^x", "read 'xe' as the product x·e; write * or a space to say so"),
    ("e^2x", "read 'e^2x' as (e^2)·x: a power takes only the number after ^; write e^(2x) for "
             "the other reading"),
    ("1/2x", "read '1/2x' as (1/2)·x: / and implicit multiplication rank alike, left to right; "
             "write 1/(2x) for the other reading"),
    ("x^1/2", "read 'x^1/2' as (x^1)/2: a power takes only the number after ^; write x^(1/2) "
              "for the other reading"),
    ("g (x - m)", "read 'g (' as a call of the function g; write g*(…) to multiply"),
    ("cos[(π/12)(x − 2)]", "read [ ] as brackets that group, like ( )"),
    ("x^2 + xy + y^2", "read 'xy' as one name, not a product; write x*y to multiply"),
    ("log(x)", "read log as the natural logarithm ln; write log_10(x) for base 10"),
    ("h(x)", "read 'h(x)' as the product h·x; declare h a function to read it as a call"),
    ("e = z - y; L = e^2/2", "'e' is assigned, so it is a variable here, not Euler's number; "
                             "write exp(x) for the exponential"),
    ("c = a*b; c += 1", "'c' is assigned 2 times, as in code: each assignment is a new version "
                        "of it, shown with a prime (c, c′, …)"),
    ("x = x/255", "'x' is used in its own first assignment: that x is an input, and each "
                  "assignment a new version of it, shown with a prime (x′, …)"),
]  # fmt: skip


# On stderr the command line names the flag that would help; JSON keeps the library's words.
FLAGS = {"h(x)": " (see --func)"}


@pytest.mark.parametrize(("text", "note"), TRAPS, ids=[t for t, _ in TRAPS])
def test_each_trap_is_noted_once_on_stderr_and_in_json(cli, text: str, note: str) -> None:
    shown = cli("derive", text, "--wrt", "all")
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.splitlines() == [f"note: {note}{FLAGS.get(text, '')}"]
    assert note not in shown.stdout  # a note on the reading is no part of the derivation
    data = json.loads(cli("derive", text, "--wrt", "all", "--json").stdout)
    assert data["notes"] == [note]


def test_notes_in_a_pipeline_name_their_line(cli) -> None:
    result = cli("derive", "--json", "-", input="sin(x)\nsinx + lnx\n1/2x\n")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "line 2: note: read 'sinx' as sin x, the function sin applied to x",
        "line 2: note: read 'lnx' as ln x, the function ln applied to x",
        "line 3: note: read '1/2x' as (1/2)·x: / and implicit multiplication rank alike, left "
        "to right; write 1/(2x) for the other reading",
    ]
    assert [len(json.loads(line)["notes"]) for line in result.stdout.splitlines()] == [0, 2, 1]


def test_a_note_is_never_printed_twice(cli) -> None:
    result = cli("derive", "sqrt(-1-x^2)")
    assert result.stdout.count("note: not checked numerically") == 1
    data = json.loads(cli("derive", "sqrt(-1-x^2)", "--json").stdout)
    assert data["notes"] == ["not checked numerically: no sampled point has a real value"]
    repeated = cli("derive", "sinx + sinx^2 + 1/2x + 1/2x")
    assert len(repeated.stderr.splitlines()) == 2


def test_versions_and_accents_on_screen_and_in_json(cli) -> None:
    text = "ŷ = sigmoid(w*x); e = ŷ - y; e = e^2"
    shown = cli("derive", text, "--wrt", "w")
    assert shown.exit_code == 0, shown.output
    for expected in ("ŷ = σ(", "e = ŷ − y", "e′ = e²", "∂e′/∂w = ∂e′/∂e · ∂e/∂ŷ · ∂ŷ/∂"):
        assert expected in shown.stdout, expected
    latex = cli("derive", text, "--wrt", "w", "--latex").stdout
    assert r"\hat{y}" in latex and "e'" in latex
    data = json.loads(cli("derive", text, "--wrt", "w", "--json").stdout)
    assert data["output"] == "e_v1"
    assert [i["name"] for i in data["intermediates"]][-3:] == ["yhat", "e", "e_v1"]
    assert data["renamed"] == {"yhat": "ŷ", "e_v1": "e′"}


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("log_softmax(x)", "error: unclear logarithm base 'softmax'",
         "hint: a base is a number or a one-letter name (log_2, log_b); for the base softmax "
         "write log(x, softmax)"),
        ("W[1]*x", "error: unexpected '['",
         "hint: indexing is not supported: write W_1 or W1; group with ( )"),
        ("aŷ", "error: an accent on 'ay': accents go on one letter",
         "hint: write a y for a product of letters"),
    ],
)  # fmt: skip
def test_what_is_refused_says_why(cli, text: str, message: str, hint: str) -> None:
    result = cli("derive", text)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == message and lines[-1] == hint


def test_the_readme_sample_is_real_output(cli) -> None:
    blocks = re.findall(r"```text\n(.*?)```", README, flags=re.S)
    block = next(b for b in blocks if b.startswith('$ chainrule derive "xe^x'))
    text = block.split('"')[1]
    notes = [line for line in block.splitlines() if line.startswith("note:")]
    assert cli("derive", text).stderr.splitlines() == notes
