"""The expression parser's working data: operands, pending constructs and binding powers.

A Pratt parser keeps its pending work on Python's call stack; ours keeps it in ``Frame``s on a
list, so the depth of the input never becomes the depth of a recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from chainrule.model import Term
from chainrule.read.lexer import Token

# Binding powers, loosest first: sums, products, unary minus, the right side of ^, ^.
ADD, MUL, PREFIX, POW_RIGHT, POW = 10, 20, 25, 29, 30
BINARY = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "^": POW, "⊙": MUL}  # ⊙: shaped only


class Val(NamedTuple):
    """An operand read so far: its Term, the depth of that Term, and where it starts."""

    term: Term
    depth: int  # of the Term tree
    col: int  # where the operand starts: for a bracketed group, its opening bracket


@dataclass(eq=False)
class Frame:
    """A construct waiting for its next operand (a Pratt parser's recursion, made explicit)."""

    kind: str  # base chain div pow prefix func fpow group
    rbp: int
    col: int = 0
    op: str = ""  # chain: add/mul; prefix: neg/pos/sqrt/cbrt; group: paren/abs/call/apply/internal
    name: str = ""  # the canonical function or abstract name
    shown: str = ""  # that name as typed, for messages
    items: list[Val] = field(default_factory=list)  # chain operands or call arguments
    neg_col: int = 0  # chain "add": column of a '-' whose operand comes next, else 0
    in_arg: bool = False  # chain "mul" that is a function's parenthesis-free argument
    power: Val | None = None  # sin^2(x): the exponent
    base: Val | None = None  # log_2(x): the base
    opener: Token | None = None  # group: its opening token


def leaf(op: str, text: str, col: int) -> Val:
    return Val(Term(op, (), text, col), 1, col)
