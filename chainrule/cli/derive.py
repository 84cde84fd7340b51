"""``chainrule derive``: the chain rule applied, step by step."""

from __future__ import annotations

import sys
from typing import IO

import click

from chainrule.cli.common import (
    budget_options,
    format_options,
    make_job,
    reading_options,
    run_inputs,
)
from chainrule.read.notation import NOTATION_HELP  # no sympy: --help stays fast

DERIVE_EPILOG = (
    """\b
Examples:
  chainrule derive "sin(x²)"
  chainrule derive "x*sin(x)" --latex
  chainrule derive "a = W1*x + b1; h = σ(a); z = W2*h + b2; L = (z - y)^2/2" --wrt W1
  chainrule derive "h = sigmoid(w*x); L = (h - y)^2" --wrt w --at w=0.5,x=2,y=1
  chainrule derive -f net.chain --wrt all --json
  chainrule derive "a = W1*x + b1; L = sum(a^2)" --shape W1=n×m --shape x=m --shape b1=n --wrt W1
  cat expressions.txt | chainrule derive --json - | jq .derivatives[0].result
  chainrule derive "\\frac{1}{1+e^{-x}}" --markdown

\b
Exit status: 0 success, 2 bad input or usage, 70 internal error (please report it).

\b
"""
    + NOTATION_HELP
)


@click.command(epilog=DERIVE_EPILOG)
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
    "--shape",
    "shapes",
    multiple=True,
    metavar="NAME=ROWSxCOLS",
    help="Declare a vector or matrix (repeatable): W1=3x2, x=2 (a column vector), W1=n×m "
    "(named sizes). Any shape, or a program line 'W1: 3x2', or a list in --at, derives with "
    "shapes: backprop in order, each step with its shape.",
)
@format_options
@click.option("--standalone", is_flag=True, help="With --latex: a complete document for pdflatex.")
@reading_options
@budget_options(
    timeout=5.0,
    timeout_help="Time budget per input. If simplifying the result runs past it, the exact "
    "unsimplified result is printed with a note.",
    each="input",
    jobs_help="Inputs from stdin derived at once, each in its own worker (default: the number "
    "of CPUs). The output stays in input order.",
)
def derive(
    expression: str | None,
    file: IO[bytes] | None,
    wrt: tuple[str, ...],
    of: str | None,
    at: tuple[str, ...],
    shapes: tuple[str, ...],
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
    job = make_job(
        fmt,
        as_latex=as_latex,
        as_json=as_json,
        as_markdown=as_markdown,
        complex_=complex_,
        debug=debug,
        wrt=wrt,
        of=of,
        syntax=syntax,
        functions=functions,
        at=at,
        shapes=shapes,
        standalone=standalone,
        timeout=timeout,
        memory_mb=memory_mb,
    )
    if standalone and job.fmt != "latex":
        raise click.UsageError("--standalone makes a LaTeX document: use it with --latex")
    sys.exit(run_inputs(expression, file, job, debug, jobs, progress=True))
