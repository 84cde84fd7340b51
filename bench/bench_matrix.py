"""The shape-aware chain rule on a 10-layer MLP with named sizes (issue 11): every gradient.

The network: hᵢ = tanh(Wᵢ·hᵢ₋₁ + bᵢ) for i = 1 … 9 (h₀ = x), z = W₁₀·h₉ + b₁₀,
L = sum((z − y)²)/2, each Wᵢ nᵢ×nᵢ₋₁ with nᵢ a name.  Timed: the derivation alone
(``api.derive_shaped(check=False)``), with its numpy cross-check (every gradient entry against
central differences at three random draws of values and sizes), and the whole command-line
pipeline to JSON (``runner.run``, a forked worker).  The reference in the same run is the
scalar chain rule on the same network with scalar weights (``api.derive``, its 1×1 case,
cross-checked as always).  Target: the shaped derivation well under a second.

    python bench/bench_matrix.py [--layers 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from chainrule.api import derive, derive_shaped
from chainrule.runner import Job, run


def network(layers: int) -> tuple[str, list[str]]:
    """The program and its ``--shape`` declarations."""
    lines, shapes, previous = [], ["x=n0"], "x"
    for i in range(1, layers + 1):
        shapes += [f"W{i}=n{i}×n{i - 1}", f"b{i}=n{i}"]
        if i < layers:
            lines.append(f"h{i} = tanh(W{i}*{previous} + b{i})")
            previous = f"h{i}"
        else:
            lines.append(f"z = W{i}*{previous} + b{i}")
    shapes.append(f"y=n{layers}")
    lines.append("L = sum((z - y)^2)/2")
    return "; ".join(lines), shapes


def timed(work: Callable[[], object], runs: int) -> float:
    """Median seconds of ``work`` over ``runs`` runs, after one warm-up."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text, shapes = network(args.layers)
    d = derive_shaped(text, "all", shapes=shapes)
    assert d.verified == "numeric", d.verified
    gradients = sum(line.kind == "gradient" for line in d.lines)
    alone = timed(lambda: derive_shaped(text, "all", shapes=shapes, check=False), args.runs)
    checked = timed(lambda: derive_shaped(text, "all", shapes=shapes), args.runs)
    job = Job(text, wrt=("all",), shapes=tuple(shapes), fmt="json", timeout=60)
    outcome = run(job)
    assert outcome.exit_code == 0, outcome.error
    pipeline = timed(lambda: run(job), args.runs)
    scalar = timed(lambda: derive(text.replace("sum(", "("), "all"), args.runs)
    print(f"{args.layers}-layer MLP, named sizes, {gradients} gradients, {len(d.lines)} lines")
    print(f"  shaped derivation          {alone * 1000:8.1f} ms")
    print(f"  with the numpy cross-check {checked * 1000:8.1f} ms")
    print(f"  command line to JSON       {pipeline * 1000:8.1f} ms")
    print(f"  reference: scalar chain rule on the same network (1×1) {scalar * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
