"""Notes worded for people: every code has a sentence; an unworded code is refused."""

from __future__ import annotations

import string

import pytest

from chainrule.model import Note
from chainrule.render.notes import WORDING, note_text


@pytest.mark.parametrize("code", sorted(WORDING))
def test_every_code_is_one_line_without_a_full_stop(code: str) -> None:
    fields = {field for _, field, _, _ in string.Formatter().parse(WORDING[code]) if field}
    text = note_text(Note(code, tuple((field, "x") for field in sorted(fields))))
    assert text and "\n" not in text and not text.endswith(".") and "{" not in text


def test_a_code_without_wording_is_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match="'verdict' has no wording"):
        note_text(Note("verdict"))


def test_reading_notes_go_to_stderr_and_stay_out_of_the_derivation(monkeypatch) -> None:
    import dataclasses

    import chainrule.render.notes as notes
    from chainrule.api import derive
    from chainrule.render.text import render_text

    monkeypatch.setattr(notes, "READING", frozenset({"read_as"}))
    monkeypatch.setitem(notes.WORDING, "read_as", "{text} was read as {reading}")
    read = Note("read_as", (("text", "sinx"), ("reading", "sin(x)")))
    derivation = dataclasses.replace(derive("sin(x)"), notes=(read, Note("constant")))
    assert notes.derivation_notes(derivation) == [Note("constant")]
    assert notes.stderr_notes([*derivation.notes, Note("simplify_timeout")]) == [
        read,
        Note("simplify_timeout"),
    ]
    shown = render_text(derivation)
    assert "note: the expression has no variables" in shown and "sinx" not in shown
