"""One input end to end (``runner.run``), in this process and in the forked worker: every output
format, errors as ChainruleErrors with their exit codes, and the time and memory budgets."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time

import pytest

import chainrule.calculus.engine
import chainrule.calculus.simplify
import chainrule.runner
from chainrule.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    InternalError,
    LimitError,
    ParseError,
    VariableError,
    VerificationError,
)
from chainrule.model import Note
from chainrule.runner import Job, Outcome, run

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FORMATS = ["text", "latex", "json", "markdown", "rich"]
forking = pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker is forked")


def in_process(text: str, **options: object) -> Outcome:
    return run(Job(text, isolate=False, **options))  # type: ignore[arg-type]


def forked(text: str, **options: object) -> Outcome:
    return run(Job(text, isolate=True, **options))  # type: ignore[arg-type]


def _patch_engine(monkeypatch: pytest.MonkeyPatch, behaviour) -> None:
    monkeypatch.setattr(chainrule.calculus.engine._Engine, "run", behaviour)


def test_a_job_runs_from_python_with_its_defaults() -> None:
    job = Job("sin(x**2)")
    assert (job.wrt, job.fmt, job.syntax, job.real, job.isolate) == ((), "text", "auto", True, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.text = "cos(x)"  # type: ignore[misc]
    outcome = in_process("sin(x**2)", fmt="json")
    assert (outcome.error, outcome.exit_code, outcome.notes) == (None, 0, [])
    record = json.loads(outcome.output)
    assert record["derivatives"][0]["result"] == "2*x*cos(x**2)"


@forking
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_worker_prints_what_the_process_prints(fmt: str) -> None:
    here = in_process("x*sin(x)", fmt=fmt)
    there = forked("x*sin(x)", fmt=fmt)
    assert here.error is None and there.error is None
    assert there.output == here.output


@pytest.mark.parametrize(
    ("fmt", "opening"),
    [
        ("text", "d/dx sin(x²)\n\nIntermediates\n  u = x²\n"),
        ("latex", "\\begin{align*}\n"),
        ("json", '{"schema": 1, "input": "sin(x**2)"'),
        ("markdown", "## d/dx sin(x²)\n\n### Intermediates\n"),
        ("rich", "\x1b[1md/dx sin(x²)\x1b[0m\n"),
    ],
)
def test_output_formats(fmt: str, opening: str) -> None:
    output = in_process("sin(x**2)", fmt=fmt).output
    assert output.startswith(opening)
    assert ("\x1b[" in output) == (fmt == "rich")  # ANSI escapes only for a terminal


def test_standalone_latex_and_rich_width() -> None:
    document = in_process("sin(x**2)", fmt="latex", standalone=True).output
    assert document.startswith("\\documentclass") and "\\end{document}" in document
    network = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2"
    for width in (40, 100):
        shown = in_process(network, wrt=("W1",), fmt="rich", width=width).output
        lines = ANSI.sub("", shown).splitlines()
        assert 40 <= max(map(len, lines)) <= width  # rows wrap at the terminal's width
    small = ANSI.sub("", in_process("sin(x**2)", fmt="rich", width=100).output).splitlines()
    assert max(map(len, small)) < 40  # and panels are as wide as their content


@pytest.mark.parametrize("where", [in_process, pytest.param(forked, marks=forking)])
def test_bad_input_is_an_error_with_exit_code_2(where) -> None:
    parse = where("sin(x")
    assert isinstance(parse.error, ParseError)
    assert (parse.error.message, parse.error.column, parse.error.source) == (
        "unbalanced parenthesis opened at column 4",
        4,
        "sin(x",
    )
    assert (parse.exit_code, parse.output) == (EXIT_USAGE, "")
    several = where("x*y")
    assert isinstance(several.error, VariableError) and several.error.option == "wrt"
    assert several.exit_code == EXIT_USAGE
    program = where("a = x; b = a", of="q")
    assert isinstance(program.error, VariableError) and program.exit_code == EXIT_USAGE


@pytest.mark.parametrize("where", [in_process, pytest.param(forked, marks=forking)])
def test_a_wrong_derivative_is_exit_70_and_never_printed(where, monkeypatch) -> None:
    real = chainrule.calculus.engine.local_derivative
    monkeypatch.setattr(chainrule.calculus.engine, "local_derivative", lambda d, v: 2 * real(d, v))
    outcome = where("sin(x**2)")
    assert isinstance(outcome.error, VerificationError)
    assert (outcome.exit_code, outcome.output) == (EXIT_INTERNAL, "")


@pytest.mark.parametrize("where", [in_process, pytest.param(forked, marks=forking)])
def test_a_bug_is_an_internal_error_never_a_traceback(where, monkeypatch) -> None:
    def broken(self):
        raise RuntimeError("boom")

    _patch_engine(monkeypatch, broken)
    outcome = where("sin(x)")
    assert isinstance(outcome.error, InternalError) and outcome.exit_code == EXIT_INTERNAL
    assert outcome.error.message == (
        "internal error: RuntimeError at broken: boom; please report this input"
    )
    assert outcome.error.option == "debug"


def test_debug_lets_the_bug_through(monkeypatch) -> None:
    def broken(self):
        raise RuntimeError("boom")

    _patch_engine(monkeypatch, broken)
    with pytest.raises(RuntimeError, match="boom"):
        run(Job("sin(x)"), debug=True)


@forking
def test_a_timeout_is_a_limit_error(monkeypatch) -> None:
    def forever(self):
        while True:
            time.sleep(0.01)

    _patch_engine(monkeypatch, forever)
    start = time.monotonic()
    outcome = forked("sin(x)", timeout=0.5)
    assert time.monotonic() - start < 5
    assert isinstance(outcome.error, LimitError)
    assert outcome.error.message == "gave up after 0.5 s (the time budget)"
    assert outcome.error.option == "timeout"
    assert (outcome.exit_code, outcome.output) == (EXIT_USAGE, "")


@forking
def test_a_slow_simplification_gives_the_exact_result_with_a_note(monkeypatch) -> None:
    def slow(result):
        time.sleep(30)

    monkeypatch.setattr(chainrule.calculus.simplify, "_simpler", slow)
    outcome = forked("sin(x)/x", fmt="json", timeout=1.5)
    assert outcome.error is None and outcome.exit_code == 0
    derivative = json.loads(outcome.output)["derivatives"][0]
    assert derivative["result"] == "cos(x)/x - sin(x)/x**2"
    assert "simplified" not in derivative
    assert outcome.notes == [Note("simplify_timeout")]


@pytest.mark.parametrize("where", [in_process, pytest.param(forked, marks=forking)])
def test_a_simpler_form_replaces_the_exact_output(where) -> None:
    outcome = where("sin(x)*cos(x)", fmt="json", timeout=30)
    derivative = json.loads(outcome.output)["derivatives"][0]
    assert derivative["simplified"] == "cos(2*x)"
    assert outcome.notes == []


@forking
def test_the_memory_budget_is_a_limit_error(monkeypatch) -> None:
    def hungry(self):
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))

    _patch_engine(monkeypatch, hungry)
    outcome = forked("sin(x)", memory_mb=300, timeout=20)
    assert isinstance(outcome.error, LimitError) and outcome.exit_code == EXIT_USAGE
    assert outcome.error.option in ("memory", "budget")
    assert "300 MB" in outcome.error.message


@forking
def test_a_worker_that_dies_without_answering_is_a_limit_error(monkeypatch) -> None:
    monkeypatch.setattr(chainrule.runner, "_work", lambda job, send: os._exit(0))
    outcome = forked("sin(x)", memory_mb=512)
    assert isinstance(outcome.error, LimitError)
    assert outcome.error.message == (
        "the derivation was stopped by its memory or CPU budget (512 MB)"
    )
    assert outcome.error.option == "budget"
