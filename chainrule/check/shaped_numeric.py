"""The shaped derivation checked with numpy before anything is printed: at random values (and
random sizes for the named ones), every line of the reverse pass — the very expressions
printed — is evaluated and each gradient compared entry by entry with a central difference
of the forward pass.  Also the values at a point the user gives.  numpy is imported here
only, when a shaped program needs it."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from chainrule.errors import MathError, ShapeError, VerificationError
from chainrule.model import MExpr, Shape, ShapedDerivation, ShapedValues
from chainrule.model.shapes import Dim

Env = dict[str, np.ndarray]
_FUNCTIONS: dict[str, Any] = {
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0),
    "Heaviside": lambda a: (a > 0).astype(float),
    "exp": np.exp,
    "log": np.log,
    "softplus": lambda a: np.logaddexp(0, a),
    "sin": np.sin,
    "cos": np.cos,
    "sqrt": np.sqrt,
}


def evaluate(e: MExpr, env: Env, sizes: Mapping[Dim, int]) -> np.ndarray:
    """``e`` at ``env`` (names and δ's, the latter as ``δname``), every value 2-D."""
    done: dict[int, np.ndarray] = {}
    stack: list[tuple[MExpr, bool]] = [(e, False)]
    while stack:
        u, ready = stack.pop()
        if not ready:
            stack.append((u, True))
            stack.extend((a, False) for a in u.args)
            continue
        done[id(u)] = _one(u, [done[id(a)] for a in u.args], env, sizes)
    return done[id(e)]


def _dims(shape: Shape, sizes: Mapping[Dim, int]) -> tuple[int, int]:
    return tuple(sizes.get(d, d) for d in (shape.rows, shape.cols))  # type: ignore[return-value]


def _one(u: MExpr, args: list[np.ndarray], env: Env, sizes: Mapping[Dim, int]) -> np.ndarray:
    op = u.op
    if op == "var":
        return env[u.text]
    if op == "delta":
        return env["δ" + u.text]
    if op == "num":
        return np.array([[float(u.value or 0)]])
    if op == "const":
        return np.array([[math.pi if u.text == "pi" else math.e]])
    if op == "ones":
        return np.ones(_dims(u.shape, sizes))
    if op == "add":
        return sum(args[1:], args[0])
    if op == "neg":
        return -args[0]
    if op == "had":
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if op == "mm":
        return args[0] @ args[1]
    if op == "T":
        return args[0].T
    if op == "div":
        return args[0] / args[1]
    if op == "pow":
        return args[0] ** args[1]
    if op == "fn":
        return _FUNCTIONS[u.text](args[0])
    if op == "sum":
        return np.array([[args[0].sum()]])
    if op == "norm":
        return np.array([[np.sqrt((args[0] ** 2).sum())]])
    if op == "norm2":
        return np.array([[(args[0] ** 2).sum()]])
    if op == "softmax":
        z = np.exp(args[0] - args[0].max())
        return z / z.sum()
    if op == "dot":
        return np.array([[(args[0] * args[1]).sum()]])
    if op == "ce":
        return np.array([[-(args[1] * np.log(args[0])).sum()]])
    raise AssertionError(f"cannot evaluate {op}")


def forward(d: ShapedDerivation, env: Env, sizes: Mapping[Dim, int]) -> Env:
    """``env`` with every intermediate's value added, in evaluation order."""
    out = dict(env)
    for node in d.nodes:
        out[node.name] = evaluate(node.definition, out, sizes)
    return out


def gradients(
    d: ShapedDerivation, env: Env, sizes: Mapping[Dim, int], deltas: Env | None = None
) -> dict[str, np.ndarray]:
    """Each line of the reverse pass evaluated in order: the δ's (into ``deltas`` when
    given), then the gradients."""
    values = forward(d, env, sizes)
    out: dict[str, np.ndarray] = {}
    for line in d.lines:
        value = evaluate(line.expr, values, sizes) * np.ones(_dims(line.shape, sizes))
        if line.kind == "delta":
            values["δ" + line.name] = value
            if deltas is not None:
                deltas[line.name] = value
        else:
            out[line.name] = value
    return out


def _targets(d: ShapedDerivation) -> set[str]:
    """Inputs used as cross-entropy targets: drawn as probability vectors."""
    out, stack = set(), [n.definition for n in d.nodes]
    while stack:
        u = stack.pop()
        if u.op == "ce" and u.args[1].op == "var":
            out.add(u.args[1].text)
        stack.extend(u.args)
    return out


def verify_shaped(d: ShapedDerivation, *, seed: int = 0, trials: int = 3) -> ShapedDerivation:
    """Check every gradient against central differences at random values and sizes.

    Returns:
        ``d`` with ``verified="numeric"``.

    Raises:
        VerificationError: a gradient disagreed with the finite difference (a bug).
    """
    rng = np.random.default_rng(seed)
    checked = 0
    for trial in range(trials * 3):
        sizes, env = draw(d, rng, uniform=bool(trial % 2))
        with np.errstate(all="ignore"):
            loss = forward(d, env, sizes)[d.output]
            if not np.all(np.isfinite(loss)):
                continue
            grads = gradients(d, env, sizes)
            for name in d.wrt:
                worst = compare(d, name, grads[name], env, sizes)
                if not worst.agree:
                    raise VerificationError(
                        f"∂{d.output}/∂{name}{list(worst.entry)} is {worst.ours:.10g} by the "
                        f"chain rule but {worst.numeric:.10g} by central differences "
                        f"(sizes {sizes})"
                    )
        checked += 1
        if checked == trials:
            return dataclasses.replace(d, verified="numeric")
    return dataclasses.replace(d, verified="skipped")


def draw(
    d: ShapedDerivation, rng: np.random.Generator, *, uniform: bool
) -> tuple[dict[Dim, int], Env]:
    """Random sizes and values: every size but 1 (named or a number) as a small one — the
    rules depend only on which sizes are equal, so a 1000×1000 W is checked as, say, 3×3 —
    and values normal (or uniform in [0.5, 1.5]); cross-entropy targets a distribution."""
    targets = _targets(d)
    sizes: dict[Dim, int] = {}
    for shape in [s for _, s in d.inputs] + [n.shape for n in d.nodes]:
        for dim in (shape.rows, shape.cols):
            if dim != 1 and dim not in sizes:
                sizes[dim] = int(rng.integers(2, 5))
    env: Env = {}
    for name, shape in d.inputs:
        dims = _dims(shape, sizes)
        value = rng.uniform(0.5, 1.5, dims) if uniform else rng.normal(0, 1, dims)
        if name in targets:
            value = rng.uniform(0.1, 1, dims)
            value = value / value.sum()
        env[name] = value
    return sizes, env


class Worst(NamedTuple):
    """The entry of a gradient furthest from its central difference."""

    agree: bool
    entry: tuple[int, ...]
    ours: float
    numeric: float
    error: float  # |ours − numeric| at that entry


def compare(
    d: ShapedDerivation, name: str, grad: np.ndarray, env: Env, sizes: Mapping[Dim, int]
) -> Worst:
    """Each entry of ``grad`` against a central difference of the output.

    Returns:
        The first entry that disagrees, else the one with the largest difference.
    """
    worst = Worst(True, (), 0.0, 0.0, -1.0)
    for index in np.ndindex(*env[name].shape):
        # Agreement within 10⁻⁴ relative, or within the rounding of L itself (a loss of 10⁹
        # leaves a difference quotient only a few digits).  A miss is retried at halved
        # steps, each pair extrapolated (Richardson), before it is called: sin of a large
        # argument can oscillate within a step of 10⁻⁶.
        previous, ours = None, float(grad[index])
        best = float("nan")
        for halvings in range(18):  # down to 1.5·10⁻¹⁰, where rounding is still small
            step = 1e-5 * 0.5**halvings if halvings else 1e-6
            numeric, noise = _difference(d, name, index, env, sizes, step)
            if not np.isfinite(numeric):
                break
            estimates = [numeric]
            if previous is not None and halvings > 1:
                estimates.append((4 * numeric - previous) / 3)
            close = [e for e in estimates if abs(e - ours) <= 1e-6 + 1e-4 * abs(e) + noise]
            best = close[0] if close else (best if np.isfinite(best) else numeric)
            if close:
                break
            previous = numeric if halvings else None
        else:
            return Worst(False, index, ours, best, abs(ours - best))
        if np.isfinite(best) and abs(ours - best) > worst.error:
            worst = Worst(True, index, ours, best, abs(ours - best))
    return worst


def _difference(
    d: ShapedDerivation,
    name: str,
    index: tuple[int, ...],
    env: Env,
    sizes: Mapping[Dim, int],
    step: float,
) -> tuple[float, float]:
    """The central difference of the output along one entry, and its rounding error bound."""
    h = step * max(1.0, abs(float(env[name][index])))
    plus, minus = dict(env), dict(env)
    plus[name] = env[name].copy()
    minus[name] = env[name].copy()
    plus[name][index] += h
    minus[name][index] -= h
    up = float(forward(d, plus, sizes)[d.output][0, 0])
    down = float(forward(d, minus, sizes)[d.output][0, 0])
    noise = 100 * np.finfo(float).eps * (abs(up) + abs(down)) / (2 * h)
    return (up - down) / (2 * h), float(noise)


def values_at(d: ShapedDerivation, point: Mapping[str, Any]) -> ShapedDerivation:
    """``d`` with its values at ``point`` (name → float or nested lists of floats).

    Raises:
        ShapeError: a value whose shape is not the declared one, or sizes that disagree.
        MathError: a variable without a value, or a value that is not finite.
    """
    sizes, env = bind(d, point)
    with np.errstate(all="ignore"):
        values = forward(d, env, sizes)
        deltas: Env = {}
        grads = gradients(d, env, sizes, deltas)
    bad = [n for n, v in values.items() if not np.all(np.isfinite(v))]
    if bad:
        raise MathError(f"{bad[0]} has no finite value at the point", option="at")

    def listed(v: np.ndarray, name: str = "") -> Any:
        if v.shape == (1, 1) and not isinstance(point.get(name), list):
            return float(v[0, 0])
        return [float(x) for x in v[:, 0]] if v.shape[1] == 1 else v.tolist()

    shaped = ShapedValues(
        point=tuple((n, listed(env[n], n)) for n, _ in d.inputs),
        forward=tuple((n.name, listed(values[n.name])) for n in d.nodes),
        gradients=tuple((n, listed(grads[n], n)) for n in d.wrt),
        deltas=tuple((n, listed(v)) for n, v in deltas.items()),
    )
    return dataclasses.replace(d, values=shaped)


def bind(d: ShapedDerivation, point: Mapping[str, Any]) -> tuple[dict[Dim, int], Env]:
    """The sizes a point's values give the named sizes, and the values as arrays.

    Raises:
        ShapeError: a value whose shape is not the declared one, or sizes that disagree.
        MathError: a variable without a value.
    """
    sizes: dict[Dim, int] = {}
    env: Env = {}
    for name, shape in d.inputs:
        if name not in point:
            raise MathError(f"'{name}' has no value at the point", option="at")
        value = np.array(point[name], dtype=float)
        value = value.reshape(-1, 1) if value.ndim < 2 else value
        for want, got in zip((shape.rows, shape.cols), value.shape, strict=True):
            if isinstance(want, str) and sizes.setdefault(want, got) == got:
                continue
            if want != got:
                raise ShapeError(
                    f"{name} is {shape.text} but its value is {value.shape[0]}×{value.shape[1]}",
                    option="at",
                )
        env[name] = value
    return sizes, env
