"""Equations as rows of printed parts, each part tagged with its role so that a renderer can
style it (the terminal colours the i-th symbol of a chain like the i-th factor).

>>> row = Row((Part("dy/du", SYMBOL), Part(" · ", OP), Part("du/dx", SYMBOL, 1)))
>>> row.text
'dy/du · du/dx'
"""

from __future__ import annotations

from dataclasses import dataclass

# Roles a renderer can style: derivative symbols, local factors (numbered so that the i-th
# symbol and the i-th factor of a chain can share a colour), operators, plain expressions, the
# final result, and notes.
SYMBOL, FACTOR, OP, EXPR, RESULT, NOTE = "symbol", "factor", "op", "expr", "result", "note"


@dataclass(frozen=True)
class Part:
    """A printed piece of a row and its role; ``index`` pairs chain symbols with their factors."""

    text: str
    role: str = EXPR
    index: int = 0


@dataclass(frozen=True)
class Row:
    """One right-hand side (or left-hand side) of an equation, as parts."""

    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass(frozen=True)
class Equation:
    """``lhs = rows[0] = rows[1] …``, with an optional label before it and a note after it
    (after the row ``note_row``: a cached local factor's note goes with the row it explains)."""

    lhs: Row
    rows: tuple[Row, ...]
    label: str = ""
    note: str = ""
    note_row: int = 0
