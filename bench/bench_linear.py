"""Time against the length of the input: a sum of N terms sin(k·x), k = 1 … N (issue 9, item 5).

Each size is run through the whole command-line pipeline (``runner.run``: parse, derive,
cross-check, simplify, render JSON, in a forked worker with the default 5 s budget raised to
60 s so that a miss is measured rather than cut off), beside sympy in the same run: the sum
built with ``sympy.Add`` (``parse_expr`` cannot read 3,000 terms: its compiler recurses), then
``sympy.diff`` and ``str``.  Target: 3,000 terms (32 kB) well within 5 s, and each doubling of
the length at most ~2.2× the time.

    python bench/bench_linear.py [--sizes 750,1500,3000]
"""

from __future__ import annotations

import argparse
import time

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


def reference(n: int) -> float:
    """Seconds for sympy to build the sum, differentiate it and print the derivative."""
    x = sympy.Symbol("x")
    start = time.perf_counter()
    expr = sympy.Add(*(sympy.sin(k * x) for k in range(1, n + 1)))
    str(sympy.diff(expr, x))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="750,1500,3000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(f"{'terms':>6} {'bytes':>7} {'chainrule s':>12} {'sympy s':>8} {'ratio':>6} {'×prev':>6}")
    previous = None
    for n in sizes:
        mine, theirs = ours(n), reference(n)
        growth = f"{mine / previous:6.2f}" if previous else f"{'':>6}"
        print(f"{n:>6} {len(text(n)):>7} {mine:12.2f} {theirs:8.2f} {mine / theirs:6.1f} {growth}")
        previous = mine


if __name__ == "__main__":
    main()
