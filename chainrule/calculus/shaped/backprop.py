"""The reverse pass over shaped nodes, in backprop order: each intermediate's δ once every
use of it is in, each variable's gradient as soon as its last use is passed.  Inside one
assignment the rules compose (``a = W1*x + b1`` gives ∂L/∂W1 = δa·xᵀ directly); across
assignments a gradient is reused by name (δz)."""

from __future__ import annotations

from collections.abc import Sequence

from chainrule.calculus.shaped import algebra as alg
from chainrule.calculus.shaped.rules import backward
from chainrule.errors import VariableError
from chainrule.model import MExpr, Note, Shape, ShapedDerivation, ShapedLine, ShapedNode


def backprop(
    source: str,
    inputs: tuple[tuple[str, Shape], ...],
    nodes: tuple[ShapedNode, ...],
    wrt: Sequence[str] | str | None,
) -> ShapedDerivation:
    """The shaped derivation of the last node with respect to ``wrt``.

    Args:
        source: the program as typed.
        inputs: the variables and their shapes (``build``).
        nodes: the intermediates in evaluation order, the output last.
        wrt: variable names, ``"all"``, or None for the only variable.

    Returns:
        The derivation: its lines in backprop order.

    Raises:
        VariableError: a name in ``wrt`` that is no variable, or None with several.
    """
    names = [n for n, _ in inputs]
    chosen = _wrt(names, wrt)
    output = nodes[-1].name
    node_names = {n.name for n in nodes}
    uses: dict[str, int] = {}
    for n in nodes:
        for leaf in _leaves(n.definition):
            uses[leaf] = uses.get(leaf, 0) + 1
    contributions: dict[str, list[MExpr]] = {}
    lines: list[ShapedLine] = []
    shapes = dict(inputs) | {n.name: n.shape for n in nodes}
    live = {output}
    for n in reversed(nodes):
        if n.name not in live:
            continue
        if n.name == output:
            g = alg.num(1)
        else:
            lines.append(ShapedLine("delta", n.name, alg.add(*contributions[n.name]), n.shape))
            g = MExpr("delta", n.shape, text=n.name)
        stack = [(n.definition, g)]
        while stack:
            e, upstream = stack.pop()
            if e.op == "var":
                contributions.setdefault(e.text, []).append(upstream)
                live.add(e.text)
                uses[e.text] -= 1
                continue
            if e.op in ("num", "const", "ones"):
                continue
            stack.extend(reversed(backward(e, upstream)))
        for name in names:
            if name in chosen and uses.get(name) == 0 and name in contributions:
                expr = alg.add(*contributions.pop(name))
                lines.append(ShapedLine("gradient", name, expr, shapes[name]))
                uses[name] = -1
    for name in chosen:
        if uses.get(name, 0) >= 0 and name not in node_names:
            lines.append(ShapedLine("gradient", name, alg.num(0), shapes[name]))
    return ShapedDerivation(
        source=source,
        inputs=inputs,
        nodes=nodes,
        output=output,
        wrt=tuple(chosen),
        lines=tuple(lines),
        notes=_why_transposed(lines) + _fused(nodes),
    )


def _wrt(names: list[str], wrt: Sequence[str] | str | None) -> list[str]:
    if wrt is None:
        if len(names) != 1:
            raise VariableError(
                f"the program has {len(names)} variables ({', '.join(names)}); choose with wrt",
                option="wrt",
                value="all",
            )
        return names
    asked = [wrt] if isinstance(wrt, str) else list(wrt)
    if asked == ["all"]:
        return names
    for name in asked:
        if name not in names:
            raise VariableError(f"'{name}' is not a variable of the program", option="wrt")
    return [n for n in names if n in asked]


def _leaves(e: MExpr) -> list[str]:
    """The names ``e`` uses, once per occurrence."""
    out, stack = [], [e]
    while stack:
        u = stack.pop()
        if u.op == "var":
            out.append(u.text)
        stack.extend(u.args)
    return out


def _why_transposed(lines: list[ShapedLine]) -> tuple[Note, ...]:
    """The sentence on why the transpose goes on the right, for the first layer's weights
    (the last such gradient in backprop order: δa·xᵀ), one whose left factor is a δ if any;
    the note names the line (its index)."""
    found = [
        i
        for i, line in enumerate(lines)
        if line.kind == "gradient" and line.expr.op == "mm" and line.expr.args[1].op == "T"
    ]
    found.sort(key=lambda i: (lines[i].expr.args[0].op != "delta", -i))
    return (Note("transpose_right", (("line", str(found[0])),)),) if found else ()


def _fused(nodes: tuple[ShapedNode, ...]) -> tuple[Note, ...]:
    """A note when softmax into cross-entropy was derived as softmax(z) − y, which takes the
    targets to sum to 1 (``check.shaped_numeric`` draws them so)."""
    for n in nodes:
        stack = [n.definition]
        while stack:
            e = stack.pop()
            if e.op == "ce" and e.args[0].op == "softmax":
                target = e.args[1].text if e.args[1].op == "var" else ""
                return (Note("softmax_cross_entropy", (("targets", target),)),)
            stack.extend(e.args)
    return ()
