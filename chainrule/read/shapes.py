"""Shapes as the user declares them: ``3x2``, ``n×m``, ``2`` (a column vector), given as
``W1=3x2`` pairs or inside a program as ``W1: 3x2`` lines.

Read by hand, character classes only; a size is a positive whole number or a name.

>>> read_shape("3x2"), read_shape("n×m").text, read_shape("nxm").text, read_shape("m").text
(Shape(rows=3, cols=2), 'n×m', 'n×m', 'm×1')
>>> text, shapes = split_declarations("W1: 3x2; x: 2\\na = W1*x")
>>> shapes["W1"].text, text.split("\\n")[1]
('3×2', 'a = W1*x')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from chainrule.errors import ParseError

if TYPE_CHECKING:  # loaded with the first shape read: a scalar input never needs it
    from chainrule.model.shapes import Shape

# Shapes as the library takes them: name → "3x2" (or a Shape), or "W1=3x2" strings.
Shapes = Mapping[str, "str | Shape"] | Sequence[str]

_SIZE = r"(?:[1-9][0-9]{0,5}|[A-Za-z][A-Za-z0-9_]{0,15})"
_SHAPE = re.compile(rf"\s*({_SIZE})\s*(?:[x×*,]\s*({_SIZE})\s*)?\Z")
_NAME = r"[A-Za-z][A-Za-z0-9_]{0,30}"
# Greedy to the end, stripped in Python: a lazy group before \s*\Z is quadratic in blanks.
_DECLARATION = re.compile(rf"\s*({_NAME})\s*:(.*)\Z", re.S)
_PAIR = re.compile(rf"\s*({_NAME})\s*=(.*)\Z", re.S)


def read_shape(text: str, *, source: str | None = None, column: int | None = None) -> Shape:
    """One shape: ``rows×cols`` (``x`` or ``×``), or one size for a column vector.

    Args:
        text: ``"3x2"``, ``"n×m"``, ``"2"``, ``"m"``.
        source, column: where ``text`` came from, for the error.

    Returns:
        The Shape; sizes are ints or names.

    Raises:
        ParseError: not a shape.
    """
    match = _SHAPE.match(text)
    if match is not None and match.group(2) is None and "x" in text.strip()[1:-1]:
        # n0xn0, nxm: an x between two sizes separates them (a size is never named with x
        # inside it, which would be unreadable anyway).
        body = text.strip()
        cuts = [i for i, c in enumerate(body) if c == "x" and 0 < i < len(body) - 1]
        for i in cuts:
            split = _SHAPE.match(f"{body[:i]}×{body[i + 1 :]}")
            if split is not None and split.group(2) is not None:
                match = split
                break
    if match is None:
        raise ParseError(
            f"'{text.strip()}' is not a shape",
            source=source,
            column=column,
            hint="write rows×cols (3x2, n×m) or one size for a column vector (2, m)",
            option="shape",
        )
    from chainrule.model.shapes import Shape

    rows, cols = (_size(s) for s in (match.group(1), match.group(2) or "1"))
    return Shape(rows, cols)


def _size(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def read_shape_specs(specs: Sequence[str] | str) -> dict[str, Shape]:
    """``name=shape`` pairs (one to a string, or several separated by ``;``).

    Raises:
        ParseError: a pair that is not ``name=shape``, or a name given twice.
    """
    out: dict[str, Shape] = {}
    for spec in [specs] if isinstance(specs, str) else specs:
        for part in spec.split(";"):
            if not part.strip():
                continue
            match = _PAIR.match(part)
            if match is None:
                raise ParseError(
                    f"expected name=shape, got '{part.strip()}'",
                    source=spec,
                    hint="declare a shape like W1=3x2, x=2 or W1=n×m",
                    option="shape",
                )
            name = match.group(1)
            if name in out:
                raise ParseError(f"'{name}' is given two shapes", source=spec, option="shape")
            out[name] = read_shape(match.group(2), source=spec)
    return out


def split_declarations(text: str) -> tuple[str, dict[str, Shape]]:
    """Take a program's shape declarations (``W1: 3x2``) out of it.

    Args:
        text: the program; statements are separated by ``;`` or newlines.

    Returns:
        The text with each declaration blanked (spaces, so that every other statement keeps
        its line and column), and name → Shape.

    Raises:
        ParseError: a name declared twice, or a declaration whose shape does not read.
    """
    shapes: dict[str, Shape] = {}
    out: list[str] = []
    for line_no, line in enumerate(text.split("\n"), 1):
        comment = line.find("#")
        body = line if comment < 0 else line[:comment]
        pieces = body.split(";")
        kept: list[str] = []
        offset = 0
        for piece in pieces:
            match = _DECLARATION.match(piece)
            declared = match is not None and match.group(2).strip() and "=" not in piece
            if match is not None and declared and _SHAPE.match(match.group(2)):
                name = match.group(1)
                if name in shapes:
                    raise ParseError(f"'{name}' is declared twice", source=line, column=offset + 1)
                text = match.group(2)
                column = offset + match.start(2) + len(text) - len(text.lstrip()) + 1
                shapes[name] = read_shape(text.strip(), source=line, column=column)
                piece = " " * len(piece)
            kept.append(piece)
            offset += len(piece) + 1
        out.append(";".join(kept) + ("" if comment < 0 else line[comment:]))
        del line_no
    return "\n".join(out), shapes


def read_shapes(shapes: Shapes) -> dict[str, Shape]:
    """Shapes given to the library: a mapping name → ``"3x2"`` or Shape, or ``name=shape``
    strings (``read_shape_specs``)."""
    if isinstance(shapes, Mapping):
        return {n: read_shape(s) if isinstance(s, str) else s for n, s in shapes.items()}
    return read_shape_specs(shapes)


def has_array(specs: Sequence[str] | str) -> bool:
    """Whether a point gives some variable a vector or a matrix (a ``[`` in a value)."""
    return any("[" in spec for spec in ([specs] if isinstance(specs, str) else specs))


def is_shaped(text: str, shapes: Shapes | None = None, at: object = None) -> bool:
    """Whether ``text`` takes the shape-aware path: shapes given or declared in the program
    (``W1: 3x2``), or a vector or matrix (a list) in the point ``at``."""
    if shapes or split_declarations(text)[1]:
        return True
    return isinstance(at, str | Sequence) and not isinstance(at, Mapping) and has_array(at)
