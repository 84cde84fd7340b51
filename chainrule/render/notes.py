"""Notes worded for people: the layers below say what they noticed as a ``model.Note`` code
and its data; only this module puts it in words, and says where a note is shown.

Notes on how the input was *read* (``READING``: a name glued to its argument, a constant
shadowed, …) are diagnostics about the input, like a compiler's warnings: the command line
prints them on stderr and JSON lists them, but the derivation a reader keeps (text, LaTeX,
Markdown, the terminal view) leaves them out.  Every other note is part of the derivation.

>>> from chainrule.model import Note
>>> note_text(Note("constant"))
'the expression has no variables: its derivative is 0'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time notes are only read: no model (and so no sympy) import
    from chainrule.model import Derivation, Note

WORDING = {
    # calculus.engine
    "constant": "the expression has no variables: its derivative is 0",
    # check.verify: why the cross-check could not decide
    "no_real_point": "not checked numerically: no sampled point has a real value",
    "abstract_too_large": "not checked: it holds abstract functions and is too large",
    "symbolic_undecided": "not confirmed: sympy cannot compare these forms",
    # runner
    "simplify_timeout": (
        "simplification ran out of time; the result shown is exact but unsimplified"
    ),
}


# Codes of notes about how the input was read (see the module docstring).
READING: frozenset[str] = frozenset()
# The runner's own notes, about this run rather than the derivation: printed on stderr.
RUNNER: frozenset[str] = frozenset({"simplify_timeout"})


def derivation_notes(d: Derivation) -> list[Note]:
    """The notes a rendered derivation shows (everything but the reading notes).

    Args:
        d: the derivation.

    Returns:
        Its notes in order, without those in ``READING``.
    """
    return [note for note in d.notes if note.code not in READING]


def stderr_notes(notes: Iterable[Note]) -> list[Note]:
    """The notes the command line prints on stderr, in order.

    Args:
        notes: a derivation's notes and the runner's.

    Returns:
        The reading notes and the runner's.
    """
    return [note for note in notes if note.code in READING or note.code in RUNNER]


def note_text(note: Note) -> str:
    """The note as one line of English.

    Args:
        note: a code from ``WORDING`` and its data (``{name}`` fields in the wording).

    Returns:
        The sentence, without a trailing full stop.

    Raises:
        NotImplementedError: a code with no wording yet (a new note must be worded here).
    """
    wording = WORDING.get(note.code)
    if wording is None:
        raise NotImplementedError(f"note {note.code!r} has no wording in render.notes")
    return wording.format(**dict(note.data))
