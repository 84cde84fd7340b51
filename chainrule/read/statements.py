"""A program's statements: where each one is, what it assigns, and the versions of a name that
is assigned more than once.

A program may reassign a name as code does (``c = c + 1``, ``c += 1``, ``d *= 2``).  Each
assignment then makes a new version of the name, and every use refers to the latest version
assigned before it: the versions are ``c``, ``c__1``, ``c__2`` (``model.NameParts``; shown c, c′,
c″).  When the first assignment already uses the name (``x = x/255``) that use is an input, and
the assignments are versions 1, 2, ….
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import NamedTuple

from chainrule.model import NameParts, Note
from chainrule.read.lexer import Token

AUGMENTED = frozenset("+-*/")  # c += 1, c -= 1, c *= 2, c /= 2


class Statement(NamedTuple):
    """One statement's place among the tokens."""

    start: int  # index of its first token
    end: int  # index of the ``sep`` or ``end`` token after it
    value: int  # index of the first token of its expression
    target: Token | None  # the assigned name; None for a bare expression
    op: str = ""  # an augmented assignment's operator ("+" for +=), else ""


def split(toks: list[Token]) -> list[Statement]:
    """The statements among ``toks``, blank ones skipped.

    Args:
        toks: a whole program's tokens.

    Returns:
        Each statement in order.
    """
    found = []
    start = 0
    for index, tok in enumerate(toks):
        if tok.kind not in ("sep", "end"):
            continue
        if index > start:
            found.append(_statement(toks, start, index))
        start = index + 1
    return found


def _statement(toks: list[Token], start: int, end: int) -> Statement:
    first, second, third = toks[start], toks[start + 1], toks[min(start + 2, end)]
    if first.kind == "name" and second.kind == "eq":
        return Statement(start, end, start + 2, first)
    augmented = second.kind == "op" and second.text in AUGMENTED and second.end == third.col
    if first.kind == "name" and augmented and third.kind == "eq":
        return Statement(start, end, start + 3, first, second.text)
    return Statement(start, end, start, None)


class Versions(NamedTuple):
    """What ``versions`` made: the renamed tokens and what the parser needs to know."""

    tokens: list[Token]
    names: set[str]  # every version's name
    before: dict[int, str]  # an augmented statement's start → the version it updates
    notes: list[Note]


def versions(toks: list[Token], statements: list[Statement], lines: list[str]) -> Versions:
    """Give each assignment of a reassigned name a version of its own, and each use the
    latest version assigned before it.

    Args:
        toks: the program's tokens.
        statements: ``split(toks)``.
        lines: the text's lines, for quoting names in notes.

    Returns:
        The tokens with versions' names in place, and a note per reassigned name.
    """
    counts = Counter(s.target.text for s in statements if s.target is not None)
    uses_itself: dict[str, bool] = {}  # does the name's first assignment use the name?
    for s in statements:
        if s.target is not None and s.target.text not in uses_itself:
            name = s.target.text
            used = any(t.kind == "name" and t.text == name for t in toks[s.value : s.end])
            uses_itself[name] = used or bool(s.op)
    versioned = [n for n in counts if counts[n] > 1 or uses_itself[n]]
    if not versioned:
        return Versions(toks, set(), {}, [])
    toks = list(toks)
    current = {n: n for n in versioned if uses_itself[n]}  # the input it starts from
    made = Counter[str]()
    names: set[str] = set()
    before: dict[int, str] = {}
    for s in statements:
        for j in range(s.value, s.end):
            if toks[j].kind == "name" and toks[j].text in current:
                toks[j] = toks[j]._replace(text=current[toks[j].text])
        if s.target is None or s.target.text not in versioned:
            continue
        name = s.target.text
        if s.op:
            before[s.start] = current[name]
        version = made[name] + uses_itself[name]
        current[name] = dataclasses.replace(NameParts.of(name), version=version).name
        made[name] += 1
        names.add(current[name])
        toks[s.start] = toks[s.start]._replace(text=current[name])
    notes = [_note(n, counts[n], uses_itself[n], statements, lines) for n in versioned]
    return Versions(toks, names, before, notes)


def _note(
    name: str, count: int, uses_itself: bool, statements: list[Statement], lines: list[str]
) -> Note:
    target = next(s.target for s in statements if s.target is not None and s.target.text == name)
    typed = lines[target.line - 1][target.col - 1 : target.end - 1]
    if uses_itself:
        return Note("reassigned_input", (("name", typed),))
    return Note("reassigned", (("name", typed), ("count", str(count))))
