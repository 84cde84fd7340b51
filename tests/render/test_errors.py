"""Errors as programs see them: the JSON Lines entry for an input that failed."""

from __future__ import annotations

from chainrule.errors import ParseError
from chainrule.render.errors import error_line


def test_error_line() -> None:
    err = ParseError("unexpected ')'", source="sin(x))", column=7)
    assert error_line("sin(x))", err) == {
        "schema": 1,
        "input": "sin(x))",
        "error": {"type": "parse", "message": "unexpected ')'", "column": 7},
    }
