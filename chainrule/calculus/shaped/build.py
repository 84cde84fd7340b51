"""A program's Terms, with declared shapes, → shaped nodes: every operand's shape inferred in
evaluation order (an explicit stack, no recursion), and a ``ShapeError`` naming the step and
both shapes where they do not fit (``W2*h: W2 is 1×3 but h is 2×1``).

``*`` between two non-scalars is the matrix product, as in the textbook; a 1×1 factor scales.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from chainrule.calculus.shaped import algebra as alg
from chainrule.errors import ProgramError, ShapeError
from chainrule.model import SCALAR, MExpr, Program, Shape, ShapedNode, Term

# Functions that act entry by entry on a vector or matrix.
ELEMENTWISE = frozenset("sigmoid tanh relu exp log softplus sin cos sqrt".split())
# The shaped functions, read as declared names (``parse(functions=SHAPED_FUNCTIONS)``).
SHAPED_FUNCTIONS = (
    "sum", "dot", "norm", "transpose", "hadamard", "softmax", "cross_entropy", "matmul",
)  # fmt: skip
_ARITY = {"sum": 1, "norm": 1, "transpose": 1, "softmax": 1, "dot": 2, "cross_entropy": 2,
          "matmul": 2}  # fmt: skip


def build(
    program: Program, shapes: dict[str, Shape], of: str | None = None
) -> tuple[tuple[tuple[str, Shape], ...], tuple[ShapedNode, ...]]:
    """Shape-check ``program`` and build its nodes.

    Args:
        program: the parsed program (``parse(text, functions=SHAPED_FUNCTIONS)``).
        shapes: declared shapes by name; any other input is a scalar (1×1).
        of: the output's name (the last assignment when None).

    Returns:
        The inputs with their shapes (sorted by name) and the nodes in evaluation order, the
        output last (assignments after it dropped).

    Raises:
        ShapeError: operands whose shapes do not fit, or an output that is not 1×1.
        ProgramError: a name used before it is assigned, or an output (``of``) that names
            no assignment.
    """
    assignments = program.assignments
    if program.is_expression:  # a bare expression is the output, named f as in f(x)
        names = _names(assignments[0].value)
        name = next(n for n in ("f", "L", "loss", "out") if n not in names)
        assignments = (dataclasses.replace(assignments[0], name=name),)
    lines = program.source.split("\n")
    nodes: list[ShapedNode] = []
    known: dict[str, Shape] = {}
    inputs: dict[str, Shape] = {}
    for a in assignments:
        assert a.name is not None
        line = lines[a.line - 1] if a.line - 1 < len(lines) else program.source
        value = _build(a.value, line, shapes, known, inputs)
        if a.name in inputs:
            raise ProgramError(f"'{a.name}' is used before it is assigned", source=line)
        nodes.append(ShapedNode(a.name, value, value.shape))
        known[a.name] = value.shape
        if a.name == of:
            break
    if of is not None and of not in known:
        raise ProgramError(f"'{of}' names no assignment", option="of")
    out = nodes[-1]
    if not out.shape.is_scalar:
        raise ShapeError(
            f"the output {out.name} is {out.shape.text}; the chain rule needs a 1×1 loss",
            hint="end in a scalar, like L = sum((z - y)^2)/2",
        )
    return tuple(sorted(inputs.items())), tuple(nodes)


def _names(term: Term) -> set[str]:
    out, stack = set(), [term]
    while stack:
        t = stack.pop()
        out.add(t.text) if t.op == "symbol" else None
        stack.extend(t.args)
    return out


def _build(
    term: Term,
    line: str,
    shapes: dict[str, Shape],
    known: dict[str, Shape],
    inputs: dict[str, Shape],
) -> MExpr:
    done: dict[int, MExpr] = {}
    stack: list[tuple[Term, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if not ready:
            stack.append((t, True))
            stack.extend((arg, False) for arg in reversed(t.args))
            continue
        args = [done[id(arg)] for arg in t.args]
        done[id(t)] = _node(t, args, line, shapes, known, inputs)
    return done[id(term)]


def _node(
    t: Term,
    args: list[MExpr],
    line: str,
    shapes: dict[str, Shape],
    known: dict[str, Shape],
    inputs: dict[str, Shape],
) -> MExpr:
    if t.op == "number":
        return alg.num(Fraction(t.text))
    if t.op == "constant":
        return MExpr("const", SCALAR, text=t.text)
    if t.op == "symbol":
        if t.text in known:
            return alg.var(t.text, known[t.text])
        shape = shapes.get(t.text, SCALAR)
        inputs[t.text] = shape
        return alg.var(t.text, shape)
    if t.op == "neg":
        return alg.neg(args[0])
    if t.op == "add":
        return _elementwise("add", t, args, line)
    if t.op == "mul":
        out = args[0]
        for i, right in enumerate(args[1:], 1):
            left = t.args[0] if i == 1 else Term("mul", t.args[:i], "", t.column)
            out = _times(out, right, left, t.args[i], line)
        return out
    if t.op == "div":
        a, b = args
        if not b.shape.is_scalar and b.shape != a.shape:
            _mismatch(line, t, "/", a, b)
        return MExpr("div", a.shape, (a, b)) if b.op == "num" else alg.div(a, b)
    if t.op == "pow":
        base, exponent = args
        if exponent.op != "num":
            raise ShapeError(
                f"{_text(t, line)}: the exponent must be a number", source=line, column=t.column
            )
        assert exponent.value is not None
        if base.op == "norm" and exponent.value == 2:
            return alg.reduce("norm2", base.args[0])
        return MExpr("pow", base.shape, (base, exponent))
    if t.op == "call" and t.text in ELEMENTWISE:
        return alg.fn(t.text, args[0])
    if t.op == "apply" and t.text in _ARITY or t.text == "hadamard":
        return _apply(t, args, line)
    if t.op == "call" and all(a.shape.is_scalar for a in args) and len(args) == 1:
        return alg.fn(t.text, args[0])
    raise ShapeError(
        f"{_text(t, line)}: {t.text or t.op} is not one of the shaped operations",
        source=line,
        column=t.column,
        hint="shaped programs use *, @, +, -, /, ^, sum, dot, norm, transpose, hadamard, "
        "softmax, cross_entropy and elementwise " + ", ".join(sorted(ELEMENTWISE)),
    )


def _apply(t: Term, args: list[MExpr], line: str) -> MExpr:
    name = t.text
    if name == "hadamard":
        return _elementwise("had", t, args, line)
    if len(args) != _ARITY[name]:
        raise ShapeError(
            f"{_text(t, line)}: {name} takes {_ARITY[name]} argument(s)",
            source=line,
            column=t.column,
        )
    if name in ("sum", "norm", "softmax"):
        (a,) = args
        if name != "sum" and a.shape.cols != 1:
            raise ShapeError(
                f"{_text(t, line)}: {name} takes a column vector, but {_text(t.args[0], line)} "
                f"is {a.shape.text}",
                source=line,
                column=t.column,
            )
        return alg.reduce(name, a)
    if name == "transpose":
        return alg.transpose(args[0])
    if name == "matmul":
        return _times(args[0], args[1], t.args[0], t.args[1], line, strict=True)
    a, b = args
    if a.shape != b.shape or a.shape.cols != 1:
        _mismatch(line, t, name, a, b)
    return alg.binary("dot" if name == "dot" else "ce", a, b)


def _elementwise(op: str, t: Term, args: list[MExpr], line: str) -> MExpr:
    shape = next((a.shape for a in args if not a.shape.is_scalar), SCALAR)
    for term, a in zip(t.args, args, strict=True):
        if a.shape != shape and not (a.shape.is_scalar and op == "add"):  # x − μ: μ broadcasts
            first = next(i for i, b in enumerate(args) if b.shape == shape)
            _mismatch(line, t, "+" if op == "add" else "⊙", args[first], a, t.args[first], term)
    return alg.add(*args) if op == "add" else alg.had(*args)


def _times(a: MExpr, b: MExpr, ta: Term, tb: Term, line: str, *, strict: bool = False) -> MExpr:
    if (a.shape.is_scalar or b.shape.is_scalar) and not strict:
        return alg.had(a, b)
    if a.shape.cols != b.shape.rows:
        step = _text(Term("mul", (ta, tb), "", ta.column), line)
        raise ShapeError(
            f"{step}: {_text(ta, line)} is {a.shape.text} but {_text(tb, line)} is {b.shape.text}",
            source=line,
            column=ta.column,
            hint=f"a product needs the columns of the left ({a.shape.cols}) to equal the rows "
            f"of the right ({b.shape.rows}); for entry by entry, write hadamard(a, b)",
        )
    return alg.mm(a, b)


def _mismatch(
    line: str,
    t: Term,
    what: str,
    a: MExpr,
    b: MExpr,
    ta: Term | None = None,
    tb: Term | None = None,
) -> None:
    ta, tb = ta or t.args[0], tb or t.args[-1]
    raise ShapeError(
        f"{_text(t, line)}: {_text(ta, line)} is {a.shape.text} but {_text(tb, line)} is "
        f"{b.shape.text}",
        source=line,
        column=t.column,
        hint=f"{what} needs operands of one shape",
    )


def _text(t: Term, line: str) -> str:
    """The source text of ``t`` (its leaves' span, brackets balanced), for a message."""
    if t.op == "symbol":
        return t.text
    low, high = t.column, t.column + (0 if t.args else len(t.text))
    stack = [t]
    while stack:
        u = stack.pop()
        if u.column:
            low = min(low, u.column)
            high = max(high, u.column + (0 if u.args else len(u.text)))
        stack.extend(u.args)
    text = line[low - 1 : high - 1].strip() or t.text
    missing = text.count("(") - text.count(")")
    while missing < 0 and text.endswith(")"):
        text, missing = text[:-1], missing + 1
    return text + ")" * max(missing, 0)
