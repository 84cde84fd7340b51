"""One input end to end (``runner.run``), in this process and in the forked worker: every output
format, errors as ChainruleErrors with their exit codes, and the time and memory budgets; and
many (``runner.run_many``) over the pool: in order, workers reused, a budget breach costing only
its own input."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import threading
import time

import pytest

import chainrule.api
import chainrule.calculus.engine
import chainrule.runner.pool
import chainrule.runner.work
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
from chainrule.runner import Job, Outcome, run, run_many
from tests.helpers import hostile_inputs

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


@pytest.mark.parametrize("where", [in_process, pytest.param(forked, marks=forking)])
def test_a_long_derivation_in_the_terminal_takes_the_plain_layout(where, monkeypatch) -> None:
    monkeypatch.setattr(chainrule.runner.work, "RICH_MAX_STEPS", 10)
    long = " + ".join(f"sin({k}*x)" for k in range(1, 5))  # 21 steps
    outcome = where(long, fmt="rich")
    assert outcome.error is None
    assert outcome.output == where(long, fmt="text").output  # no panels, no escapes
    assert outcome.notes == [Note("plain_layout", (("steps", "21"),))]
    short = where("sin(x**2)", fmt="rich")  # 7 steps: panels
    assert "\x1b[" in short.output and "╭" in short.output and short.notes == []


@forking
def test_the_clock_starts_when_the_worker_has_loaded_the_library() -> None:
    from chainrule.runner.worker import READY_GRACE, Worker

    worker = Worker()
    try:
        worker.start(Job("sin(x)", timeout=5))
        assert worker.deadline > time.monotonic() + READY_GRACE  # not ready yet: loading
        while not worker.read():
            pass
        assert worker.ready and worker.deadline <= time.monotonic() + 5
        assert worker.outcome().error is None
    finally:
        worker.stop()


@forking
def test_a_library_that_does_not_load_in_the_worker_is_an_internal_error(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "chainrule.api", None)  # the worker's import fails
    outcome = forked("sin(x)")
    assert isinstance(outcome.error, InternalError) and outcome.exit_code == EXIT_INTERNAL
    assert "ModuleNotFoundError" in outcome.error.message  # said, not a dead worker


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
    def slow(derivation):
        time.sleep(30)

    monkeypatch.setattr(chainrule.api, "simplify_results", slow)
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
    monkeypatch.setattr(chainrule.runner.work, "work", lambda job, send: os._exit(0))
    outcome = forked("sin(x)", memory_mb=512)
    assert isinstance(outcome.error, LimitError)
    assert outcome.error.message == (
        "the derivation was stopped by its memory or CPU budget (512 MB)"
    )
    assert outcome.error.option == "budget"


# -- many inputs over the pool (run_many) ----------------------------------------------------------


def many(texts: list[str], workers: int = 2, **options: object) -> list[Outcome]:
    items = [(i, Job(t, **options)) for i, t in enumerate(texts)]  # type: ignore[arg-type]
    answers = list(run_many(items, workers=workers))
    assert [key for key, _ in answers] == list(range(len(texts)))  # one answer each, in order
    return [outcome for _, outcome in answers]


def _fake_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers answer with their process id; "slow" sleeps first, "die" kills its worker."""

    def work(job: Job, send) -> None:
        if job.text == "die":
            os._exit(0)
        if job.text.startswith("slow"):
            time.sleep(float(job.text.split()[1]))
        send({"output": f"{job.text} {os.getpid()}", "said": ()})

    monkeypatch.setattr(chainrule.runner.work, "work", work)


LINES = ["sin(x**2)", "x*sin(x)", "sin(x", "sinx", "x*y", "exp(cos(x))", "1/(x**2 + 1)", "x^x"]


@forking
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_many_answer_in_order_as_one_worker_and_this_process_do(fmt: str) -> None:
    alone = [in_process(t, fmt=fmt, timeout=30) for t in LINES]
    for workers in (1, 2):
        pooled = many(LINES, workers=workers, fmt=fmt, timeout=30)
        assert [o.output for o in pooled] == [o.output for o in alone]
        assert [o.said for o in pooled] == [o.said for o in alone]
        assert [(type(o.error), o.exit_code) for o in pooled] == [
            (type(o.error), o.exit_code) for o in alone
        ]
    (noted,) = alone[3].said  # the notes travel worded, for the command line's stderr
    assert noted.stderr and noted.text.startswith("read 'sinx' as sin x")


@forking
def test_workers_are_reused_until_one_breaks_a_budget(monkeypatch) -> None:
    _fake_work(monkeypatch)
    outcomes = many(["a"] * 4 + ["die"] + ["b"] * 4, workers=1, memory_mb=512)
    before = {o.output.split()[1] for o in outcomes[:4]}
    after = {o.output.split()[1] for o in outcomes[5:]}
    assert len(before) == len(after) == 1 and before != after  # one worker each, replaced
    assert str(os.getpid()) not in before | after
    died = outcomes[4].error
    assert isinstance(died, LimitError) and died.option == "budget" and "512 MB" in died.message


@forking
def test_answers_keep_input_order_when_later_ones_finish_first(monkeypatch) -> None:
    _fake_work(monkeypatch)
    outcomes = many(["slow 0.6", "a", "b", "c", "slow 0.2", "d"], workers=2)
    assert [o.output.split()[0] for o in outcomes] == ["slow", "a", "b", "c", "slow", "d"]
    assert len({o.output.split()[-1] for o in outcomes}) == 2  # two workers took turns


@forking
def test_each_input_has_its_own_time_budget_from_when_a_worker_takes_it(monkeypatch) -> None:
    _fake_work(monkeypatch)
    # One worker, four inputs of 0.6 s each within 1.5 s apiece: 2.4 s in all, never too long.
    outcomes = many(["slow 0.6"] * 4, workers=1, timeout=1.5)
    assert [o.error for o in outcomes] == [None] * 4


@forking
def test_a_hostile_input_costs_only_its_own_worker(monkeypatch) -> None:
    hostile_inputs(monkeypatch)
    # The other inputs are products, which are not simplified: no answer depends on time.
    texts = ["sin(x**2)", "hang", "(3*x**2 + 1)**4", "hog", "exp(cos(x))", "tan(5*x)**3"]
    start = time.monotonic()
    outcomes = many(texts, workers=2, fmt="json", timeout=1.5, memory_mb=400)
    assert time.monotonic() - start < 20
    hang, hog = outcomes[1].error, outcomes[3].error
    assert isinstance(hang, LimitError) and hang.option == "timeout"
    assert hang.message == "gave up after 1.5 s (the time budget)"
    assert isinstance(hog, LimitError) and hog.option == "memory" and "400 MB" in hog.message
    for text, outcome in zip(texts, outcomes, strict=True):
        if text not in ("hang", "hog"):
            assert outcome.output == in_process(text, fmt="json", timeout=30).output


@forking
def test_a_slow_simplification_in_the_pool_gives_the_exact_result(monkeypatch) -> None:
    def slow(derivation):
        time.sleep(30)

    monkeypatch.setattr(chainrule.api, "simplify_results", slow)
    (outcome, after) = many(["sin(x)/x", "cos(x)"], fmt="json", timeout=1)
    assert json.loads(outcome.output)["derivatives"][0]["result"] == "cos(x)/x - sin(x)/x**2"
    assert outcome.notes == [Note("simplify_timeout")]
    assert after.error is None and after.notes == [Note("simplify_timeout")]


def test_unreadable_items_are_answered_in_their_place_and_nothing_starts_for_none(
    monkeypatch,
) -> None:
    def no_fork() -> int:
        raise AssertionError("a process was started")

    monkeypatch.setattr(os, "fork", no_fork)
    assert list(run_many([])) == []
    bad = ParseError("the line is not valid UTF-8 (byte 1)")
    answers = list(run_many([("a", bad)], workers=2))
    assert answers == [("a", answers[0][1])] and answers[0][1].error is bad


@forking
def test_unreadable_items_keep_their_place_among_jobs() -> None:
    bad = ParseError("the line is not valid UTF-8 (byte 1)")
    items = [(1, Job("sin(x)")), (2, bad), (3, Job("cos(x)"))]
    answers = list(run_many(items, workers=2))
    assert [k for k, _ in answers] == [1, 2, 3]
    assert answers[1][1].error is bad
    assert "cos(x)" in answers[2][1].output and answers[0][1].error is None


@forking
def test_closing_early_stops_the_pool_and_its_busy_workers(monkeypatch, tmp_path) -> None:
    pids = tmp_path / "pids"

    def work(job: Job, send) -> None:
        if job.text == "busy":
            with pids.open("a") as out:
                out.write(f"{os.getpid()}\n")
            time.sleep(60)
        send({"output": job.text, "said": ()})

    monkeypatch.setattr(chainrule.runner.work, "work", work)
    release = threading.Event()
    threads = threading.active_count()

    def items():
        yield 0, Job("a", timeout=120)
        yield 1, Job("busy", timeout=120)
        release.wait(60)  # like stdin that stays open
        yield 2, Job("b")

    start = time.monotonic()
    with contextlib.closing(run_many(items(), workers=2)) as answers:
        assert next(answers)[1].output == "a"
        while not (pids.exists() and pids.read_text().endswith("\n")):
            time.sleep(0.01)
    assert time.monotonic() - start < 30  # neither the busy worker nor more input waited for
    (busy,) = map(int, pids.read_text().split())
    with pytest.raises(ProcessLookupError):
        os.kill(busy, 0)  # killed and reaped with the supervisor
    release.set()
    while threading.active_count() > threads:  # the feeder sees the pool is gone, and ends
        time.sleep(0.01)


@forking
def test_an_error_reading_the_items_reaches_the_caller() -> None:
    def items():
        yield 0, Job("sin(x)")
        raise OSError("stdin went away")

    with pytest.raises(OSError, match="stdin went away"):
        list(run_many(items(), workers=1))


@forking
def test_a_pool_that_dies_answers_every_input_with_an_internal_error(monkeypatch) -> None:
    def broken(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(chainrule.runner.pool._Supervisor, "run", broken)
    outcomes = many(["sin(x)", "cos(x)", "tan(x)"])
    assert all(isinstance(o.error, InternalError) for o in outcomes)
    assert outcomes[0].error.message == (
        "internal error: the worker pool stopped; please report this input"
    )


def test_debug_runs_many_in_this_process_and_lets_the_bug_through(monkeypatch) -> None:
    def broken(self):
        raise RuntimeError("boom")

    _patch_engine(monkeypatch, broken)
    with pytest.raises(RuntimeError, match="boom"):
        list(run_many([(0, Job("sin(x)"))], debug=True))


@forking
def test_a_worker_sets_its_budgets_for_each_job_from_what_it_used_so_far() -> None:
    import resource

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child, as a worker: never limit the test process itself
        try:
            chainrule.runner.work.limit_self(Job("x", timeout=5, memory_mb=700))
            first = resource.getrlimit(resource.RLIMIT_CPU)[0]
            deadline = time.process_time() + 1.2
            while time.process_time() < deadline:  # a job's worth of CPU time
                pass
            chainrule.runner.work.limit_self(Job("x", timeout=5, memory_mb=600))
            limits = [first, resource.getrlimit(resource.RLIMIT_CPU)[0]]
            limits += [resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_CORE)]
            limits.append(chainrule.runner.work._mapped_bytes())
            os.write(write, json.dumps(limits).encode())
        finally:
            os._exit(0)
    os.close(write)
    first, second, memory, core, mapped = json.loads(os.read(read, 1000))
    os.close(read)
    os.waitpid(pid, 0)
    assert 7 <= first <= 8 and second - first >= 1  # timeout + 2 s past the CPU already used
    # The budget is on top of what the worker maps already (the test process is large).
    assert 0 < memory - 600 * 1024 * 1024 <= mapped and core == 0


@forking
def test_a_worker_collects_garbage_less_often_and_the_caller_as_before() -> None:
    import gc

    before = gc.get_threshold()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child, as a worker
        try:
            chainrule.runner.work.limit_self(Job("x", timeout=5))
            os.write(write, json.dumps(gc.get_threshold()).encode())
        finally:
            os._exit(0)
    os.close(write)
    threshold = json.loads(os.read(read, 1000))
    os.close(read)
    os.waitpid(pid, 0)
    assert threshold[0] == chainrule.runner.work.GC_THRESHOLD > before[0]
    assert gc.get_threshold() == before  # only a worker's own collector is tuned


@forking
def test_a_worker_stopped_by_its_cpu_backstop_ran_out_of_time(monkeypatch) -> None:
    import signal

    monkeypatch.setattr(
        chainrule.runner.work, "work", lambda job, send: os.kill(os.getpid(), signal.SIGXCPU)
    )
    (outcome,) = many(["sin(x)"], timeout=3)
    assert isinstance(outcome.error, LimitError)
    assert (outcome.error.option, outcome.error.message) == (
        "timeout",
        "gave up after 3 s (the time budget)",
    )
