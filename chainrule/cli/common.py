"""What every command shares: output formats, one input or many through the runner, errors
and notes on stderr, stdin and files read within the input limit.  No maths, no sympy."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from chainrule.errors import EXIT_OK, ChainruleError, LimitError, ParseError
from chainrule.read.notation import MAX_INPUT_CHARS  # no sympy: --help stays fast

if TYPE_CHECKING:
    from chainrule.runner import Job, Outcome


T = TypeVar("T")
FORMATS = ["text", "latex", "json", "markdown"]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _stacked(options: list[Decorator]) -> Decorator:
    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


# The options every command shares, declared once (as sqlite-utils groups its output flags).
format_options = _stacked(
    [
        click.option(
            "--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: text)."
        ),
        click.option("--latex", "as_latex", is_flag=True, help="Same as --format latex."),
        click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
        click.option("--markdown", "as_markdown", is_flag=True, help="Same as --format markdown."),
    ]
)
reading_options = _stacked(
    [
        click.option(
            "--from",
            "syntax",
            type=click.Choice(["auto", "math", "latex"]),
            default="auto",
            show_default=True,
            help="Input notation (auto: LaTeX when the text has a backslash).",
        ),
        click.option(
            "--func",
            "functions",
            multiple=True,
            metavar="NAME",
            help="Read NAME(...) as an abstract function, like f and g (repeatable).",
        ),
    ]
)


def budget_options(*, timeout: float, timeout_help: str, each: str, jobs_help: str) -> Decorator:
    """--timeout, --memory, --complex, --jobs and --debug, worded for the command.

    Args:
        timeout: the default time budget in seconds.
        timeout_help: its help text.
        each: what one budget is for ("input", "answer").
        jobs_help: the help text of --jobs.

    Returns:
        A decorator adding the options.
    """
    return _stacked(
        [
            click.option(
                "--timeout",
                type=click.FloatRange(min=0.1),
                default=timeout,
                show_default=True,
                metavar="SECONDS",
                help=timeout_help,
            ),
            click.option(
                "--memory",
                "memory_mb",
                type=click.IntRange(min=64),
                default=1024,
                show_default=True,
                metavar="MB",
                help=f"Memory budget per {each}.",
            ),
            click.option(
                "--complex",
                "complex_",
                is_flag=True,
                help="Treat variables as complex (default: real, so d|x|/dx = sign(x)).",
            ),
            click.option("--jobs", "jobs", type=click.IntRange(min=1), metavar="N", help=jobs_help),
            click.option("--debug", is_flag=True, help="Show tracebacks; run in this process."),
        ]
    )


# What to tell a command-line user when the library says which setting would help
# (``ChainruleError.option``, ``value``): the library never names a flag itself.
OPTION_HINTS = {
    "wrt": "choose with --wrt NAME or --wrt all",
    "of": "--of names the output of a program",
    "functions": "to multiply write {value}*(…); for an abstract function use --func {value}",
    "syntax": "for LaTeX input use --from latex",
    "timeout": "see --timeout",
    "memory": "see --memory",
    "budget": "see --memory and --timeout",
    "debug": "run again with --debug for the traceback",
    "at": "--at NAME=VALUE sets the point (repeatable, or comma-separated: --at x=1.5,W1=pi/4)",
    "shape": "--shape NAME=ROWSxCOLS declares a shape (W1=3x2, x=2, W1=n×m); or a line W1: 3x2",
}
NOTE_FLAGS = {"simplify_timeout": "--timeout", "product_call": "--func"}


def make_job(
    fmt: str | None,
    *,
    as_latex: bool,
    as_json: bool,
    as_markdown: bool,
    complex_: bool,
    debug: bool,
    **fields: Any,
) -> Job:
    """The job every command sends the runner: its one output format (the rich view on a
    colour terminal, at the terminal's width), the budgets and the command's own fields.

    Args:
        fmt: ``--format``, if given.
        as_latex: ``--latex``.
        as_json: ``--json``.
        as_markdown: ``--markdown``.
        complex_: ``--complex``.
        debug: ``--debug`` (run in this process).
        **fields: the rest of the ``runner.Job`` (wrt, of, timeout, answer, …).

    Returns:
        The job, its text still empty.

    Raises:
        click.UsageError: flags asking for different formats.
    """
    from chainrule.runner import Job

    fmt = output_format(fmt, latex=as_latex, json=as_json, markdown=as_markdown)
    rich = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return Job(
        text="",
        real=not complex_,
        fmt="rich" if rich else fmt,
        width=shutil.get_terminal_size().columns if rich else 100,
        isolate=not debug,
        **fields,
    )


def run_inputs(
    expression: str | None,
    file: IO[bytes] | None,
    job: Job,
    debug: bool,
    jobs: int | None,
    *,
    progress: bool,
) -> int:
    """EXPRESSION, ``--file``, or every line of stdin, through the runner.

    Args:
        expression: the argument ('-' or None: stdin).
        file: ``--file``.
        job: from ``make_job``.
        debug: ``--debug``.
        jobs: ``--jobs``.
        progress: show a progress bar over stdin lines when stderr is a terminal.

    Returns:
        The exit status.

    Raises:
        click.UsageError: both EXPRESSION and --file, or nothing to read.
    """
    if expression is not None and file is not None:
        raise click.UsageError("give EXPRESSION or --file, not both")
    if file is not None:
        text = read_file(file)
        if isinstance(text, ChainruleError):
            return failed("", text, job)
        return single(dataclasses.replace(job, text=text), debug)
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe expressions on stdin)")
    if expression is None or expression == "-":
        lines: Iterable[tuple[int, str | ChainruleError]] = stdin_lines()
        length = None
        if progress and sys.stderr.isatty():  # a progress bar: its length first
            lines = list(lines)
            length = len(lines)
        return batch(lines, job, debug, jobs or 0, length)
    return single(dataclasses.replace(job, text=expression), debug)


def output_format(fmt: str | None, **flags: bool) -> str:
    """The one format asked for; a usage error when flags ask for different ones."""
    asked = {name: f"--{name}" for name, given in flags.items() if given}
    if fmt is not None:
        asked.setdefault(fmt, f"--format {fmt}")
    if len(asked) > 1:
        given = " and ".join(asked.values())
        raise click.UsageError(f"{given} ask for different output formats: choose one")
    return next(iter(asked), "text")


def single(job: Job, debug: bool) -> int:
    from chainrule.runner import run

    outcome = run(job, debug=debug)
    if outcome.error is not None:
        return failed(job.text, outcome.error, job)
    emit(outcome.output, job)
    for note in stderr_notes(outcome):
        click.echo(f"note: {note}", err=True)
    return outcome.exit_code  # 0, or 1 for an answer judged wrong


def failed(source: str, err: ChainruleError, job: Job) -> int:
    """Report the error of the only input: on stderr, and as the JSON error object on stdout
    when the output is JSON (as a failed stdin line is)."""
    click.echo(error_text(err), err=True)
    if job.fmt == "json":
        click.echo(error_json(source, err))
    return err.exit_code


def batch(
    lines: Iterable[tuple[int, str | ChainruleError]],
    job: Job,
    debug: bool,
    workers: int,
    length: int | None,
) -> int:
    from chainrule.runner import run_many

    items = (
        ((number, text), dataclasses.replace(job, text=text))
        if isinstance(text, str)
        else ((number, ""), text)  # a line that could not be read
        for number, text in lines
    )
    status = EXIT_OK
    first = True
    with contextlib.closing(run_many(items, workers=workers, debug=debug)) as outcomes:
        answers = outcomes if length is None else with_progress(outcomes, length)
        for (number, source), outcome in answers:
            status = max(status, outcome.exit_code)  # 1 for a gradient check that failed
            if outcome.error is not None:
                click.echo(f"line {number}: {error_text(outcome.error)}", err=True)
                if job.fmt == "json":
                    click.echo(error_json(source, outcome.error))
                continue
            if not first and job.fmt != "json":
                click.echo("")
            first = False
            emit(outcome.output, job)
            for note in stderr_notes(outcome):
                click.echo(f"line {number}: note: {note}", err=True)
    return status


def emit(output: str, job: Job) -> None:
    if job.fmt == "rich":
        sys.stdout.write(output)
        sys.stdout.flush()
    else:
        click.echo(output.rstrip("\n"))


def flag_hint(err: ChainruleError) -> str | None:
    """The hint for a command-line user: the flag that helps, where the library named one."""
    hint = OPTION_HINTS.get(err.option or "")
    return hint.format(value=err.value) if hint is not None else err.hint


def error_text(err: ChainruleError) -> str:
    from chainrule.render.errors import format_error

    return format_error(err, hint=flag_hint(err))


def error_json(source: str, err: ChainruleError) -> str:
    import json

    from chainrule.render.errors import error_line

    return json.dumps(error_line(source, err, hint=flag_hint(err)), ensure_ascii=False)


def stderr_notes(outcome: Outcome) -> list[str]:
    """The notes the command line prints on stderr, worded, with the flag that would help."""
    return [
        s.text + (f" (see {NOTE_FLAGS[s.code]})" if s.code in NOTE_FLAGS else "")
        for s in outcome.said
        if s.stderr
    ]


def with_progress(outcomes: Iterator[T], length: int) -> Iterator[T]:
    """The same answers, drawing a progress bar on stderr (only when stderr is a terminal)."""
    with click.progressbar(outcomes, length=length, label="deriving", file=sys.stderr) as bar:
        yield from bar


def stdin_lines() -> Iterator[tuple[int, str | ChainruleError]]:
    """(line number, text) for each line worth deriving; instead of the text, the error for a
    line that is not UTF-8 or is longer than chainrule reads."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # no standard input at all
        return
    limit = max_bytes()
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest without keeping it
                raw = stream.readline(1 << 20)
            yield number, too_long()
            continue
        text = decode(raw.rstrip(b"\r\n"), "the line")
        if not isinstance(text, str):
            yield number, text
        elif text.strip() and not text.strip().startswith("#"):
            yield number, text


def read_file(stream: IO[bytes]) -> str | ChainruleError:
    """The file's text, or the error when it is too long or not UTF-8."""
    limit = max_bytes()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        return too_long()
    return decode(raw, "the file")


def max_bytes() -> int:
    return 4 * MAX_INPUT_CHARS  # UTF-8 spends at most four bytes on a character


def too_long() -> ChainruleError:
    return LimitError(f"input is longer than the limit of {MAX_INPUT_CHARS:,} characters")


def decode(raw: bytes, what: str) -> str | ChainruleError:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return ParseError(f"{what} is not valid UTF-8 (byte {err.start + 1})")
