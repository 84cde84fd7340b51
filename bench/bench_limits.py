"""How fast hostile or oversized inputs are answered (issue #4: a clear error, or an exact
answer, within a second).  Each is run through the CLI's own path (forked worker included)
in this process, so the figure excludes Python's start-up.

    python bench/bench_limits.py
"""

from __future__ import annotations

import time

from click.testing import CliRunner

from chainrule.cli import main

CASES = {
    "10,000 nested parentheses": "(" * 10_000 + "x" + ")" * 10_000,
    "1 MB of input": "x+" * 500_000 + "x",
    "NUL byte": "sin(x)\x00",
    "5,000-digit literal": "1" * 5000 + "*x",
    "2**2**2**99": "2**2**2**99",
    "10**10**10": "10**10**10",
    "factorial(10**9)": "factorial(10**9)",
    "1e100000000000": "1e100000000000",
    "x/0": "x/0",
    "__import__('os')": "__import__('os').system('true')",
}


def main_() -> None:
    runner = CliRunner()
    runner.invoke(main, ["derive", "sin(x)"])  # warm up: imports and sympy's caches
    print(f"{'input':<28} {'exit':>4} {'seconds':>8}")
    for label, text in CASES.items():
        start = time.perf_counter()
        result = runner.invoke(main, ["derive", "--json", "--wrt", "x", "-"], input=text + "\n")
        seconds = time.perf_counter() - start
        print(f"{label:<28} {result.exit_code:>4} {seconds:>8.3f}")


if __name__ == "__main__":
    main_()
