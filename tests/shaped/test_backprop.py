"""The shape-aware chain rule: backprop lines in order with their shapes, matrix factors never
reordered, shape errors naming the step and both shapes, every gradient checked numerically
(numpy central differences) for networks with concrete and named sizes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chainrule.api import derive_shaped
from chainrule.check.shaped_numeric import forward, gradients, verify_shaped
from chainrule.errors import ProgramError, ShapeError, VariableError, VerificationError
from chainrule.model import MExpr, ShapedDerivation
from chainrule.render.printers.shaped import print_unicode
from chainrule.render.shaped import render_shaped

NETWORK = "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = sum((z - y)^2)/2"
SYMBOLIC = ["W1=n×m", "x=m", "b1=n", "W2=k×n", "b2=k", "y=k"]
CONCRETE = ["W1=3x2", "x=2", "b1=3", "W2=2x3", "b2=2", "y=2"]


def _lines(d: ShapedDerivation) -> list[tuple[str, str, str, str]]:
    return [(line.kind, line.name, print_unicode(line.expr), line.shape.text) for line in d.lines]


def test_the_network_in_backprop_order() -> None:
    d = derive_shaped(NETWORK, ["W2", "b2", "W1"], shapes=SYMBOLIC)
    assert _lines(d) == [
        ("delta", "z", "z − y", "k×1"),
        ("gradient", "W2", "δz · hᵀ", "k×n"),
        ("gradient", "b2", "δz", "k×1"),
        ("delta", "h", "W₂ᵀ · δz", "n×1"),
        ("delta", "a", "δh ⊙ σ(a) ⊙ (1 − σ(a))", "n×1"),
        ("gradient", "W1", "δa · xᵀ", "n×m"),
    ]
    assert d.verified == "numeric"
    assert [n.code for n in d.notes] == ["transpose_right"]


def test_the_six_lines_as_printed() -> None:
    d = derive_shaped(NETWORK, ["W2", "b2", "W1"], shapes=SYMBOLIC)
    text = render_shaped(d, "text")
    assert (
        "Backpropagation\n"
        "  δz = ∂L/∂z = z − y             k×1\n"
        "  ∂L/∂W₂ = δz · hᵀ               k×n\n"
        "  ∂L/∂b₂ = δz                    k×1\n"
        "  δh = W₂ᵀ · δz                  n×1\n"
        "  δa = δh ⊙ σ(a) ⊙ (1 − σ(a))    n×1\n"
        "  ∂L/∂W₁ = δa · xᵀ               n×m\n"
    ) in text
    assert "Why xᵀ goes on the right" in text and "never reordered" in text
    latex = render_shaped(d, "latex")
    assert "\\odot" in latex and "h^{\\top}" in latex and "W_{2}^{\\top} \\delta_{z}" in latex


@pytest.mark.parametrize("shapes", [SYMBOLIC, CONCRETE])
def test_every_gradient_of_the_network(shapes: list[str]) -> None:
    d = derive_shaped(NETWORK, "all", shapes=shapes)
    grads = {line.name: print_unicode(line.expr) for line in d.lines if line.kind == "gradient"}
    assert grads["b1"] == "δa" and grads["x"] == "W₁ᵀ · δa" and grads["y"] == "−(z − y)"
    assert d.verified == "numeric"


@pytest.mark.parametrize("seed", range(4))
def test_symbolic_sizes_checked_at_several_sizes(seed: int) -> None:
    d = derive_shaped(NETWORK, "all", shapes=SYMBOLIC, check=False)
    assert verify_shaped(d, seed=seed).verified == "numeric"


PROGRAMS = {
    "two hidden layers": (
        "h1 = tanh(W1*x + b1); h2 = relu(W2*h1 + b2); z = W3*h2 + b3; L = sum((z - y)^2)/2",
        ["W1=n×m", "x=m", "b1=n", "W2=p×n", "b2=p", "W3=k×p", "b3=k", "y=k"],
    ),
    "residual block": ("h = x + relu(W*x); L = norm(h)^2", ["W=n×n", "x=n"]),
    "weight tying": ("h = sigmoid(W*x); z = W*h; L = sum(z)", ["W=n×n", "x=n"]),
    "transpose tying": ("h = W*x; r = transpose(W)*h; L = sum((r - x)^2)", ["W=k×n", "x=n"]),
    "softmax cross-entropy": ("z = W*x; L = cross_entropy(softmax(z), y)", ["W=k×n", "x=n", "y=k"]),
    "softmax then cross-entropy": (
        "z = W*x; p = softmax(z); L = cross_entropy(p, y)",
        ["W=k×n", "x=n", "y=k"],
    ),
    "norm": ("L = norm(W*x - y)", ["W=k×n", "x=n", "y=k"]),
    "dot": ("z = dot(w, x) + b; L = log(1 + exp(-z))", ["w=n", "x=n"]),
    "hadamard and division": ("g = hadamard(a, exp(b)); L = sum(g/2 - a^3)/c", ["a=n", "b=n"]),
    "matrix loss": ("E = A*B - C; L = sum(hadamard(E, E))", ["A=n×p", "B=p×m", "C=n×m"]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_networks_and_losses_agree_with_finite_differences(name: str) -> None:
    text, shapes = PROGRAMS[name]
    d = derive_shaped(text, "all", shapes=shapes, check=False)
    for seed in range(3):
        assert verify_shaped(d, seed=seed).verified == "numeric"


def test_fused_softmax_cross_entropy_is_the_textbook_form() -> None:
    text, shapes = PROGRAMS["softmax cross-entropy"]
    d = derive_shaped(text, "W", shapes=shapes)
    assert _lines(d)[0] == ("delta", "z", "softmax(z) − y", "k×1")


def test_weight_tying_sums_both_uses() -> None:
    text, shapes = PROGRAMS["weight tying"]
    d = derive_shaped(text, "W", shapes=shapes)
    (grad,) = [print_unicode(line.expr) for line in d.lines if line.kind == "gradient"]
    assert grad == "δz · hᵀ + (δh ⊙ σ(W · x) ⊙ (1 − σ(W · x))) · xᵀ"


def test_a_wrong_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    d = derive_shaped(NETWORK, "all", shapes=CONCRETE, check=False)
    wrong = [
        line if line.expr.op != "mm" or line.kind != "gradient"
        else type(line)(line.kind, line.name,
                        MExpr("neg", line.shape, (line.expr,)), line.shape)
        for line in d.lines
    ]  # fmt: skip
    import dataclasses

    with pytest.raises(VerificationError, match="central differences"):
        verify_shaped(dataclasses.replace(d, lines=tuple(wrong)))


@pytest.mark.parametrize(
    ("text", "shapes", "message"),
    [
        ("h = W1*x; z = W2*h; L = sum(z)", ["W1=2x3", "x=3", "W2=1x3"],
         "W2*h: W2 is 1×3 but h is 2×1"),
        ("L = sum(a + b)", ["a=3", "b=2"], "a + b: a is 3×1 but b is 2×1"),
        ("L = dot(a, b)", ["a=n", "b=m"], "dot(a, b): a is n×1 but b is m×1"),
        ("L = W*x", ["W=2x2", "x=2"], "the output L is 2×1"),
        ("L = sum(x^y)", ["x=2"], "exponent must be a number"),
        ("L = sum(sinh(x))", ["x=2"], "not one of the shaped operations"),
        ("L = sum(a ⊙ b)", ["a=2", "b=3"], "a ⊙ b: a is 2×1 but b is 3×1"),
    ],
)  # fmt: skip
def test_shape_errors_name_the_step_and_both_shapes(
    text: str, shapes: list[str], message: str
) -> None:
    with pytest.raises(ShapeError, match=re.escape(message)) as err:
        derive_shaped(text, "all", shapes=shapes)
    assert err.value.exit_code == 2


def test_other_errors() -> None:
    with pytest.raises(VariableError):
        derive_shaped("L = sum(W*x)", "v", shapes=["W=2x2", "x=2"])
    with pytest.raises(VariableError):
        derive_shaped("L = sum(W*x)", shapes=["W=2x2", "x=2"])
    with pytest.raises(ProgramError, match="'h' is used before it is assigned"):
        derive_shaped("L = sum(h); h = W*x", "all", shapes=["W=2x2", "x=2"])
    with pytest.raises(ProgramError, match="'q' names no assignment"):
        derive_shaped("L = sum(W*x)", "all", shapes=["W=2x2", "x=2"], of="q")
    bare = derive_shaped("sum(hadamard(f, x))", "all", shapes=["f=2", "x=2"])
    assert bare.output == "L" and [n.name for n in bare.nodes] == ["L"]


def test_the_tutorial_snippet_at_a_point() -> None:
    d = derive_shaped("z = dot(w, x) + b; loss = sum(z)", "all", at="w=[2,-1]; x=[1,2]; b=[0.5]")
    assert d.values is not None
    assert dict(d.values.gradients) == {"w": [1.0, 2.0], "b": [1.0], "x": [2.0, -1.0]}
    assert dict(d.values.forward) == {"z": 0.5, "loss": 0.5}


def test_matrices_at_a_point_agree_with_numpy() -> None:
    d = derive_shaped(NETWORK, "all", shapes=SYMBOLIC,
                      at="W1=[[1,2],[0,-1],[0.5,0.5]]; x=[1,-1]; b1=[0,0,0]; "
                         "W2=[[1,0,1]]; b2=[0.1]; y=[1]")  # fmt: skip
    assert d.values is not None
    grads = dict(d.values.gradients)
    assert np.array(grads["W1"]).shape == (3, 2)
    assert np.array(grads["W2"]).shape == (1, 3)
    with pytest.raises(ShapeError, match="is k×n but its value is 1×3"):
        derive_shaped(NETWORK, "all", shapes=SYMBOLIC, at="W1=[1,2]; x=[1,-1]; b1=[0,0,0]; "
                      "W2=[[1,0,1]]; b2=[0.1]; y=[1]")  # fmt: skip


def _torch_forward(torch, d: ShapedDerivation, env: dict):  # type: ignore[no-untyped-def]
    """The forward pass in torch, from the nodes' definitions (torch autograd as the oracle)."""
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "exp": torch.exp, "log": torch.log, "softplus": torch.nn.functional.softplus,
                 "sin": torch.sin, "cos": torch.cos, "sqrt": torch.sqrt}  # fmt: skip
    values = dict(env)
    for node in d.nodes:
        done: dict[int, object] = {}
        stack = [(node.definition, False)]
        while stack:
            u, ready = stack.pop()
            if not ready:
                stack.append((u, True))
                stack.extend((a, False) for a in u.args)
                continue
            a = [done[id(x)] for x in u.args]
            op = u.op
            if op == "var":
                out = values[u.text]
            elif op == "num":
                out = torch.tensor([[float(u.value)]], dtype=torch.float64)
            elif op == "add":
                out = sum(a[1:], a[0])
            elif op == "had":
                out = a[0]
                for b in a[1:]:
                    out = out * b
            else:
                out = _torch_op(torch, functions, u, a)
            done[id(u)] = out
        values[node.name] = done[id(node.definition)]
    return values[d.output]


def _torch_op(torch, functions, u: MExpr, a: list):  # type: ignore[no-untyped-def]
    op = u.op
    if op in ("neg", "T", "fn", "sum", "norm", "norm2", "softmax"):
        x = a[0]
        if op == "neg":
            return -x
        if op == "T":
            return x.T
        if op == "fn":
            return functions[u.text](x)
        if op == "softmax":
            return torch.softmax(x, dim=0)
        if op == "norm":
            return torch.linalg.norm(x).reshape(1, 1)
        return (x if op == "sum" else x**2).sum().reshape(1, 1)
    x, y = a
    if op == "mm":
        return x @ y
    if op == "div":
        return x / y
    if op == "pow":
        return x**y
    if op == "dot":
        return (x * y).sum().reshape(1, 1)
    assert op == "ce", op
    return -(y * torch.log(x)).sum().reshape(1, 1)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_against_torch_autograd(name: str) -> None:
    torch = pytest.importorskip("torch")
    text, shapes = PROGRAMS[name]
    d = derive_shaped(text, "all", shapes=shapes, check=False)
    rng = np.random.default_rng(7)
    sizes = {dim: int(rng.integers(2, 5)) for _, s in d.inputs for dim in s.sizes}
    env = {}
    for n, s in d.inputs:
        dims = tuple(sizes.get(x, x) for x in (s.rows, s.cols))
        value = rng.uniform(0.5, 1.5, dims)  # type: ignore[arg-type]
        env[n] = value / value.sum() if n == "y" and "cross_entropy" in text else value
    ours = gradients(d, env, sizes)
    t = {n: torch.tensor(v, requires_grad=True) for n, v in env.items()}
    _torch_forward(torch, d, t).sum().backward()
    for n in d.wrt:
        assert np.allclose(ours[n], t[n].grad.numpy(), rtol=1e-9, atol=1e-12), (name, n)
    assert forward(d, env, sizes)[d.output].shape == (1, 1)


def test_the_sentences_under_the_derivation() -> None:
    text, shapes = PROGRAMS["residual block"]
    out = render_shaped(derive_shaped(text, "all", shapes=shapes), "text")
    assert "only (δh ⊙ H(W · x)) · xᵀ (n×1 · 1×n) is n×n" in out.replace("\n", " ")
    text, shapes = PROGRAMS["softmax cross-entropy"]
    d = derive_shaped(text, "W", shapes=shapes)
    assert "when the targets y sum to 1" in render_shaped(d, "text").replace("\n", " ")
    assert "\\operatorname{softmax}(z) - y" in render_shaped(d, "latex")
    assert [n["code"] for n in __import__("json").loads(render_shaped(d, "json"))["notes"]] == [
        "transpose_right",
        "softmax_cross_entropy",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a = W1*x + b1; h = sigmoid(a); z = W2*h + b2; L = (z - y)^2/2",
        "h = tanh(w*x); L = h^2 - log(1 + exp(-h))",
        "h = x + relu(w*x); L = h^2/c",
    ],
)
def test_the_scalar_chain_rule_is_the_one_by_one_case(text: str) -> None:
    from chainrule.api import derive

    shaped = derive_shaped(text, "all")
    scalar = derive(text, "all")
    rng = np.random.default_rng(5)
    env = {name: rng.uniform(0.5, 1.5, (1, 1)) for name, _ in shaped.inputs}
    ours = gradients(shaped, env, {})
    point = {sym: float(env[sym.name][0, 0]) for sym in scalar.graph.inputs}
    for rule in scalar.chain_rules:
        assert rule.result is not None
        expected = float(rule.result.subs(point))
        assert ours[rule.wrt][0, 0] == pytest.approx(expected, rel=1e-12)
