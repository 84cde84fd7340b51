"""Notes worded for people: every code has a sentence; an unworded code is refused."""

from __future__ import annotations

import pytest

from chainrule.model import Note
from chainrule.render.notes import WORDING, note_text


@pytest.mark.parametrize("code", sorted(WORDING))
def test_every_code_is_one_line_without_a_full_stop(code: str) -> None:
    text = note_text(Note(code))
    assert text and "\n" not in text and not text.endswith(".")


def test_a_code_without_wording_is_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match="'verdict' has no wording"):
        note_text(Note("verdict"))
