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

# read: how ambiguous input was read, quoting it as typed (the READING notes)
_READ_WORDING = {
    "glued_function": (
        "read '{text}' as {function} {argument}, the function {function} applied to {argument}"
    ),
    "split_name": "read '{text}' as the product {reading}; write * or a space to say so",
    "power_product": (
        "read '{text}' as {reading}: a power takes only the number after ^; write {other} for "
        "the other reading"
    ),
    "power_fraction": (
        "read '{text}' as {reading}: a power takes only the number after ^; write {other} for "
        "the other reading"
    ),
    "quotient_product": (
        "read '{text}' as {reading}: / and implicit multiplication rank alike, left to right; "
        "write {other} for the other reading"
    ),
    "spaced_call": "read '{text}' as a call of the function {name}; write {name}*(…) to multiply",
    "product_call": (
        "read '{text}' as the product {reading}; declare {name} a function to read it as a call"
    ),
    "product_name": "read '{text}' as one name, not a product; write {product} to multiply",
    "square_brackets": "read [ ] as brackets that group, like ( )",
    "natural_log": "read log as the natural logarithm ln; write log_10(x) for base 10",
    "shadows_e": (
        "'{name}' is assigned, so it is a variable here, not Euler's number; write exp(x) for "
        "the exponential"
    ),
    "shadows_pi": "'{name}' is assigned, so it is a variable here, not the constant π",
    "reassigned": (
        "'{name}' is assigned {count} times, as in code: each assignment is a new version of "
        "it, shown with a prime ({name}, {name}′, …)"
    ),
    "reassigned_input": (
        "'{name}' is used in its own first assignment: that {name} is an input, and each "
        "assignment a new version of it, shown with a prime ({name}′, …)"
    ),
}

WORDING = {
    **_READ_WORDING,
    # calculus.engine
    "constant": "the expression has no variables: its derivative is 0",
    "absent_variable": "{name} does not occur in the expression: the derivative by {name} is 0",
    # calculus.decompose
    "zero_power": (
        "a power of 0 is taken as 0 (its value for a positive exponent; for a negative one "
        "it is undefined), so its derivative is 0"
    ),
    # check.verify: why the cross-check could not decide
    "no_real_point": "not checked numerically: no sampled point has a real value",
    "ill_conditioned": (
        "not checked numerically: the function oscillates too fast for a finite difference "
        "at every sampled point"
    ),
    "abstract_too_large": "not checked: it holds abstract functions and is too large",
    "symbolic_undecided": "not confirmed: sympy cannot compare these forms",
    # check.values
    "unused_value": "{name} is not a variable here: its value is not used",
    # check.gradcheck
    "gradcheck_skipped": (
        "{count} random points passed over: the function or a derivative has no value there "
        "(a pole, a corner), or its difference quotient does not settle"
    ),
    "gradcheck_nothing": (
        "nothing was compared: no derivative has a value, or a difference quotient that "
        "settles, at the point"
    ),
    # runner
    "simplify_timeout": (
        "simplification ran out of time; the result shown is exact but unsimplified"
    ),
    "plain_layout": (
        "{steps} steps: shown in the plain text layout, which a terminal draws far faster "
        "than panels"
    ),
}


# Codes of notes about how the input was read (see the module docstring).
READING: frozenset[str] = frozenset(_READ_WORDING)
# The runner's own notes, about this run rather than the derivation: printed on stderr.
RUNNER: frozenset[str] = frozenset({"simplify_timeout", "plain_layout"})


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
