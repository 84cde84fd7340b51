"""Errors as people and programs see them: the message, the line with a caret, the hint, and
the JSON error object.  Built here once; the runner and the CLI only pass them on.

>>> from chainrule.errors import ParseError
>>> print(format_error(ParseError("unknown function 'sinn'", source="sinn(x)", column=1,
...                               hint="did you mean 'sin'?")))
error: unknown function 'sinn'
  sinn(x)
  ^
hint: did you mean 'sin'?
"""

from __future__ import annotations

import unicodedata
from typing import Any

from chainrule.errors import ChainruleError

SCHEMA = 1


def format_error(err: ChainruleError, *, hint: str | None = None) -> str:
    """Render an error for a terminal: message, the source line with a caret, and the hint.

    Control characters, ANSI escapes and other invisible characters in the echoed text are
    shown escaped (``\\x1b``), never raw; very long lines are cut around the column.

    Args:
        err: any chainrule error; ``source``, ``column`` and ``hint`` are used when set.
        hint: shown instead of ``err.hint`` (the CLI's hint naming a flag).

    Returns:
        The lines joined with newlines, without a trailing newline.
    """
    out = [f"error: {_escape(err.message)}"]
    if err.source is not None and err.column is not None:
        shown, caret = _excerpt(err.source, err.column)
        out += [f"  {shown}", "  " + " " * caret + "^"]
    hint = hint or err.hint
    if hint:
        out.append(f"hint: {_escape(hint)}")
    return "\n".join(out)


def error_object(err: ChainruleError, *, hint: str | None = None) -> dict[str, Any]:
    """The error as the ``error`` object of the JSON contract: type, message, column, hint.

    Args:
        err: any chainrule error.
        hint: used instead of ``err.hint`` (the CLI's hint naming a flag).

    Returns:
        ``{"type": "parse", "message": …, "column": 5, "hint": …}``; no hint key without one.
    """
    out: dict[str, Any] = {"type": err.kind, "message": err.message, "column": err.column}
    hint = hint or err.hint
    if hint:
        out["hint"] = hint
    return out


def error_line(source: str, err: ChainruleError, *, hint: str | None = None) -> dict[str, Any]:
    """The JSON Lines entry for an input that failed: ``{"schema": 1, "input": …, "error": …}``.

    Args:
        source: the input as the user gave it.
        err: the error raised for it.
        hint: used instead of ``err.hint``.

    Returns:
        The dict, ready for ``json.dumps``.
    """
    return {"schema": SCHEMA, "input": source, "error": error_object(err, hint=hint)}


_WINDOW = 60  # characters shown on each side of the column in a long line


def _shown(ch: str) -> str:
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _width(text: str) -> int:
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _escape(text: str) -> str:
    return "".join(_shown(ch) for ch in text)


def _excerpt(source: str, column: int) -> tuple[str, int]:
    """The (escaped) part of the line to show and the caret's offset in display cells."""
    index = min(max(column - 1, 0), len(source))
    start = max(0, index - _WINDOW)
    stop = min(len(source), index + _WINDOW)
    before = ("…" if start else "") + "".join(
        " " if ch == "\t" else _shown(ch) for ch in source[start:index]
    )
    after = "".join(" " if ch == "\t" else _shown(ch) for ch in source[index:stop])
    return before + after + ("…" if stop < len(source) else ""), _width(before)
