"""Property: random networks — layers of products, biases, elementwise functions, Hadamard
products, transposes and powers, ending in each loss — derive, and every gradient agrees with
numpy central differences (``verify_shaped`` raises otherwise), with named and concrete sizes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule.api import derive_shaped

FUNCTIONS = ["sigmoid", "tanh", "relu", "exp", "softplus", "sin"]
LOSSES = [
    "L = sum((h - y)^2)/2",
    "L = norm(h)^2",
    "L = sum(h)",
    "L = cross_entropy(softmax(h), y)",
    "L = dot(h, y)",
    "L = norm(h - y)",
]


@st.composite
def networks(draw: st.DrawFn) -> tuple[str, list[str]]:
    named = draw(st.booleans())
    size = (lambda i: f"n{i}") if named else (lambda i: str(2 + i % 3))
    shapes, lines, previous = [f"x={size(0)}"], [], "x"
    depth = draw(st.integers(1, 4))
    for i in range(1, depth + 1):
        kind = draw(st.sampled_from(["dense", "residual", "gate", "transposed", "power"]))
        if kind == "dense":
            shapes += [f"W{i}={size(i)}x{size(i - 1)}", f"b{i}={size(i)}"]
            f = draw(st.sampled_from(FUNCTIONS))
            lines.append(f"h{i} = {f}(W{i} @ {previous} + b{i})")
        elif kind == "residual":
            shapes.append(f"W{i}={size(i - 1)}x{size(i - 1)}")
            lines.append(f"h{i} = {previous} + tanh(W{i} @ {previous})")
            size_before = size(i - 1)
            size = _keep(size, i, size_before)
        elif kind == "gate":
            shapes.append(f"g{i}={size(i - 1)}")
            lines.append(f"h{i} = hadamard(sigmoid(g{i}), {previous}) / 2")
            size = _keep(size, i, size(i - 1))
        elif kind == "transposed":
            shapes.append(f"V{i}={size(i - 1)}x{size(i)}")
            lines.append(f"h{i} = V{i}.T @ {previous}")
        else:
            lines.append(f"h{i} = {previous}^2 - {previous}")
            size = _keep(size, i, size(i - 1))
        previous = f"h{i}"
    shapes.append(f"y={size(depth)}")
    loss = (
        draw(st.sampled_from(LOSSES)).replace("(h", f"({previous}").replace(" h)", f" {previous})")
    )
    return "; ".join([*lines, loss]), shapes


def _keep(size, i, value):  # type: ignore[no-untyped-def]
    """Sizes after layer i that keeps its input's size."""
    return lambda j, size=size: value if j == i else size(j)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.integers(0, 3))
def test_random_networks_agree_with_finite_differences(
    network: tuple[str, list[str]], seed: int
) -> None:
    text, shapes = network
    d = derive_shaped(text, "all", shapes=shapes, seed=seed)
    assert d.verified in ("numeric", "skipped"), text
