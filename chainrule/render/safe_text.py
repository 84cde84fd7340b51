"""User text made safe to show: escapes made visible, programs on one line, long text cut.

>>> sanitize("x\\x1b[31m")
'x\\\\x1b[31m'
>>> one_line("a = 2x\\n  y = sin(a)\\n")
'a = 2x; y = sin(a)'
>>> shorten("abcdef", 4)
'abc…'
"""

from __future__ import annotations

import re
import unicodedata

HEADING_MAX = 100  # characters of source text shown in a heading

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def sanitize(text: str) -> str:
    """User text made safe to show literally: ANSI escapes and control characters made visible.

    Args:
        text: text the user typed (the source, names inside notes).

    Returns:
        The text with escape sequences, control and format characters (newlines included)
        written as ``\\x1b``, ``\\n``, ``\\u202e``; spaces and printable text unchanged.
    """
    if text.isprintable():  # no escape, control, format or line-separator character in it
        return text
    text = _ANSI.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )


def one_line(text: str) -> str:
    """A program's lines joined by ``; `` and sanitized, for a heading or a note.

    Args:
        text: user text, possibly several lines.

    Returns:
        One line.
    """
    return sanitize("; ".join(line.strip() for line in text.splitlines() if line.strip()))


def shorten(text: str, limit: int = HEADING_MAX) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    Args:
        text: any text.
        limit: maximal length.

    Returns:
        The text, or its start followed by ``…``.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"
