"""A point whose values may be vectors and matrices: ``w=[2,-1]; x=[1,2]; b=[0.5]``, nested
lists for matrices (``W=[[1,2],[3,4]]``, one inner list per row).  Pairs are separated by
``;`` or by commas outside brackets; each entry is read by ``read.points`` (never ``eval``).

>>> point = read_array_points("w=[2,-1]; x=[1,2], b=0.5")
>>> [(name, len(value) if isinstance(value, list) else value.op) for name, value in point.items()]
[('w', 2), ('x', 2), ('b', 'number')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from chainrule.errors import ParseError
from chainrule.model import Term
from chainrule.read.points import read_points

Nested: TypeAlias = Term | list["Nested"]


def read_array_points(specs: Sequence[str] | str) -> dict[str, Nested]:
    """Read ``name=value`` pairs whose values are numbers or (nested) lists of numbers.

    Args:
        specs: strings of pairs separated by ``;`` or commas outside brackets.

    Returns:
        name → a Term (a number) or a list (of Terms, or of lists of Terms: the rows).

    Raises:
        ParseError: a pair without ``=``, an entry that is not a number, brackets that do
            not close, rows of different lengths, or a name given twice (``option`` "at").
    """
    out: dict[str, Nested] = {}
    for spec in [specs] if isinstance(specs, str) else specs:
        for part in _split(spec, ";,"):
            name_text, equals, value = part.partition("=")
            if not equals or not value.strip():
                raise ParseError(f"expected name=value, got '{part.strip()}'", source=spec,
                                 option="at")  # fmt: skip
            if not value.strip().startswith("["):
                out.update(read_points(part))
                continue
            ((name, _),) = read_points(f"{name_text}=0").items()
            if name in out:
                raise ParseError(f"'{name_text.strip()}' is given two values", source=spec,
                                 option="at")  # fmt: skip
            out[name] = _nested(value.strip(), spec) if _depth(value) <= 2 else _too_deep(spec)
    return out


def _depth(text: str) -> int:
    """How deep the brackets of ``text`` nest (a vector 1, a matrix 2)."""
    depth = deepest = 0
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        deepest = max(deepest, depth)
    return deepest


def _too_deep(spec: str) -> Nested:
    raise ParseError(
        "lists nest deeper than a matrix's rows",
        source=spec,
        hint="a vector is [1, 2], a matrix [[1, 2], [3, 4]]",
        option="at",
    )


def _split(text: str, separators: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _nested(text: str, spec: str) -> Nested:
    """``[a, b]`` or ``[[a, b], [c, d]]``: entries read as numbers."""
    if not (text.startswith("[") and text.endswith("]")):
        raise ParseError(f"'{text}' is not a list of numbers", source=spec, option="at")
    inner = _split(text[1:-1], ",")
    if not inner:
        raise ParseError("an empty list has no values", source=spec, option="at")
    rows = [p.strip() for p in inner]
    if all(r.startswith("[") for r in rows):
        nested = [_nested(r, spec) for r in rows]
        lengths = {len(r) for r in nested if isinstance(r, list)}
        if len(lengths) != 1 or any(
            not isinstance(r, list) or any(isinstance(v, list) for v in r) for r in nested
        ):
            raise ParseError("the rows of a matrix must be lists of one length", source=spec,
                             option="at")  # fmt: skip
        return nested
    if any(r.startswith("[") for r in rows):
        raise ParseError(f"'{text}' mixes numbers and lists", source=spec, option="at")
    return [read_points(f"v={r}")["v"] for r in rows]
