"""What the shape-aware chain rule builds: ``Shape`` (rows × columns, each a number or a size's
name), ``MExpr`` (a shaped expression: a forward definition or a gradient) and
``ShapedDerivation`` (the reverse pass in backprop order, one ``ShapedLine`` per gradient).

A scalar is 1×1; a declared ``x: 3`` is a column vector, 3×1.  Matrix factors keep the order
they are written in: nothing here or in the calculus reorders an ``mm``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # program.py imports Shape from here
    from chainrule.model.program import Note

Dim = int | str

# MExpr operations.  "var": ``text`` names an input or a named intermediate.  "num": ``value``.
# "const": ``text`` is "pi" or "E".  "ones": 𝟏 of ``shape``.  "delta": δ of the intermediate
# ``text`` (its upstream gradient, held by name).  "add", "had" (the elementwise product; a 1×1
# factor scales), "mm" (the matrix product, two args, in order): n-ary or binary as noted.
# "neg", "T" (transpose), "fn" (an elementwise function ``text``), "sum", "norm", "norm2"
# (‖a‖²), "softmax": one arg.  "div" (elementwise, or by a 1×1), "pow" (base, a "num"),
# "dot", "ce" (cross-entropy of probabilities and targets): two args.
MEXPR_OPS = (
    "var num const ones delta add had mm neg T fn sum norm norm2 softmax div pow dot ce".split()
)


@dataclass(frozen=True)
class Shape:
    """rows × cols; a size is a number or a name (``n``)."""

    rows: Dim = 1
    cols: Dim = 1

    @property
    def is_scalar(self) -> bool:
        return self.rows == 1 and self.cols == 1

    @property
    def T(self) -> Shape:  # noqa: N802 - the transpose, as numpy spells it
        return Shape(self.cols, self.rows)

    @property
    def text(self) -> str:
        """``n×m``, ``3×1``: how every format writes a shape."""
        return f"{self.rows}×{self.cols}"

    @property
    def sizes(self) -> tuple[str, ...]:
        """The named sizes in this shape."""
        return tuple(d for d in (self.rows, self.cols) if isinstance(d, str))


SCALAR = Shape(1, 1)


@dataclass(frozen=True, eq=False)
class MExpr:
    """A shaped expression.  Compared by identity, like ``Term``."""

    op: str
    shape: Shape
    args: tuple[MExpr, ...] = ()
    text: str = ""
    value: Fraction | None = None


@dataclass(frozen=True)
class ShapedNode:
    """One named intermediate: ``name = definition``, its shape inferred."""

    name: str
    definition: MExpr
    shape: Shape


@dataclass(frozen=True)
class ShapedLine:
    """One line of the reverse pass.  ``kind`` "delta": δ``name`` = ``expr``, the upstream
    gradient of an intermediate; "gradient": ∂output/∂``name`` = ``expr`` for a variable."""

    kind: str
    name: str
    expr: MExpr
    shape: Shape


@dataclass(frozen=True)
class ShapedValues:
    """Values at a point: each input, intermediate and gradient as nested lists of floats."""

    point: tuple[tuple[str, object], ...]
    forward: tuple[tuple[str, object], ...]
    gradients: tuple[tuple[str, object], ...]
    deltas: tuple[tuple[str, object], ...] = ()  # each intermediate's δ, in backprop order


@dataclass(frozen=True)
class ShapedGradEntry:
    """One gradient at one point of a gradient check: its entry furthest from the central
    difference (``entry``, row then column), both values there, and whether all agree."""

    point: int  # 0-based
    wrt: str
    shape: str  # the concrete shape checked ("3×2")
    entry: tuple[int, ...]
    ours: float
    numeric: float
    agree: bool


@dataclass(frozen=True)
class ShapedGradCheck:
    """A gradient check of a shaped derivation: each point's sizes, then the entries."""

    sizes: tuple[tuple[tuple[str, int], ...], ...]  # per point: named size → its value
    entries: tuple[ShapedGradEntry, ...]
    seed: int
    at: bool  # True: the point was given, not drawn

    @property
    def agree(self) -> bool:
        return all(e.agree for e in self.entries)


@dataclass(frozen=True)
class ShapedDerivation:
    """The shape-aware chain rule for one program, in backprop order.

    ``inputs`` are the variables with their shapes (declared, or 1×1), ``nodes`` the named
    intermediates in evaluation order (output last), ``lines`` the reverse pass: each
    intermediate's δ before what uses it, each variable's gradient once all its uses are in.
    """

    source: str
    inputs: tuple[tuple[str, Shape], ...]
    nodes: tuple[ShapedNode, ...]
    output: str
    wrt: tuple[str, ...]
    lines: tuple[ShapedLine, ...]
    notes: tuple[Note, ...] = ()
    verified: str = "unchecked"
    values: ShapedValues | None = None
    gradcheck: ShapedGradCheck | None = None

    @property
    def shapes(self) -> dict[str, Shape]:
        return dict(self.inputs) | {n.name: n.shape for n in self.nodes}
