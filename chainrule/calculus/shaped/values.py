"""A point's vectors and matrices as floats: each entry read exactly (``calculus.point``),
then rounded once."""

from __future__ import annotations

from typing import Any

from chainrule.calculus.point import point_values
from chainrule.model import Shape, Term


def array_values(point: dict[str, Any]) -> dict[str, Any]:
    """name → Term or (nested) list of Terms, as ``read.arrays`` gives it → floats, the
    lists kept.

    Raises:
        MathError: an entry that is undefined, not real or too large.
    """
    out: dict[str, Any] = {}
    for name, value in point.items():
        stack: list[tuple[Any, list[Any] | None]] = [(value, None)]
        root: list[Any] = []
        while stack:
            item, parent = stack.pop()
            if isinstance(item, Term):
                number = float(point_values({name: item})[name])
                (root if parent is None else parent).append(number)
                continue
            fresh: list[Any] = []
            (root if parent is None else parent).append(fresh)
            stack.extend((x, fresh) for x in reversed(item))
        out[name] = root[0]
    return out


def list_shapes(point: dict[str, Any]) -> dict[str, Shape]:
    """The shape of each list in a point (``array_values``): rows × the first row's length."""
    return {
        name: Shape(len(value), len(value[0]) if isinstance(value[0], list) else 1)
        for name, value in point.items()
        if isinstance(value, list)
    }
