"""Long rows broken between terms and factors, never inside one.

A printed row has places where a line may break: before the ``+`` or ``−`` of a sum, before
the ``·`` of a product or between two juxtaposed factors (the next line then starts with a
product sign), and, in a row built of parts, at the parts' own operators (the ``·`` of a chain,
the ``=`` between the sides of an equation).  Each place has a rank: an outer bracket's before
an inner one's, and at the same depth ``=`` before ``+`` before ``·``.  ``wrap`` splits a row
at its lowest rank first and splits a piece further only while that piece alone is too wide,
so a factor stays whole whenever it fits on a line; then it fills the lines greedily.

Formats differ in how they find the places (``scan_unicode`` here, ``latex_width.scan_latex``
for LaTeX) and how they measure text; the rest is shared.

>>> from chainrule.render.rows import Part
>>> row = Row((Part("σ(u)(1 − σ(u))(h − y)"),))
>>> [row.text[line.start : line.end] for line in wrap(row, scan_unicode, len, 12)]
['σ(u)', '(1 − σ(u))', '(h − y)']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chainrule.render.rows import OP, Row

# Kinds of break, in order of preference at one bracket depth; RANKS of them per depth.
EQUALS, SUM, PRODUCT = 0, 1, 2
RANKS = 3
_OP_KINDS = {"": EQUALS, "=": EQUALS, "+": SUM, "-": SUM, "\u2212": SUM}


@dataclass(frozen=True)
class Break:
    """A place where a line may break: the next line starts at ``at``."""

    at: int
    rank: int
    juxtaposed: bool = False  # between juxtaposed factors: the next line needs a product sign


@dataclass(frozen=True)
class Line:
    """One line of a wrapped row, ``text[start:end]``; ``juxtaposed`` as in its ``Break``."""

    start: int
    end: int
    juxtaposed: bool = False


Scan = Callable[[str], list[Break]]


def rank(depth: int, kind: int) -> int:
    """The rank of a break: lower ranks are where a row breaks first.

    Args:
        depth: how many brackets are open at the break.
        kind: ``EQUALS``, ``SUM`` or ``PRODUCT``.

    Returns:
        The rank.
    """
    return RANKS * depth + kind


def scan_unicode(text: str) -> list[Break]:
    """The places where one line of Unicode maths may break (see the module docstring).

    Args:
        text: an expression as ``printers.unicode`` prints it.

    Returns:
        The breaks, in order.
    """
    out: list[Break] = []
    opened: list[str] = []  # the brackets open here: "(" for ( [ {, "|" for an absolute value
    for i, ch in enumerate(text):
        depth = len(opened)
        if ch in "([{":
            if i and text[i - 1] in ")]":  # (z − y)(1 − h): juxtaposed factors
                out.append(Break(i, rank(depth, PRODUCT), juxtaposed=True))
            opened.append("(")
        elif ch in ")]}":
            while opened and opened.pop() != "(":
                pass
        elif ch == "|":
            if opened and opened[-1] == "|":
                opened.pop()
            else:
                opened.append("|")
        elif ch in "+\u2212" and text[i - 1 : i] == " " and text[i + 1 : i + 2] == " ":
            out.append(Break(i, rank(depth, SUM)))  # spaced: binary, never a sign
        elif ch == "·" and i:
            out.append(Break(i, rank(depth, PRODUCT)))
    return out


def row_breaks(row: Row, scan: Scan) -> list[Break]:
    """The places where ``row`` may break: at its operator parts first, then inside its parts.

    Args:
        row: printed parts; an ``OP`` part's text, stripped, says its kind (``=``, ``+``, a
            product sign; blank space before a note breaks first).
        scan: finds the breaks inside one part's text.

    Returns:
        The breaks, in order, none at either end.
    """
    nested = any(p.role == OP for p in row.parts)
    out: list[Break] = []
    at = 0
    for part in row.parts:
        if part.role == OP:
            sign = part.text.strip()
            lead = len(part.text) - len(part.text.lstrip())
            where = at + lead if sign else at + len(part.text)
            out.append(Break(where, _OP_KINDS.get(sign, PRODUCT)))
        else:
            # Inside a part of a chain comes after the chain's own operators: a factor stays whole.
            extra = RANKS if nested else 0
            out += [Break(at + b.at, b.rank + extra, b.juxtaposed) for b in scan(part.text)]
        at += len(part.text)
    return [b for b in out if 0 < b.at < at]


def wrap(
    row: Row,
    scan: Scan,
    measure: Callable[[str], float],
    first: float,
    rest: float | None = None,
    sign: float = 0.0,
) -> list[Line]:
    """``row`` broken into lines no wider than ``first`` (the first line) and ``rest``.

    Args:
        row: the row.
        scan: finds the breaks inside one part (``scan_unicode``, ``latex_width.scan_latex``).
        measure: the width of a piece of text.
        first: the room on the first line.
        rest: the room on the lines after it (default ``first``).
        sign: the width of the product sign a line after juxtaposed factors starts with.

    Returns:
        The lines, in order, covering the whole text; a piece that has no break and is wider
        than a line is a line of its own (the format decides how to show it).
    """
    text = row.text
    rest = first if rest is None else rest
    room = min(first, rest)  # a piece that fits this fits on any line
    # A row that fits is one line wherever it could break; the widths add up over the pieces
    # between breaks (none is inside braces or a script), so it is measured whole, not scanned.
    if measure(text.rstrip()) <= room:
        return [Line(0, len(text))]
    breaks = {b.at: b for b in row_breaks(row, scan)}  # one break per place
    if not breaks:  # one piece, a line of its own whatever its width: nothing to measure
        return [Line(0, len(text))]
    cuts = [0, *sorted(breaks), len(text)]
    atoms = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    widths = [measure(atom) for atom in atoms]
    # The space an atom ends with shows only when another follows it on the same line.
    trail = [w - measure(atom.rstrip()) for w, atom in zip(widths, atoms, strict=True)]

    def width(a: int, b: int) -> float:
        return sum(widths[a:b]) - trail[b - 1]

    ranks = [breaks[c].rank for c in cuts[1:-1]]  # ranks[i]: the break before atom i + 1

    # Units are runs of atoms [a, b); the first piece of a unit that had to be split starts a
    # line of its own, so that a line never ends inside a factor that a later line finishes.
    units: list[tuple[int, int, bool]] = [(0, len(widths), True)]
    for level in sorted(set(ranks)):
        refined: list[tuple[int, int, bool]] = []
        for a, b, fresh in units:
            starts = [a] + [i for i in range(a + 1, b) if ranks[i - 1] == level]
            if len(starts) == 1 or width(a, b) <= room:
                refined.append((a, b, fresh))
                continue
            ends = [*starts[1:], b]
            refined += [(s, e, k == 0) for k, (s, e) in enumerate(zip(starts, ends, strict=True))]
        units = refined

    lines: list[Line] = []
    used = 0.0  # the width of the current line, with the space its last atom ends with
    for a, b, fresh in units:
        if lines and not fresh and used + width(a, b) <= (first if len(lines) == 1 else rest):
            lines[-1] = Line(lines[-1].start, cuts[b], lines[-1].juxtaposed)
            used += sum(widths[a:b])
        else:
            joined = a > 0 and breaks[cuts[a]].juxtaposed
            lines.append(Line(cuts[a], cuts[b], joined))
            used = sum(widths[a:b]) + (sign if joined else 0.0)
    return lines


def pieces(text: str, lines: Sequence[Line]) -> list[str]:
    """The text of each line, without the spaces around a break.

    Args:
        text: the row's text.
        lines: from ``wrap``.

    Returns:
        One string per line.
    """
    return [text[line.start : line.end].strip() for line in lines]
