"""What the reader builds: ``Term`` trees in a ``Program`` of assignments, the known functions
and their arities, names' parts, and ``Note`` (how ambiguous input was read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule.model.shapes import Shape

# Term operations.  "number": ``text`` is a plain decimal literal ("2", "2.5"; the parser
# writes 1e-3 as 1·10^(−3) so that 1e100000000000 never becomes a giant integer).  "symbol":
# ``text`` is the variable's name.  "constant": ``text`` is "pi" or "E".  "add", "mul": n-ary.
# "neg": one arg.  "div": two args (numerator, denominator).  "pow": two args (base, exponent).
# "call": a known function, ``text`` a key of ``FUNCTION_ARITIES``.  "apply": an abstract
# function (f, g, or a name declared as a function), ``text`` its name.
TERM_OPS = ("number", "symbol", "constant", "add", "mul", "neg", "div", "pow", "call", "apply")

# The known functions by canonical name, each with the argument counts it takes.  The reader
# maps every spelling onto these names; ``calculus.functions.FUNCTIONS`` builds each in sympy.
FUNCTION_ARITIES: dict[str, tuple[int, ...]] = {
    name: (1,)
    for name in (
        "sin cos tan sec csc cot asin acos atan asec acsc acot sinh cosh tanh sech csch coth "
        "asinh acosh atanh acoth exp sqrt cbrt Abs sign Heaviside factorial gamma erf sigmoid relu "
        "softplus"
    ).split()
} | {"log": (1, 2), "Max": tuple(range(2, 9)), "Min": tuple(range(2, 9))}
# The activations of torch.nn.functional, parameters optional as there (leaky_relu(x, slope),
# elu(x, alpha), hardtanh(x, min_val, max_val)); gelu_tanh is gelu(x, approximate='tanh').
FUNCTION_ARITIES |= dict.fromkeys("silu gelu gelu_tanh mish selu softsign logsigmoid".split(), (1,))
FUNCTION_ARITIES |= {"leaky_relu": (1, 2), "elu": (1, 2), "hardtanh": (1, 2, 3)}


def arity_text(arities: tuple[int, ...]) -> str:
    """How many arguments a function takes, for a message.

    >>> arity_text((1,)), arity_text((1, 2)), arity_text(FUNCTION_ARITIES["Max"])
    ('1 argument', '1 or 2 arguments', '2 to 8 arguments')
    """
    if len(arities) == 1:
        return f"{arities[0]} argument" + ("s" if arities[0] != 1 else "")
    joint = " or " if len(arities) == 2 else " to "
    return f"{arities[0]}{joint}{arities[-1]} arguments"


@dataclass(frozen=True, eq=False)
class Term:
    """One node of the parsed syntax tree.  Compared by identity: structural hashing of a
    1000-deep tree would recurse."""

    op: str
    args: tuple[Term, ...] = ()
    text: str = ""
    column: int = 0  # 1-based column in the source line where this term starts


@dataclass(frozen=True)
class Assignment:
    """``name = value``, or a bare expression when ``name`` is None."""

    name: str | None
    value: Term
    column: int = 1  # where the statement starts
    line: int = 1  # 1-based line of the statement in the source


@dataclass(frozen=True)
class Program:
    """Everything the user typed: one bare expression, or assignments in order."""

    source: str
    assignments: tuple[Assignment, ...]
    notes: tuple[Note, ...] = ()  # how ambiguous input was read
    # Shapes declared in the program (W1: 3x2), for the shape-aware chain rule (``shaped``).
    shapes: tuple[tuple[str, Shape], ...] = ()

    @property
    def is_expression(self) -> bool:
        return len(self.assignments) == 1 and self.assignments[0].name is None


# Names the reader makes for what no typed name can say.  "__" is refused in a typed name, so
# these never collide with one: an accent after the letter (ŷ₁ is ``y__hat_1``), then the
# version of a reassigned name (the second ``c = c + 1`` makes ``c__2``, shown c″).
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "dot": "\u0307", "ddot": "\u0308",
           "tilde": "\u0303", "vec": "\u20d7"}  # fmt: skip


@dataclass(frozen=True)
class NameParts:
    """A name taken apart: its ``accent`` (a key of ``ACCENTS``, or "") on ``stem`` (a letter or
    a Greek letter's name; without an accent, the whole name), the subscripts after the accent
    (``rest``), and its ``version`` (0 for the name as first assigned, or an input).

    >>> NameParts.of("y__hat_1__2")
    NameParts(stem='y', accent='hat', rest='_1', version=2)
    """

    stem: str
    accent: str = ""
    rest: str = ""
    version: int = 0

    @classmethod
    def of(cls, name: str) -> NameParts:
        base, marker, tail = name.rpartition("__")
        version = int(tail) if marker and tail.isdigit() else 0
        name = base if version else name
        stem, marker, tail = name.partition("__")
        accent, _, sub = tail.partition("_")
        return cls(stem, accent, "_" + sub if sub else "", version)

    @property
    def name(self) -> str:
        accented = f"{self.stem}__{self.accent}{self.rest}" if self.accent else self.stem
        return f"{accented}__{self.version}" if self.version else accented


@dataclass(frozen=True)
class Note:
    """Something a reader should know about a derivation, as a code and its data.

    The layer that notices it says what (``Note("constant")``); renderers word it
    (``render.notes``), so no English is written below the render layer.
    """

    code: str
    data: tuple[tuple[str, str], ...] = ()
