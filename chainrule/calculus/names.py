"""Names for what chainrule names: generated intermediates and the output of an expression.

A generated name must never be mistaken for one of the user's, so it shares no *stem* with
them (the name without its subscript or trailing digits, in either case): beside the weights
``w1, w2`` there is no ``w``, beside ``p2`` no ``p``, beside ``W1`` no ``w``.

>>> fresh_names(3, {"w1", "w2", "x"})
['u', 'v', 'p']
>>> output_name({"y", "x"})
'f'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import sympy

from chainrule.calculus.nodes import parents_in_order
from chainrule.calculus.shortcuts import applied
from chainrule.calculus.typed import write_out
from chainrule.model import Node

_GENERATED = ("u", "v", "w", "p", "q", "r", "s", "t")
_MORE_STEMS = ("m", "n", "k", "c", "d", "g")  # numbered names when u… are all someone's stem
_OUTPUT_NAMES = ("y", "f", "g", "L", "F", "out")


def stem(name: str) -> str:
    """A name without its subscript or trailing digits, lower-cased: W_1, w1, W₁ → w.

    Args:
        name: a symbol's name as the reader spells it (``W1``, ``x_i``, ``theta2``).

    Returns:
        The stem (the whole name, lower-cased, when nothing precedes the subscript).
    """
    head = re.split(r"[_\d]", name, maxsplit=1)[0]
    return (head or name).lower()


def fresh_names(count: int, taken: Iterable[str], exact: Iterable[str] = ()) -> list[str]:
    """Names for ``count`` generated intermediates: u, v, w, … while they suffice, else u1, u2, ….

    Args:
        count: how many.
        taken: the user's names (symbols, assignments, functions): no stem in common.
        exact: further names never to use as they are (the known functions).

    Returns:
        ``count`` distinct names, none sharing a stem with ``taken``.
    """
    taken = set(taken)
    stems = {stem(n) for n in taken}
    avoid = taken | set(exact)
    short = [n for n in _GENERATED if stem(n) not in stems and n not in avoid]
    if count <= len(short):
        return short[:count]
    head = next((n for n in _GENERATED + _MORE_STEMS if n not in stems), "node")
    names: list[str] = []
    i = 0
    while len(names) < count:
        i += 1
        candidate = f"{head}{i}"
        if candidate not in avoid:
            names.append(candidate)
    return names


def output_name(taken: Iterable[str], used: Iterable[str] = ()) -> str:
    """The name of an expression's output: y, or f, g, L, … when y is someone's stem.

    Args:
        taken: the user's names.
        used: names already given to generated intermediates.

    Returns:
        The first of y, f, g, L, F, out that shares no stem with ``taken`` and is unused.
    """
    taken = set(taken)
    stems = {stem(n) for n in taken}
    avoid = taken | set(used)
    for name in _OUTPUT_NAMES:
        if stem(name) not in stems and name not in avoid:
            return name
    i = 0
    while f"out{i + 1}" in avoid:
        i += 1
    return f"out{i + 1}"


def rename(
    nodes: Sequence[Node], users: set[str], exact: Iterable[str], assumptions: dict[str, bool]
) -> list[Node]:
    """The nodes with their placeholder names (``\\0<n>``, ``\\0out``) replaced by real ones.

    Args:
        nodes: in evaluation order, the output last.
        users: the user's names (no generated name shares a stem with them).
        exact: further names never to use as they are (the known functions).
        assumptions: for the new symbols.

    Returns:
        The nodes renamed, definitions rewritten in the new names (typed forms kept typed).
    """
    exact = set(exact)
    placeholders = [n.name for n in nodes if not n.named_by_user and n.name != "\0out"]
    new_names = dict(zip(placeholders, fresh_names(len(placeholders), users, exact), strict=True))
    if nodes[-1].name == "\0out":
        new_names["\0out"] = output_name(users, [*new_names.values(), *exact])
    mapping: dict[sympy.Expr, sympy.Expr] = {
        n.symbol: sympy.Symbol(new_names[n.name], **assumptions)
        for n in nodes
        if n.name in new_names
    }
    out: list[Node] = []
    for n in nodes:
        sym = mapping.get(n.symbol, n.symbol)
        # A definition sympy would not write otherwise is renamed as xreplace does, cached.
        plain, old = n.evaluated is None, n.definition
        if (
            plain
            and isinstance(old, sympy.Function)
            and len(old.args) == 1
            and old.args[0] in mapping
        ):
            # sin(u) as xreplace rebuilds it, without evaluating sin once more for every node.
            definition = applied(old.func, mapping[old.args[0]])
        else:
            definition = old.xreplace(mapping) if plain else write_out(old, mapping)
        out.append(
            Node(
                sym.name,
                sym,
                definition,
                parents_in_order(definition),
                n.named_by_user,
                evaluated=None if n.evaluated is None else n.evaluated.xreplace(mapping),
                written=None if n.written is None else write_out(n.written, mapping),
            )
        )
    return out
