"""The ``chainrule`` command: arguments, stdin, formats and exit codes.  No maths here.

Only click is imported at module level, so ``chainrule --help`` stays fast and never loads
sympy; the library is imported inside the command that needs it.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import click

from chainrule import __version__
from chainrule.lexer import NOTATION_HELP  # the lexer imports no sympy: --help stays fast

EXIT_OK, EXIT_NEGATIVE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70

DERIVE_EPILOG = (
    """\b
Examples:
  chainrule derive "sin(x²)"
  chainrule derive "x*sin(x)" --latex
  chainrule derive "a = W1*x + b1; h = σ(a); z = W2*h + b2; L = (z - y)^2/2" --wrt W1
  chainrule derive -f net.chain --wrt all --json
  cat expressions.txt | chainrule derive --json - | jq .derivatives[0].result
  chainrule derive "\\frac{1}{1+e^{-x}}" --markdown

\b
Exit status: 0 success, 2 bad input or usage, 70 internal error (please report it).

\b
"""
    + NOTATION_HELP
)


@dataclass(frozen=True)
class Options:
    """Everything ``derive`` needs besides the input text; picklable for the worker process."""

    wrt: tuple[str, ...] = ()
    of: str | None = None
    fmt: str = "text"
    standalone: bool = False
    syntax: str = "auto"
    functions: tuple[str, ...] = ()
    rich: bool = False
    width: int = 100
    timeout: float = 5.0
    memory_mb: int = 1024
    isolate: bool = True
    real: bool = True


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
    "--format",
    "fmt",
    type=click.Choice(["text", "latex", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--latex", "fmt", flag_value="latex", help="Same as --format latex.")
@click.option("--json", "fmt", flag_value="json", help="Same as --format json.")
@click.option("--markdown", "fmt", flag_value="markdown", help="Same as --format markdown.")
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
@click.option("--debug", is_flag=True, help="Show tracebacks; run in this process.")
def derive(
    expression: str | None,
    file: IO[bytes] | None,
    wrt: tuple[str, ...],
    of: str | None,
    fmt: str,
    standalone: bool,
    syntax: str,
    functions: tuple[str, ...],
    timeout: float,
    memory_mb: int,
    complex_: bool,
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
    stdout = click.get_text_stream("stdout")
    rich = fmt == "text" and stdout.isatty() and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size().columns if rich else 100
    options = Options(
        wrt=wrt,
        of=of,
        fmt=fmt,
        standalone=standalone,
        syntax=syntax,
        functions=functions,
        rich=rich,
        width=width,
        timeout=timeout,
        memory_mb=memory_mb,
        isolate=not debug,
        real=not complex_,
    )
    if expression is not None and file is not None:
        raise click.UsageError("give EXPRESSION or --file, not both")
    if file is not None:
        text = _read_file(file)
        if not isinstance(text, str):
            click.echo(text.error_text, err=True)
            sys.exit(text.exit_code)
        sys.exit(_single(text, options, debug))
    if expression is None and sys.stdin is not None and sys.stdin.isatty():
        raise click.UsageError("missing EXPRESSION (or pipe expressions on stdin)")
    if expression is None or expression == "-":
        lines: Iterator[tuple[int, Any]] = _stdin_lines()
        if sys.stderr.isatty():
            lines = _with_progress(list(lines))
        sys.exit(_batch(lines, options, debug))
    sys.exit(_single(expression, options, debug))


def _single(text: str, options: Options, debug: bool) -> int:
    from chainrule.runner import run

    outcome = run(text, options, debug=debug)
    if outcome.error is not None:
        click.echo(outcome.error_text, err=True)
        return outcome.exit_code
    _emit(outcome.output, options)
    for note in outcome.warnings:
        click.echo(f"note: {note}", err=True)
    return EXIT_OK


def _batch(lines: Iterator[tuple[int, Any]], options: Options, debug: bool) -> int:
    from chainrule.runner import run

    status = EXIT_OK
    first = True
    for number, text in lines:
        if isinstance(text, str):
            outcome = run(text, options, debug=debug)
            source = text
        else:  # a line that could not be read: text is its failed Outcome
            outcome, source = text, ""
        if outcome.error is not None:
            status = max(status, outcome.exit_code)
            click.echo(f"line {number}: {outcome.error_text}", err=True)
            if options.fmt == "json":
                click.echo(outcome.error_json(source))
            continue
        if not first and options.fmt != "json":
            click.echo("")
        first = False
        _emit(outcome.output, options)
        for note in outcome.warnings:
            click.echo(f"line {number}: note: {note}", err=True)
    return status


def _emit(output: str, options: Options) -> None:
    if options.rich:
        sys.stdout.write(output)
        sys.stdout.flush()
    else:
        click.echo(output.rstrip("\n"))


def _with_progress(lines: list[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """The same lines, drawing a progress bar on stderr (only used when stderr is a terminal)."""
    with click.progressbar(lines, label="deriving", file=sys.stderr) as bar:
        yield from bar


def _stdin_lines() -> Iterator[tuple[int, Any]]:
    """(line number, text) for each line worth deriving; instead of the text, a failed
    Outcome for a line that is not UTF-8 or is longer than chainrule reads."""
    stream = click.get_binary_stream("stdin")
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


def _read_file(stream: IO[bytes]) -> Any:
    """The file's text, or a failed Outcome when it is too long or not UTF-8."""
    limit = _max_bytes()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        return _too_long()
    return _decode(raw, "the file")


def _max_bytes() -> int:
    from chainrule.parser import MAX_INPUT_CHARS

    return 4 * MAX_INPUT_CHARS  # UTF-8 spends at most four bytes on a character


def _too_long() -> Any:
    from chainrule.errors import LimitError
    from chainrule.parser import MAX_INPUT_CHARS
    from chainrule.runner import Outcome

    return Outcome.failed(
        LimitError(f"input is longer than the limit of {MAX_INPUT_CHARS:,} characters")
    )


def _decode(raw: bytes, what: str) -> Any:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        from chainrule.errors import ParseError
        from chainrule.runner import Outcome

        return Outcome.failed(ParseError(f"{what} is not valid UTF-8 (byte {err.start + 1})"))


if __name__ == "__main__":  # pragma: no cover
    main()
