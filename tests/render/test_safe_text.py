"""Safe text: user text shown literally, on one line, cut to a length."""

from __future__ import annotations

from chainrule.render.safe_text import HEADING_MAX, one_line, sanitize, shorten


def test_sanitize_makes_escapes_and_control_characters_visible() -> None:
    assert sanitize("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert sanitize("a\u202eb\nc\td") == "a\\u202eb\\nc\\td"
    assert sanitize("\x1b]8;;https://example.com\x07link") == (
        "\\x1b]8;;https://example.com\\x07link"
    )
    assert sanitize("σ(a) · [bold] $x$ ") == "σ(a) · [bold] $x$ "  # printable text unchanged


def test_one_line_joins_a_programs_lines() -> None:
    assert one_line("a = 2x  \n\n  L = a^2\n") == "a = 2x; L = a^2"
    assert one_line("x\u2028y") == "x; y"  # a Unicode line separator splits too


def test_shorten_cuts_with_an_ellipsis() -> None:
    assert shorten("x" * HEADING_MAX) == "x" * HEADING_MAX
    assert shorten("x" * (HEADING_MAX + 1)) == "x" * (HEADING_MAX - 1) + "…"
    assert shorten("abcdef", 3) == "ab…"
