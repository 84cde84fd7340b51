"""``chainrule check``: a learner's derivative judged, the mistake named; worksheets."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import click

from chainrule.cli.common import (
    budget_options,
    emit,
    error_json,
    error_text,
    format_options,
    make_job,
    reading_options,
    single,
    stdin_lines,
    with_progress,
)
from chainrule.errors import EXIT_OK, ChainruleError, ParseError

if TYPE_CHECKING:
    from chainrule.runner import Job


CHECK_EPILOG = """\b
Examples:
  chainrule check "sin(x^2)" --answer "cos(x^2)"
  chainrule check "x*sin(x)" --answer "sin(x) + x*cos(x)"
  chainrule check "a = W1*x + b1; L = a^2" --wrt W1 --answer "2*a*x" --json
  printf 'sin(x^2)\\t2x*cos(x^2)\\nx^3\\t3x^3\\n' | chainrule check -

\b
Exit status: 0 correct, 1 not correct (with a worksheet: any line), 2 bad input or usage
(with a worksheet: any line, and then 2 wins over 1), 70 internal error (please report it).
"""


@click.command(epilog=CHECK_EPILOG)
@click.argument("expression", required=False)
@click.option("--answer", "answer", metavar="ANSWER", help="The derivative to check.")
@click.option("--wrt", "wrt", metavar="VAR", help="The variable (default: the only one).")
@click.option("--of", "of", metavar="NAME", help="The output of a program (default: its last).")
@format_options
@reading_options
@budget_options(
    timeout=5.0,
    timeout_help="Time budget per answer.",
    each="answer",
    jobs_help="Worksheet lines at once.",
)
def check(
    expression: str | None,
    answer: str | None,
    wrt: str | None,
    of: str | None,
    fmt: str | None,
    as_latex: bool,
    as_json: bool,
    as_markdown: bool,
    syntax: str,
    functions: tuple[str, ...],
    timeout: float,
    memory_mb: int,
    complex_: bool,
    jobs: int | None,
    debug: bool,
) -> None:
    """Check ANSWER as the derivative of EXPRESSION, and name the mistake if it is wrong.

    Equivalent forms are correct (2 sin(x) cos(x) for sin(2x)/2's derivative): proved
    symbolically, or else compared at many points (the verdict says which).  A wrong answer
    gets the common mistake it makes (the inner derivative forgotten, a product-rule path left
    out, a sign, a constant factor, the outer derivative at the wrong point, the power rule's
    exponent not lowered) or a point where the two differ, then the correct derivation with
    the wrong factor marked.

    With EXPRESSION '-', or none while stdin is piped, stdin is a worksheet: one
    EXPRESSION<TAB>ANSWER per line, each graded in order, then a summary ('17/20 correct': on
    stdout after the text, on stderr with --json, whose output is JSON Lines).
    """
    job = make_job(
        fmt,
        as_latex=as_latex,
        as_json=as_json,
        as_markdown=as_markdown,
        complex_=complex_,
        debug=debug,
        wrt=(wrt,) if wrt else (),
        of=of,
        syntax=syntax,
        functions=functions,
        timeout=timeout,
        memory_mb=memory_mb,
        answer=answer,
    )
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe a worksheet on stdin)")
    if expression is None or expression == "-":
        if answer is not None:
            raise click.UsageError("a worksheet gives each answer after a TAB: drop --answer")
        sys.exit(_grade(stdin_lines(), job, debug, jobs or 0))
    if answer is None:
        raise click.UsageError('give the derivative to check: --answer "…"')
    sys.exit(single(dataclasses.replace(job, text=expression), debug))


def _grade(
    lines: Iterable[tuple[int, str | ChainruleError]], job: Job, debug: bool, workers: int
) -> int:
    """Grade worksheet lines in order; print each verdict, then the summary."""
    from chainrule.runner import run_many

    def items() -> Iterator[tuple[tuple[int, str], Job | ChainruleError]]:
        for number, line in lines:
            if not isinstance(line, str):
                yield (number, ""), line
                continue
            text, tab, answer = line.partition("\t")
            if not tab or not text.strip() or not answer.strip():
                yield (number, line), ParseError(
                    "a worksheet line is EXPRESSION<TAB>ANSWER", source=line,
                    hint="separate the expression and the answer with a TAB",
                )  # fmt: skip
                continue
            yield (number, text), dataclasses.replace(job, text=text.strip(), answer=answer.strip())

    status, right, total, first = EXIT_OK, 0, 0, True
    if sys.stderr.isatty():  # a progress bar: its length first
        lines = list(lines)
    with contextlib.closing(run_many(items(), workers=workers, debug=debug)) as outcomes:
        graded = outcomes if not isinstance(lines, list) else with_progress(outcomes, len(lines))
        for (number, source), outcome in graded:
            total += 1
            status = max(status, outcome.exit_code)
            if outcome.error is not None:
                click.echo(f"line {number}: {error_text(outcome.error)}", err=True)
                if job.fmt == "json":
                    click.echo(error_json(source, outcome.error))
                continue
            right += outcome.exit_code == EXIT_OK
            if not first and job.fmt != "json":
                click.echo("")
            first = False
            emit(outcome.output, job)
    if total:
        summary = f"{right}/{total} correct"
        if job.fmt != "json":
            click.echo("")
        click.echo(summary, err=job.fmt == "json")
    return status
