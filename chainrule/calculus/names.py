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

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import sympy

from chainrule.calculus.nodes import parents_in_order
from chainrule.calculus.shortcuts import applied
from chainrule.calculus.typed import write_out
from chainrule.model import Node, Program

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
    short = _short_names(taken, exact)
    if count <= len(short):
        return short[:count]
    return list(itertools.islice(numbered_names(taken, exact), count))


def numbered_names(taken: Iterable[str], exact: Iterable[str] = ()) -> Iterator[str]:
    """The names of generated intermediates when the short ones do not suffice: u1, u2, …
    (v1, v2, … beside a user's u), each sharing no stem with ``taken`` nor in ``exact``.

    Args:
        taken: the user's names.
        exact: further names never to use as they are.

    Yields:
        The names, in order.
    """
    taken = set(taken)
    stems = {stem(n) for n in taken}
    avoid = taken | set(exact)
    head = next((n for n in _GENERATED + _MORE_STEMS if n not in stems), "node")
    for i in itertools.count(1):
        if f"{head}{i}" not in avoid:
            yield f"{head}{i}"


def predicted_names(taken: Iterable[str], exact: Iterable[str] = ()) -> Callable[[int], str | None]:
    """What ``rename`` will call the k-th generated intermediate when there are more of them
    than short names: a decomposition names them so from the start, and renaming has nothing
    to rewrite but the first few (3,000 terms sin(k·x) make 6,000 intermediates).

    Args:
        taken: the user's names.
        exact: further names never to use as they are.

    Returns:
        k (from 1) → the k-th numbered name; None for the first ``len(short names)``, whose
        final names depend on how many there turn out to be.
    """
    short = len(_short_names(taken, exact))
    numbered = numbered_names(taken, exact)
    known: list[str] = []

    def name(k: int) -> str | None:
        if k <= short:
            return None
        while len(known) < k:
            known.append(next(numbered))
        return known[k - 1]

    return name


def symbol_names(program: Program) -> set[str]:
    """Every symbol a program uses or assigns, read from its terms before decomposing it.

    Args:
        program: the parsed program.

    Returns:
        The names.
    """
    names = {a.name for a in program.assignments if a.name is not None}
    stack = [a.value for a in program.assignments]
    while stack:
        term = stack.pop()
        if term.op == "symbol":
            names.add(term.text)
        stack.extend(term.args)
    return names


def _short_names(taken: Iterable[str], exact: Iterable[str]) -> list[str]:
    taken = set(taken)
    stems = {stem(n) for n in taken}
    avoid = taken | set(exact)
    return [n for n in _GENERATED if stem(n) not in stems and n not in avoid]


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
    """The nodes with their placeholder names (``\\0<n>``, ``\\0out``) replaced by real ones;
    a generated node already named as ``predicted_names`` predicted keeps its name.

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
    # Only the names that change: those named as predicted (``predicted_names``) stay.
    mapping: dict[sympy.Expr, sympy.Expr] = {
        n.symbol: sympy.Symbol(new_names[n.name], **assumptions)
        for n in nodes
        if new_names.get(n.name, n.name) != n.name
    }
    # Typed forms are rebuilt wherever they hold a generated node, renamed or not: rebuilding
    # splices a product's products (p·(q·r) is p·q·r, as it reads), and it must not depend on
    # whether a name was predicted.
    generated = {n.symbol for n in nodes if not n.named_by_user}
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
            definition = old.xreplace(mapping) if plain else write_out(old, mapping, generated)
        out.append(
            Node(
                sym.name,
                sym,
                definition,
                parents_in_order(definition),
                n.named_by_user,
                evaluated=None if n.evaluated is None else n.evaluated.xreplace(mapping),
                written=None if n.written is None else write_out(n.written, mapping, generated),
            )
        )
    return out
