"""Time and output size against depth, next to sympy.diff called once per parameter.

Families (issue #3): `sin` composed N times (d/dx), and an N-layer scalar sigmoid chain
`h1 = sigmoid(w1*x); ...; L = (hN - y)^2/2` with every gradient (--wrt all).  Targets: time
and output grow linearly (doubling the depth costs at most ~2.2x); the 40-layer chain's every
gradient at least 100x faster than sympy.diff per parameter; depth 1000 under 10 s.

    python bench/bench_depth.py [--depths 10,100,1000] [--sympy-depths 10,20,40]
"""

from __future__ import annotations

import argparse
import time

import sympy

from chainrule.api import derive
from chainrule.render import render

FORMATS = ("text", "latex", "json", "markdown")


def sin_chain(n: int) -> str:
    return "sin(" * n + "x" + ")" * n


def sigmoid_chain(n: int) -> str:
    lines = ["h1 = sigmoid(w1*x)"]
    lines += [f"h{i} = sigmoid(w{i}*h{i - 1})" for i in range(2, n + 1)]
    lines.append(f"L = (h{n} - y)^2/2")
    return "\n".join(lines)


def ours(text: str, wrt: str | None) -> tuple[float, float, dict[str, int]]:
    """Seconds to derive (cross-checked), seconds to also render every format, output bytes."""
    start = time.perf_counter()
    derivation = derive(text, wrt)
    derived = time.perf_counter() - start
    sizes = {fmt: len(render(derivation, fmt).encode()) for fmt in FORMATS}
    return derived, time.perf_counter() - start, sizes


def sympy_sin(n: int) -> float | str:
    x = sympy.Symbol("x", real=True)
    start = time.perf_counter()
    try:
        e = x
        for _ in range(n):
            e = sympy.sin(e)
        sympy.diff(e, x)
    except RecursionError:
        return "RecursionError"
    return time.perf_counter() - start


def sympy_sigmoid(n: int, budget: float) -> float | str:
    """sympy.diff once per parameter, the sigmoid written as sympy users write it."""
    x, y = sympy.symbols("x y", real=True)
    ws = sympy.symbols(f"w1:{n + 1}", real=True)
    start = time.perf_counter()
    try:
        h = x
        for w in ws:
            h = 1 / (1 + sympy.exp(-w * h))
        loss = (h - y) ** 2 / 2
        for w in (*ws, x, y):
            sympy.diff(loss, w)
            if time.perf_counter() - start > budget:
                return f">{budget:.0f}s"
    except RecursionError:
        return "RecursionError"
    return time.perf_counter() - start


def fmt_time(t: float | str) -> str:
    return f"{t:.3f}s" if isinstance(t, float) else t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--depths", default="10,100,1000")
    parser.add_argument("--sympy-depths", default="10,20,40")
    parser.add_argument("--doubling", default="250,500,1000,2000")
    parser.add_argument("--sympy-budget", type=float, default=120.0)
    args = parser.parse_args()
    depths = [int(d) for d in args.depths.split(",")]
    derive("sin(x)")  # warm sympy's caches once, so depth 10 is not charged for them
    print(
        "family   depth    derive  +4 formats       text KB  latex KB  json KB    md KB"
        "   sympy.diff"
    )
    for family, build, wrt in (("sin", sin_chain, None), ("sigmoid", sigmoid_chain, "all")):
        previous = None
        for n in depths:
            derived, seconds, sizes = ours(build(n), wrt)
            reference = sympy_sin(n) if family == "sin" else sympy_sigmoid(n, args.sympy_budget)
            growth = f"({seconds / previous:.1f}x)" if previous else ""
            previous = seconds
            kb = "  ".join(f"{sizes[f] / 1024:7.1f}" for f in FORMATS)
            print(
                f"{family:<8} {n:>5} {derived:>8.3f}s {seconds:>8.3f}s {growth:<8} {kb}"
                f"   {fmt_time(reference)}"
            )
    print("\ndoubling the depth (derive + all four formats; target: at most ~2.2x per doubling)")
    for family, build, wrt in (("sin", sin_chain, None), ("sigmoid", sigmoid_chain, "all")):
        previous = None
        for n in (int(d) for d in args.doubling.split(",")):
            _, seconds, sizes = ours(build(n), wrt)
            total = sum(sizes.values()) / 1024
            growth = f"{seconds / previous:.2f}x" if previous else "-"
            previous = seconds
            print(f"  {family:<8} {n:>5}  {seconds:7.3f}s  {growth:>6}  {total:9.1f} KB")
    print("\nsigmoid chain, every gradient: chainrule derive vs sympy.diff once per parameter")
    for n in (int(d) for d in args.sympy_depths.split(",")):
        derived, _, _ = ours(sigmoid_chain(n), "all")
        reference = sympy_sigmoid(n, args.sympy_budget)
        speedup = f"{reference / derived:.0f}x" if isinstance(reference, float) else "-"
        print(f"  depth {n:>3}: chainrule {derived:.3f}s  sympy {fmt_time(reference)}  {speedup}")


if __name__ == "__main__":
    main()
