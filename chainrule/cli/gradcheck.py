"""``chainrule gradcheck``: each derivative against a central difference."""

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

GRADCHECK_EPILOG = """\b
Examples:
  chainrule gradcheck "sin(x^2)"
  chainrule gradcheck "a = W1*x + b1; h = σ(a); z = W2*h + b2; L = (z - y)^2/2"
  chainrule gradcheck "x*ln(x)" --at x=pi/4 --json
  chainrule gradcheck "h = tanh(w*x); L = h^2" --wrt w --points 10 --seed 7
  chainrule gradcheck "h = tanh(W @ x); L = sum(h^2)" --shape W=n×m --shape x=m --wrt W
  cat expressions.txt | chainrule gradcheck -

\b
Exit status: 0 every derivative agrees, 1 one does not (with stdin: on any line), 2 bad
input or usage (2 wins over 1), 70 internal error (please report it).
"""


@click.command(epilog=GRADCHECK_EPILOG)
@click.argument("expression", required=False)
@click.option("-f", "--file", "file", type=click.File("rb"),
              help="Read one expression or program from FILE ('-' for stdin).")  # fmt: skip
@click.option("--wrt", "wrt", multiple=True, metavar="VAR",
              help="Check the derivative by VAR (repeatable; default: all).")  # fmt: skip
@click.option("--of", "of", metavar="NAME", help="The output of a program (default: its last).")
@click.option("--at", "at", multiple=True, metavar="NAME=VALUE",
              help="Check at this point (repeatable, or 'x=1.5, W1=pi/4'; default: random "
              "points).")  # fmt: skip
@click.option(
    "--shape",
    "shapes",
    multiple=True,
    metavar="NAME=ROWSxCOLS",
    help="Declare a vector or matrix (repeatable): W1=3x2, x=2, W1=n×m; every "
    "gradient entry is then checked with numpy, at random sizes for named ones.",
)
@click.option("--points", type=click.IntRange(min=1, max=100), default=3, show_default=True,
              metavar="N", help="Random points, without --at.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, metavar="N",
              help="Seed of the random points (the same seed, the same points).")  # fmt: skip
@format_options
@reading_options
@budget_options(
    timeout=10.0,
    timeout_help="Time budget per input.",
    each="input",
    jobs_help="Stdin lines at once.",
)
def gradcheck(
    expression: str | None,
    file: IO[bytes] | None,
    wrt: tuple[str, ...],
    of: str | None,
    at: tuple[str, ...],
    shapes: tuple[str, ...],
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
        timeout=timeout,
        memory_mb=memory_mb,
        gradcheck=points,
        seed=seed,
    )
    sys.exit(run_inputs(expression, file, job, debug, jobs, progress=False))
