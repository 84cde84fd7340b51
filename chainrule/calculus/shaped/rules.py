"""One backward rule per operation: given the upstream gradient ``g`` of an expression (its
shape), each operand's contribution — the vector–Jacobian product, as micrograd's
``_backward`` and every autograd system compute it.  For z = W·h: δh = Wᵀ·δz and
∂L/∂W = δz·hᵀ; for an elementwise f: δa = δh ⊙ f′(a).  The scalar chain rule is the 1×1 case.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from chainrule.calculus.shaped import algebra as alg
from chainrule.model import MExpr

# f′(a) for each elementwise function, written as a textbook writes it.
DERIVATIVES: dict[str, Callable[[MExpr], MExpr]] = {
    "sigmoid": lambda a: alg.had(
        alg.fn("sigmoid", a), alg.add(alg.num(1), alg.neg(alg.fn("sigmoid", a)))
    ),
    "tanh": lambda a: alg.add(alg.num(1), alg.neg(alg.power(alg.fn("tanh", a), Fraction(2)))),
    "relu": lambda a: alg.fn("Heaviside", a),
    "exp": lambda a: alg.fn("exp", a),
    "log": lambda a: alg.div(alg.num(1), a),
    "softplus": lambda a: alg.fn("sigmoid", a),
    "sin": lambda a: alg.fn("cos", a),
    "cos": lambda a: alg.neg(alg.fn("sin", a)),
    "sqrt": lambda a: alg.div(alg.num(1), alg.had(alg.num(2), alg.fn("sqrt", a))),
}


def _scalar_of(g: MExpr, other: MExpr, e: MExpr) -> MExpr:
    """The gradient of a 1×1 factor that scaled ``other`` in ``e``: sum(g ⊙ other)."""
    if e.shape.is_scalar:
        return alg.had(g, other)
    return alg.reduce("sum", alg.had(g, other))


def backward(e: MExpr, g: MExpr) -> list[tuple[MExpr, MExpr]]:
    """(operand, its contribution) for each operand of ``e`` with upstream gradient ``g``.

    Args:
        e: an operation (not a leaf).
        g: ∂output/∂e, of e's shape.

    Returns:
        Contributions, operands in order; constant operands get none.
    """
    op, args = e.op, e.args
    if op == "add":
        return [(a, g if a.shape == e.shape else alg.reduce("sum", g)) for a in args]
    if op == "neg":
        return [(args[0], alg.neg(g))]
    if op == "had":
        out = []
        for i, a in enumerate(args):
            others = alg.had(*args[:i], *args[i + 1 :])
            if a.shape.is_scalar and not e.shape.is_scalar:
                out.append((a, _scalar_of(g, others, e)))
            else:
                out.append((a, alg.had(g, others)))
        return out
    if op == "mm":
        a, b = args
        return [(a, alg.mm(g, alg.transpose(b))), (b, alg.mm(alg.transpose(a), g))]
    if op == "T":
        return [(args[0], alg.transpose(g))]
    if op == "div":
        a, b = args
        db = alg.neg(alg.div(alg.had(g, a), alg.power(b, Fraction(2))))
        if b.shape.is_scalar and not a.shape.is_scalar:
            db = alg.reduce("sum", db)
        return [(a, alg.div(g, b)), (b, db)]
    if op == "pow":
        a, n = args
        assert n.value is not None
        return [(a, alg.had(g, alg.num(n.value), alg.power(a, n.value - 1)))]
    if op == "fn":
        (a,) = args
        if e.text == "log":
            return [(a, alg.div(g, a))]
        return [(a, alg.had(g, DERIVATIVES[e.text](a)))]
    if op == "sum":
        return [(args[0], alg.had(g, alg.ones(args[0].shape)))]
    if op == "dot":
        a, b = args
        return [(a, alg.had(g, b)), (b, alg.had(g, a))]
    if op == "norm":
        (a,) = args
        return [(a, alg.had(g, alg.div(a, e)))]
    if op == "norm2":
        return [(args[0], alg.had(alg.num(2), g, args[0]))]
    if op == "softmax":
        s = e
        return [(args[0], alg.had(s, alg.add(g, alg.neg(alg.mm(alg.transpose(s), g)))))]
    if op == "ce":
        p, y = args
        if p.op == "softmax":  # the textbook's fused rule: softmax into cross-entropy
            return [
                (p.args[0], alg.had(g, alg.add(p, alg.neg(y)))),
                (y, alg.neg(alg.had(g, alg.fn("log", p)))),
            ]
        return [(p, alg.neg(alg.had(g, alg.div(y, p)))), (y, alg.neg(alg.had(g, alg.fn("log", p))))]
    raise AssertionError(f"no backward rule for {op}")
