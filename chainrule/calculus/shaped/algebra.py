"""Smart constructors for ``MExpr``: what a textbook does without comment (1·x = x, 𝟏 ⊙ x = x,
(xᵀ)ᵀ = x, ½·2 = 1, −(−x) = x), and never more.  A matrix product keeps its factors in the
order given."""

from __future__ import annotations

from fractions import Fraction

from chainrule.model import SCALAR, MExpr, Shape


def num(value: Fraction | int) -> MExpr:
    return MExpr("num", SCALAR, value=Fraction(value))


def var(name: str, shape: Shape) -> MExpr:
    return MExpr("var", shape, text=name)


def ones(shape: Shape) -> MExpr:
    return num(1) if shape.is_scalar else MExpr("ones", shape)


def is_num(e: MExpr, value: int | None = None) -> bool:
    return e.op == "num" and (value is None or e.value == value)


def broadcast(a: Shape, b: Shape) -> Shape:
    """The shape of an elementwise operation on ``a`` and ``b`` (a 1×1 broadcasts)."""
    return b if a.is_scalar else a


def neg(a: MExpr) -> MExpr:
    if a.op == "neg":
        return a.args[0]
    if a.op == "num":
        return num(-(a.value or 0))
    if a.op == "had" and is_num(a.args[0]):
        return had(num(-(a.args[0].value or 0)), *a.args[1:])
    return MExpr("neg", a.shape, (a,))


def add(*terms: MExpr) -> MExpr:
    flat: list[MExpr] = []
    for t in terms:
        flat.extend(t.args if t.op == "add" else (t,))
    flat = _like_terms([t for t in flat if not is_num(t, 0)])
    if not flat:
        return num(0)
    if len(flat) == 1:
        return flat[0]
    shape = flat[0].shape
    for t in flat[1:]:
        shape = broadcast(shape, t.shape)
    return MExpr("add", shape, tuple(flat))


def _like_terms(terms: list[MExpr]) -> list[MExpr]:
    """Equal terms gathered (h + h = 2·h, ½·r + ½·r = r), first place kept."""
    shallow = [(b.op, b.text, b.shape, len(b.args)) for b in map(_bare, terms)]
    if len(set(shallow)) == len(shallow):  # no two alike at the top: nothing to walk
        return terms
    coeffs: dict[str, Fraction] = {}
    bare: dict[str, MExpr] = {}
    for t in terms:
        k = key(_bare(t))
        coeffs[k] = coeffs.get(k, Fraction(0)) + _coefficient(t)
        bare.setdefault(k, _bare(t))
    if len(coeffs) == len(terms):
        return terms
    return [had(num(c), bare[k]) for k, c in coeffs.items() if c != 0]


def key(e: MExpr) -> str:
    """A structural key of ``e`` (equal keys, equal expressions); iterative."""
    done: dict[int, str] = {}
    stack: list[tuple[MExpr, bool]] = [(e, False)]
    while stack:
        u, ready = stack.pop()
        if not ready:
            stack.append((u, True))
            stack.extend((a, False) for a in u.args)
            continue
        inner = ",".join(done[id(a)] for a in u.args)
        done[id(u)] = f"{u.op}:{u.text}:{u.value}:{u.shape.text}({inner})"
    return done[id(e)]


def had(*factors: MExpr) -> MExpr:
    """The elementwise product; numbers gathered in front, 𝟏 dropped beside a full factor."""
    coeff = Fraction(1)
    rest: list[MExpr] = []
    negate = False
    stack = list(reversed(factors))
    while stack:
        f = stack.pop()
        if f.op == "had":
            stack.extend(reversed(f.args))
        elif f.op == "num":
            coeff *= f.value or 0
        elif f.op == "neg":
            negate = not negate
            stack.append(f.args[0])
        else:
            rest.append(f)
    if negate:
        coeff = -coeff
    shape = SCALAR
    for f in rest:
        shape = broadcast(shape, f.shape)
    full = [f for f in rest if f.op != "ones"]
    if any(f.shape == shape for f in full):
        rest = full
    elif rest:
        rest = full + [ones(shape)] if full else [ones(shape)]
    if coeff == 0:
        return num(0)
    if not rest:
        return num(coeff)
    if coeff == -1:
        return MExpr("neg", shape, (had(*rest),))
    args = tuple(rest) if coeff == 1 else (num(coeff), *rest)
    return args[0] if len(args) == 1 else MExpr("had", shape, args)


def mm(a: MExpr, b: MExpr) -> MExpr:
    """a·b as written; a 1×1 factor is a scaling, not a product of matrices."""
    if a.shape.is_scalar or b.shape.is_scalar:
        return had(a, b)
    coeff, a, b = _coefficient(a) * _coefficient(b), _bare(a), _bare(b)
    return had(num(coeff), MExpr("mm", Shape(a.shape.rows, b.shape.cols), (a, b)))


def _coefficient(e: MExpr) -> Fraction:
    """The number in front of an elementwise product (2 in 2·x), else 1."""
    if e.op == "had" and is_num(e.args[0]):
        return e.args[0].value or Fraction(0)
    return Fraction(-1) if e.op == "neg" else Fraction(1)


def _bare(e: MExpr) -> MExpr:
    """``e`` without the number ``_coefficient`` found."""
    if e.op == "had" and is_num(e.args[0]):
        return had(*e.args[1:])
    return e.args[0] if e.op == "neg" else e


def transpose(a: MExpr) -> MExpr:
    if a.op == "T":
        return a.args[0]
    if a.shape.is_scalar and a.op in ("num", "delta", "sum", "dot", "norm", "norm2", "ce"):
        return a
    if a.op == "ones":
        return ones(a.shape.T)
    if _coefficient(a) != 1:  # (2·A)ᵀ = 2·Aᵀ: a number commutes
        return had(num(_coefficient(a)), transpose(_bare(a)))
    return MExpr("T", a.shape.T, (a,))


def div(a: MExpr, b: MExpr) -> MExpr:
    if is_num(b, 1):
        return a
    if b.op == "num" and b.value:
        return had(num(1 / b.value), a)
    return MExpr("div", broadcast(a.shape, b.shape), (a, b))


def power(a: MExpr, n: Fraction) -> MExpr:
    if n == 1:
        return a
    if n == 0:
        return ones(a.shape) if not a.shape.is_scalar else num(1)
    return MExpr("pow", a.shape, (a, num(n)))


def fn(name: str, a: MExpr) -> MExpr:
    return MExpr("fn", a.shape, (a,), text=name)


def reduce(op: str, a: MExpr) -> MExpr:
    """sum, norm, norm2 or softmax of ``a``."""
    if op == "sum" and a.op == "ones":
        return MExpr("sum", SCALAR, (a,))
    return MExpr(op, a.shape if op == "softmax" else SCALAR, (a,))


def binary(op: str, a: MExpr, b: MExpr) -> MExpr:
    """dot or ce (cross-entropy) of two vectors: 1×1."""
    return MExpr(op, SCALAR, (a, b))
