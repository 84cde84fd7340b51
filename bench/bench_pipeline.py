"""Throughput of a pipeline: distinct textbook lines through `chainrule derive --json -`.

The lines are the published exercises of tests/data/textbook_chain_rule.tsv that have one
variable, and the textbook-style lines below, each distinct from every other in sympy's
canonical form (sympy's cache would flatter repeated lines).  In the same run, each in a fresh
process, the reference is a one-process loop of ``sympy.parse_expr`` + ``sympy.diff`` + ``str``
over the same lines (the corpus's own sympy transcription: trusted data), and that loop with
``sympy.simplify`` added.  chainrule's time is the whole command, start-up included; the
loops' time is the loop alone, after the import.  CPU seconds are printed beside the wall
clock: on a machine others share, they say what the wall clock cannot.

Targets (issue 9, item 1), on 2 cores: the pipeline within 5x of the bare loop and faster than
the loop with simplify.  Each output line must be one JSON object for its input line.

    python bench/bench_pipeline.py [--jobs 1,2] [--runs 1] [--profile]

``--jobs default`` runs the command without ``--jobs``.  ``--profile`` derives every line in
this process under cProfile, as one worker does, and prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus reader lives with the tests that share it

import sympy  # noqa: E402

from tests.textbook import NAMES, load  # noqa: E402

# Textbook-style lines of our own, each in notation both chainrule and sympy read alike.
OWN = """\
sin(3*x + 1)**2
cos(x**3 - 2*x)
tan(sqrt(x))
exp(-x**2/2)
log(1 + exp(x))
sqrt(x**2 + 9)
(x**2 + 1)**(3/2)
1/sqrt(1 - x**2)
atan(2*x)
asin(x/3)
sinh(x**2)
cosh(3*x)**2
tanh(1 - x)
x*exp(-3*x)
x**2*log(x)
log(cos(x))
log(x**2 + x + 1)
sqrt(sin(x) + cos(x))
(1 + 2*x)**10
(x - 1)**5*(x + 2)**3
exp(x)/(1 + exp(x))
sin(x)/(2 + cos(x))
cos(exp(2*x))
exp(tan(x))
log(log(x))
sqrt(log(x))
atan(x**2 + 1)
sin(sqrt(x**2 + 1))
(3*x - 2)**(1/3)
x/sqrt(x + 1)
exp(x**2)*sin(3*x)
log(sin(x)**2 + 1)
cos(x)**4
1/(1 + x**2)**2
tanh(x)**3
exp(-x)*cos(2*x + 1)
sqrt(1 + sqrt(x))
sin(cos(tan(x)))
exp(sqrt(2*x + 1))
(x**2 - 1)/(x**2 + 1)
"""


def lines() -> list[tuple[str, str, str]]:
    """(chainrule's text, sympy's text, the variable) for each distinct line."""
    rows = [(e.expression, e.sympy_expression) for e in load() if not e.wrt]
    rows += [(line, line) for line in OWN.splitlines()]
    seen: set[str] = set()
    out = []
    for text, sympy_text in rows:
        function = sympy.parse_expr(sympy_text, local_dict=dict(NAMES))
        key = sympy.srepr(function)
        if key in seen:
            continue
        seen.add(key)
        (variable,) = function.free_symbols
        out.append((text, sympy_text, variable.name))
    return out


_LOOP = """
import json, sys, time
import sympy
rows, simplify = json.load(sys.stdin)
names = {n: sympy.Symbol(n, real=True) for n in "xyztuwrn"}
start, cpu = time.perf_counter(), time.process_time()
for text, var in rows:
    d = sympy.diff(sympy.parse_expr(text, local_dict=dict(names)), names[var])
    str(sympy.simplify(d) if simplify else d)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def reference(rows: list[tuple[str, str, str]], simplify: bool) -> tuple[float, float]:
    """Wall and CPU seconds of the sympy loop over ``rows``, in a fresh process (a cold
    cache)."""
    data = json.dumps([[[s, v] for _, s, v in rows], simplify])
    out = subprocess.run(
        [sys.executable, "-c", _LOOP], input=data, capture_output=True, text=True, check=True
    )
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def pipeline(rows: list[tuple[str, str, str]], jobs: str) -> tuple[float, float, dict[str, int]]:
    """Wall seconds of the whole command, the CPU seconds of all its processes, and counts of
    what it printed."""
    # This checkout's chainrule, whatever is installed.
    command = [sys.executable, "-m", "chainrule", "derive", "--json", "-"]
    command += [] if jobs == "default" else ["--jobs", jobs]
    text = "".join(t + "\n" for t, _, _ in rows)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, input=text, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    records = [json.loads(line) for line in done.stdout.splitlines()]
    if [r["input"] for r in records] != [t for t, _, _ in rows]:
        raise SystemExit(f"--jobs {jobs}: the output is not one line per input, in order")
    counts = {
        "errors": sum("error" in r for r in records),
        "simplified": sum(
            any("simplified" in d for d in r.get("derivatives", [])) for r in records
        ),
        "out of time": done.stderr.count("simplification ran out of time"),
    }
    return elapsed, cpu, counts


def profile(rows: list[tuple[str, str, str]]) -> None:
    """Derive, simplify and render every line in this process under cProfile, as a worker."""
    import cProfile
    import pstats

    from chainrule.api import derive, simplify
    from chainrule.render import render

    def work() -> None:
        for text, _, _ in rows:
            try:
                d = derive(text)
            except Exception:  # noqa: BLE001, S112 - a benchmark goes on
                continue
            render(d, "json")  # the exact answer first, as a worker sends it
            simpler = simplify(d)
            if simpler is not d:
                render(simpler, "json")

    profiler = cProfile.Profile()
    profiler.runcall(work)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(
        r"chainrule/(api|calculus|check|render|read)/?.*\.py:\d+\((derive|simplify|verify|"
        r"render|parse|decompose|differentiate|simplify_results|_simpler|_check_at)\)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    parser.add_argument("--runs", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--profile", action="store_true", help="profile one worker's work")
    args = parser.parse_args()
    rows = lines()
    if args.profile:
        profile(rows)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (others' work slows us)")
    bare = min(reference(rows, False) for _ in range(args.runs))
    simplified = min(reference(rows, True) for _ in range(args.runs))
    print(
        f"{len(rows)} distinct lines; sympy loop {bare[0]:.2f} s (CPU {bare[1]:.2f} s), "
        f"with simplify {simplified[0]:.2f} s (CPU {simplified[1]:.2f} s)"
    )
    print(
        f"{'--jobs':>8} {'seconds':>8} {'lines/s':>8} {'vs loop':>8} {'vs +simplify':>13} "
        f"{'CPU s':>6} {'CPU vs loop':>12}  notes"
    )
    for jobs in args.jobs.split(","):
        runs = [pipeline(rows, jobs) for _ in range(args.runs)]
        # The fastest run among those with the fewest errors (a broken run is fast, not good).
        elapsed, cpu, counts = min(runs, key=lambda run: (run[2]["errors"], run[0]))
        ratio = elapsed / bare[0]
        verdict = "ok" if ratio <= 5 and elapsed < simplified[0] else "OVER"
        notes = ", ".join(f"{v} {k}" for k, v in counts.items())
        print(
            f"{jobs:>8} {elapsed:>8.2f} {len(rows) / elapsed:>8.1f} {ratio:>7.1f}x "
            f"{elapsed / simplified[0]:>12.2f}x {cpu:>6.1f} {cpu / bare[1]:>11.1f}x  "
            f"{verdict}; {notes}"
        )
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} after the runs")


if __name__ == "__main__":
    main()
