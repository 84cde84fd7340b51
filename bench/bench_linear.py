"""Time against the length of the input: a sum of N terms sin(k·x), k = 1 … N (issue 9, item 5).

Each size is run through the whole pipeline (``runner.run``: parse, derive, cross-check,
simplify, render JSON, in a forked worker with the default 5 s budget raised to 60 s so that a
miss is measured rather than cut off), beside sympy in the same run: the sum built with
``sympy.Add`` (``parse_expr`` cannot read 3,000 terms: its compiler recurses), then
``sympy.diff`` and ``str``.  The last column is the command a user types,
``chainrule derive --json -`` with the sum on stdin: Python's start and the imports included;
a last table times that command in every format at the largest size (the terminal's view of a
sum this long is the text layout, with a note).
Target: 3,000 terms (32 kB) well within 5 s, and each doubling of the length at most ~2.2× the
time.  Each figure is the best of ``--repeat`` runs, each from an empty sympy cache: the
machine is shared, and a slow run measures the neighbours.

    python bench/bench_linear.py [--sizes 750,1500,3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import time
from collections.abc import Callable

import sympy

from chainrule.runner import Job, run


def text(n: int) -> str:
    """The input: ``sin(1*x) + sin(2*x) + … + sin(n*x)``."""
    return " + ".join(f"sin({k}*x)" for k in range(1, n + 1))


def ours(n: int) -> float:
    """Seconds for the whole pipeline on ``n`` terms, to JSON."""
    start = time.perf_counter()
    outcome = run(Job(text(n), fmt="json", timeout=60))
    assert outcome.exit_code == 0, outcome.error
    return time.perf_counter() - start


def command(n: int, fmt: str = "json") -> float:
    """Seconds for ``chainrule derive --format FMT -`` on ``n`` terms, from the shell's side."""
    program = shutil.which("chainrule")
    assert program, "chainrule is not installed: pip install -e ."
    start = time.perf_counter()
    subprocess.run(
        [program, "derive", "--format", fmt, "-"],
        input=text(n) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start


def reference(n: int) -> float:
    """Seconds for sympy to build the sum, differentiate it and print the derivative."""
    x = sympy.Symbol("x")
    start = time.perf_counter()
    expr = sympy.Add(*(sympy.sin(k * x) for k in range(1, n + 1)))
    str(sympy.diff(expr, x))
    return time.perf_counter() - start


def best(measure: Callable[[int], float], n: int, repeat: int) -> float:
    """The fastest of ``repeat`` runs, each from an empty sympy cache: a repeat would
    otherwise find the last run's expressions already built."""
    times = []
    for _ in range(repeat):
        sympy.core.cache.clear_cache()
        times.append(measure(n))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="750,1500,3000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'terms':>6} {'bytes':>7} {'chainrule s':>12} {'sympy s':>8} {'ratio':>6} "
        f"{'×prev':>6} {'command s':>10}"
    )
    previous = None
    for n in sizes:
        mine, theirs = best(ours, n, args.repeat), best(reference, n, args.repeat)
        typed = best(command, n, args.repeat)
        growth = f"{mine / previous:6.2f}" if previous else f"{'':>6}"
        print(
            f"{n:>6} {len(text(n)):>7} {mine:12.2f} {theirs:8.2f} {mine / theirs:6.2f} "
            f"{growth} {typed:10.2f}"
        )
        previous = mine
    largest = sizes[-1]
    print(f"\nchainrule derive --format FMT - on {largest} terms (default 5 s budget), seconds:")
    for fmt in ("json", "text", "markdown", "latex"):
        seconds = best(functools.partial(command, fmt=fmt), largest, args.repeat)
        print(f"  {fmt:>8} {seconds:6.2f}")


if __name__ == "__main__":
    main()
