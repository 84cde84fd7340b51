"""The ``chainrule`` command: arguments, stdin, formats and exit codes.  No maths here.

Only click and chainrule's sympy-free modules (errors, the notation summary) are imported at
module level, so ``chainrule --help`` stays fast and never loads sympy; the runner is imported
inside the command, and it loads the library in its forked worker only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, TypeVar

import click

from chainrule import __version__
from chainrule.errors import EXIT_OK, ChainruleError, LimitError, ParseError
from chainrule.read.notation import MAX_INPUT_CHARS, NOTATION_HELP  # no sympy: --help stays fast

if TYPE_CHECKING:
    from chainrule.runner import Job, Outcome

T = TypeVar("T")
FORMATS = ["text", "latex", "json", "markdown"]

DERIVE_EPILOG = (
    """\b
Examples:
  chainrule derive "sin(x²)"
  chainrule derive "x*sin(x)" --latex
  chainrule derive "a = W1*x + b1; h = σ(a); z = W2*h + b2; L = (z - y)^2/2" --wrt W1
  chainrule derive "h = sigmoid(w*x); L = (h - y)^2" --wrt w --at w=0.5,x=2,y=1
  chainrule derive -f net.chain --wrt all --json
  cat expressions.txt | chainrule derive --json - | jq .derivatives[0].result
  chainrule derive "\\frac{1}{1+e^{-x}}" --markdown

\b
Exit status: 0 success, 2 bad input or usage, 70 internal error (please report it).

\b
"""
    + NOTATION_HELP
)


# What to tell a command-line user when the library says which setting would help
# (``ChainruleError.option``, ``value``): the library never names a flag itself.
_OPTION_HINTS = {
    "wrt": "choose with --wrt NAME or --wrt all",
    "of": "--of names the output of a program",
    "functions": "to multiply write {value}*(…); for an abstract function use --func {value}",
    "syntax": "for LaTeX input use --from latex",
    "timeout": "see --timeout",
    "memory": "see --memory",
    "budget": "see --memory and --timeout",
    "debug": "run again with --debug for the traceback",
    "at": "--at NAME=VALUE sets the point (repeatable, or comma-separated: --at x=1.5,W1=pi/4)",
}
_NOTE_FLAGS = {"simplify_timeout": "--timeout", "product_call": "--func"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chainrule")
def main() -> None:
    """chainrule: see the chain rule at work, factor by factor."""


@main.command(epilog=DERIVE_EPILOG)
@click.argument("expression", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.File("rb"),
    help="Read one expression or program from FILE ('-' for stdin).",
)
@click.option(
    "--wrt",
    "wrt",
    multiple=True,
    metavar="VAR",
    help="Differentiate with respect to VAR (repeatable; 'all' for every variable).",
)
@click.option(
    "--of", "of", metavar="NAME", help="The output of a program (default: its last line)."
)
@click.option(
    "--at",
    "at",
    multiple=True,
    metavar="NAME=VALUE",
    help="Also show every value at this point: forward values, local factors, upstream "
    "gradients, and vanishing or exploding gradients (repeatable; 'x=1.5, W1=pi/4' gives "
    "several; with stdin, the point of every line).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: text).",
)
@click.option("--latex", "as_latex", is_flag=True, help="Same as --format latex.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Same as --format markdown.")
@click.option("--standalone", is_flag=True, help="With --latex: a complete document for pdflatex.")
@click.option(
    "--from",
    "syntax",
    type=click.Choice(["auto", "math", "latex"]),
    default="auto",
    show_default=True,
    help="Input notation (auto: LaTeX when the text has a backslash).",
)
@click.option(
    "--func",
    "functions",
    multiple=True,
    metavar="NAME",
    help="Read NAME(...) as an abstract function, like f and g (repeatable).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="Time budget per input. If simplifying the result runs past it, the exact "
    "unsimplified result is printed with a note.",
)
@click.option(
    "--memory",
    "memory_mb",
    type=click.IntRange(min=64),
    default=1024,
    show_default=True,
    metavar="MB",
    help="Memory budget per input.",
)
@click.option(
    "--complex",
    "complex_",
    is_flag=True,
    help="Treat variables as complex (default: real, so d|x|/dx = sign(x)).",
)
@click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Inputs from stdin derived at once, each in its own worker (default: the number of "
    "CPUs). The output stays in input order.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks; run in this process.")
def derive(
    expression: str | None,
    file: IO[bytes] | None,
    wrt: tuple[str, ...],
    of: str | None,
    at: tuple[str, ...],
    fmt: str | None,
    as_latex: bool,
    as_json: bool,
    as_markdown: bool,
    standalone: bool,
    syntax: str,
    functions: tuple[str, ...],
    timeout: float,
    memory_mb: int,
    complex_: bool,
    jobs: int | None,
    debug: bool,
) -> None:
    """Show the chain rule applied to EXPRESSION, step by step.

    EXPRESSION is a formula (sin(x^2), x²·e^x, \\frac{1}{1+e^{-x}}) or a program of
    assignments separated by ';' or newlines (a = W1*x + b1; h = σ(a); L = h^2). With
    EXPRESSION '-', or none while stdin is piped, every line of stdin is derived on its own
    (blank lines and # comments skipped); with --json the output is then JSON Lines.

    log is the natural logarithm (ln); log(x, b) and log_2(x) take a base. f and g, and
    names given with --func, are functions when followed by '('.
    """
    from chainrule.runner import Job

    fmt = _output_format(fmt, latex=as_latex, json=as_json, markdown=as_markdown)
    if standalone and fmt != "latex":
        raise click.UsageError("--standalone makes a LaTeX document: use it with --latex")
    rich = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    job = Job(
        text="",
        wrt=wrt,
        of=of,
        syntax=syntax,
        functions=functions,
        real=not complex_,
        at=at,
        fmt="rich" if rich else fmt,
        standalone=standalone,
        width=shutil.get_terminal_size().columns if rich else 100,
        timeout=timeout,
        memory_mb=memory_mb,
        isolate=not debug,
    )
    if expression is not None and file is not None:
        raise click.UsageError("give EXPRESSION or --file, not both")
    if file is not None:
        text = _read_file(file)
        if isinstance(text, ChainruleError):
            sys.exit(_failed("", text, job))
        sys.exit(_single(dataclasses.replace(job, text=text), debug))
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe expressions on stdin)")
    if expression is None or expression == "-":
        lines: Iterable[tuple[int, str | ChainruleError]] = _stdin_lines()
        length = None
        if sys.stderr.isatty():  # a progress bar: its length first
            lines = list(lines)
            length = len(lines)
        sys.exit(_batch(lines, job, debug, jobs or 0, length))
    sys.exit(_single(dataclasses.replace(job, text=expression), debug))


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


@main.command(epilog=CHECK_EPILOG)
@click.argument("expression", required=False)
@click.option("--answer", "answer", metavar="ANSWER", help="The derivative to check.")
@click.option("--wrt", "wrt", metavar="VAR", help="The variable (default: the only one).")
@click.option("--of", "of", metavar="NAME", help="The output of a program (default: its last).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: text).")
@click.option("--latex", "as_latex", is_flag=True, help="Same as --format latex.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Same as --format markdown.")
@click.option("--from", "syntax", type=click.Choice(["auto", "math", "latex"]), default="auto",
              show_default=True, help="Notation of the expression and the answer.")  # fmt: skip
@click.option("--func", "functions", multiple=True, metavar="NAME",
              help="Read NAME(...) as an abstract function (repeatable).")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              metavar="SECONDS", help="Time budget per answer.")  # fmt: skip
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=1024,
              show_default=True, metavar="MB", help="Memory budget per answer.")  # fmt: skip
@click.option("--complex", "complex_", is_flag=True, help="Treat variables as complex.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="Worksheet lines at once.")
@click.option("--debug", is_flag=True, help="Show tracebacks; run in this process.")
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
    from chainrule.runner import Job

    fmt = _output_format(fmt, latex=as_latex, json=as_json, markdown=as_markdown)
    rich = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    job = Job(
        text="",
        wrt=(wrt,) if wrt else (),
        of=of,
        syntax=syntax,
        functions=functions,
        real=not complex_,
        fmt="rich" if rich else fmt,
        width=shutil.get_terminal_size().columns if rich else 100,
        timeout=timeout,
        memory_mb=memory_mb,
        isolate=not debug,
        answer=answer,
    )
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe a worksheet on stdin)")
    if expression is None or expression == "-":
        if answer is not None:
            raise click.UsageError("a worksheet gives each answer after a TAB: drop --answer")
        sys.exit(_grade(_stdin_lines(), job, debug, jobs or 0))
    if answer is None:
        raise click.UsageError('give the derivative to check: --answer "…"')
    sys.exit(_single(dataclasses.replace(job, text=expression), debug))


GRADCHECK_EPILOG = """\b
Examples:
  chainrule gradcheck "sin(x^2)"
  chainrule gradcheck "a = W1*x + b1; h = σ(a); z = W2*h + b2; L = (z - y)^2/2"
  chainrule gradcheck "x*ln(x)" --at x=pi/4 --json
  chainrule gradcheck "h = tanh(w*x); L = h^2" --wrt w --points 10 --seed 7
  cat expressions.txt | chainrule gradcheck -

\b
Exit status: 0 every derivative agrees, 1 one does not (with stdin: on any line), 2 bad
input or usage (2 wins over 1), 70 internal error (please report it).
"""


@main.command(epilog=GRADCHECK_EPILOG)
@click.argument("expression", required=False)
@click.option("-f", "--file", "file", type=click.File("rb"),
              help="Read one expression or program from FILE ('-' for stdin).")  # fmt: skip
@click.option("--wrt", "wrt", multiple=True, metavar="VAR",
              help="Check the derivative by VAR (repeatable; default: all).")  # fmt: skip
@click.option("--of", "of", metavar="NAME", help="The output of a program (default: its last).")
@click.option("--at", "at", multiple=True, metavar="NAME=VALUE",
              help="Check at this point (repeatable, or 'x=1.5, W1=pi/4'; default: random "
              "points).")  # fmt: skip
@click.option("--points", type=click.IntRange(min=1, max=100), default=3, show_default=True,
              metavar="N", help="Random points, without --at.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, metavar="N",
              help="Seed of the random points (the same seed, the same points).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: text).")
@click.option("--latex", "as_latex", is_flag=True, help="Same as --format latex.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Same as --format markdown.")
@click.option("--from", "syntax", type=click.Choice(["auto", "math", "latex"]), default="auto",
              show_default=True, help="Input notation.")  # fmt: skip
@click.option("--func", "functions", multiple=True, metavar="NAME",
              help="Read NAME(...) as an abstract function (repeatable).")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              metavar="SECONDS", help="Time budget per input.")  # fmt: skip
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=1024,
              show_default=True, metavar="MB", help="Memory budget per input.")  # fmt: skip
@click.option("--complex", "complex_", is_flag=True, help="Treat variables as complex.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="Stdin lines at once.")
@click.option("--debug", is_flag=True, help="Show tracebacks; run in this process.")
def gradcheck(
    expression: str | None,
    file: IO[bytes] | None,
    wrt: tuple[str, ...],
    of: str | None,
    at: tuple[str, ...],
    points: int,
    seed: int,
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
    """Compare each derivative of EXPRESSION with a central finite difference.

    Each derivative, as the chain rule computes it (its reverse pass, and its result), is
    compared with the central difference of the forward pass in 50-digit arithmetic, at the
    point --at or at --points random points (seeded: the same every run; a point where the
    function or a derivative has no value is passed over).  The relative error is printed per
    variable and point; they agree when it is at most 10^-10.  A difference that does not
    settle (a fast oscillation) is refined, and never counted as a disagreement.

    With EXPRESSION '-', or none while stdin is piped, every line of stdin is checked on its
    own; with --json the output is then JSON Lines.
    """
    from chainrule.runner import Job

    fmt = _output_format(fmt, latex=as_latex, json=as_json, markdown=as_markdown)
    rich = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    job = Job(
        text="",
        wrt=wrt,
        of=of,
        syntax=syntax,
        functions=functions,
        real=not complex_,
        at=at,
        fmt="rich" if rich else fmt,
        width=shutil.get_terminal_size().columns if rich else 100,
        timeout=timeout,
        memory_mb=memory_mb,
        isolate=not debug,
        gradcheck=points,
        seed=seed,
    )
    if expression is not None and file is not None:
        raise click.UsageError("give EXPRESSION or --file, not both")
    if file is not None:
        text = _read_file(file)
        if isinstance(text, ChainruleError):
            sys.exit(_failed("", text, job))
        sys.exit(_single(dataclasses.replace(job, text=text), debug))
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe expressions on stdin)")
    if expression is None or expression == "-":
        sys.exit(_batch(_stdin_lines(), job, debug, jobs or 0, None))
    sys.exit(_single(dataclasses.replace(job, text=expression), debug))


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
        graded = outcomes if not isinstance(lines, list) else _with_progress(outcomes, len(lines))
        for (number, source), outcome in graded:
            total += 1
            status = max(status, outcome.exit_code)
            if outcome.error is not None:
                click.echo(f"line {number}: {_error_text(outcome.error)}", err=True)
                if job.fmt == "json":
                    click.echo(_error_json(source, outcome.error))
                continue
            right += outcome.exit_code == EXIT_OK
            if not first and job.fmt != "json":
                click.echo("")
            first = False
            _emit(outcome.output, job)
    if total:
        summary = f"{right}/{total} correct"
        if job.fmt != "json":
            click.echo("")
        click.echo(summary, err=job.fmt == "json")
    return status


def _output_format(fmt: str | None, **flags: bool) -> str:
    """The one format asked for; a usage error when flags ask for different ones."""
    asked = {name: f"--{name}" for name, given in flags.items() if given}
    if fmt is not None:
        asked.setdefault(fmt, f"--format {fmt}")
    if len(asked) > 1:
        given = " and ".join(asked.values())
        raise click.UsageError(f"{given} ask for different output formats: choose one")
    return next(iter(asked), "text")


def _single(job: Job, debug: bool) -> int:
    from chainrule.runner import run

    outcome = run(job, debug=debug)
    if outcome.error is not None:
        return _failed(job.text, outcome.error, job)
    _emit(outcome.output, job)
    for note in _stderr_notes(outcome):
        click.echo(f"note: {note}", err=True)
    return outcome.exit_code  # 0, or 1 for an answer judged wrong


def _failed(source: str, err: ChainruleError, job: Job) -> int:
    """Report the error of the only input: on stderr, and as the JSON error object on stdout
    when the output is JSON (as a failed stdin line is)."""
    click.echo(_error_text(err), err=True)
    if job.fmt == "json":
        click.echo(_error_json(source, err))
    return err.exit_code


def _batch(
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
        answers = outcomes if length is None else _with_progress(outcomes, length)
        for (number, source), outcome in answers:
            status = max(status, outcome.exit_code)  # 1 for a gradient check that failed
            if outcome.error is not None:
                click.echo(f"line {number}: {_error_text(outcome.error)}", err=True)
                if job.fmt == "json":
                    click.echo(_error_json(source, outcome.error))
                continue
            if not first and job.fmt != "json":
                click.echo("")
            first = False
            _emit(outcome.output, job)
            for note in _stderr_notes(outcome):
                click.echo(f"line {number}: note: {note}", err=True)
    return status


def _emit(output: str, job: Job) -> None:
    if job.fmt == "rich":
        sys.stdout.write(output)
        sys.stdout.flush()
    else:
        click.echo(output.rstrip("\n"))


def _hint(err: ChainruleError) -> str | None:
    """The hint for a command-line user: the flag that helps, where the library named one."""
    hint = _OPTION_HINTS.get(err.option or "")
    return hint.format(value=err.value) if hint is not None else err.hint


def _error_text(err: ChainruleError) -> str:
    from chainrule.render.errors import format_error

    return format_error(err, hint=_hint(err))


def _error_json(source: str, err: ChainruleError) -> str:
    import json

    from chainrule.render.errors import error_line

    return json.dumps(error_line(source, err, hint=_hint(err)), ensure_ascii=False)


def _stderr_notes(outcome: Outcome) -> list[str]:
    """The notes the command line prints on stderr, worded, with the flag that would help."""
    return [
        s.text + (f" (see {_NOTE_FLAGS[s.code]})" if s.code in _NOTE_FLAGS else "")
        for s in outcome.said
        if s.stderr
    ]


def _with_progress(outcomes: Iterator[T], length: int) -> Iterator[T]:
    """The same answers, drawing a progress bar on stderr (only when stderr is a terminal)."""
    with click.progressbar(outcomes, length=length, label="deriving", file=sys.stderr) as bar:
        yield from bar


def _stdin_lines() -> Iterator[tuple[int, str | ChainruleError]]:
    """(line number, text) for each line worth deriving; instead of the text, the error for a
    line that is not UTF-8 or is longer than chainrule reads."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # no standard input at all
        return
    limit = _max_bytes()
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest without keeping it
                raw = stream.readline(1 << 20)
            yield number, _too_long()
            continue
        text = _decode(raw.rstrip(b"\r\n"), "the line")
        if not isinstance(text, str):
            yield number, text
        elif text.strip() and not text.strip().startswith("#"):
            yield number, text


def _read_file(stream: IO[bytes]) -> str | ChainruleError:
    """The file's text, or the error when it is too long or not UTF-8."""
    limit = _max_bytes()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        return _too_long()
    return _decode(raw, "the file")


def _max_bytes() -> int:
    return 4 * MAX_INPUT_CHARS  # UTF-8 spends at most four bytes on a character


def _too_long() -> ChainruleError:
    return LimitError(f"input is longer than the limit of {MAX_INPUT_CHARS:,} characters")


def _decode(raw: bytes, what: str) -> str | ChainruleError:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return ParseError(f"{what} is not valid UTF-8 (byte {err.start + 1})")


if __name__ == "__main__":  # pragma: no cover
    main()
