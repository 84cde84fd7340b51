"""Notes worded for people: the layers below say what they noticed as a ``model.Note`` code
and its data; only this module puts it in words.

>>> from chainrule.model import Note
>>> note_text(Note("constant"))
'the expression has no variables: its derivative is 0'
"""

from __future__ import annotations

from chainrule.model import Note

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
