"""Whole-process start-up: `chainrule derive "sin(x**2)"` and `chainrule --help` vs bare imports.

Targets (issue #2): derive within 1.3x of `python -c "import sympy, rich, click"`;
--help within 2x of `python -c "import click"`.

    python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd: list[str], runs: int) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs (one warm-up run first)."""
    subprocess.run(cmd, capture_output=True, check=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    # A wheel install compiles bytecode at install time and sympy's is compiled already; an
    # editable checkout (or PYTHONDONTWRITEBYTECODE=1) would otherwise recompile chainrule
    # from source on every run, which is not what users start with.
    package = Path(__file__).resolve().parent.parent / "chainrule"
    compileall.compile_dir(str(package), quiet=1)
    exe = shutil.which("chainrule")
    chainrule = [exe] if exe else [sys.executable, "-m", "chainrule"]
    py = sys.executable
    rows = [
        (
            "derive sin(x**2)",
            chainrule + ["derive", "sin(x**2)"],
            [py, "-c", "import sympy, rich, click"],
            1.3,
        ),
        ("--help", chainrule + ["--help"], [py, "-c", "import click"], 2.0),
    ]
    print(f"{'command':<20} {'chainrule':>10} {'baseline':>10} {'ratio':>7} {'target':>7}")
    for label, cmd, baseline, target in rows:
        ours, base = timed(cmd, runs), timed(baseline, runs)
        ratio = ours / base
        verdict = "ok" if ratio <= target else "OVER"
        print(
            f"{label:<20} {ours * 1000:>8.0f}ms {base * 1000:>8.0f}ms {ratio:>6.2f}x "
            f"{target:>6.1f}x {verdict}"
        )


if __name__ == "__main__":
    main()
