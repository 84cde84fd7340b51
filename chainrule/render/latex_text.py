r"""Text for pdflatex: user and engine text escaped for LaTeX's text mode (``\text{}``,
``\intertext``), Greek letters as math glyphs, anything pdflatex cannot set as ``?``.

>>> latex_text("50% of x_1")
'50\\% of x\\_1'
"""

from __future__ import annotations

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# Non-ASCII characters chainrule itself writes, as pdflatex can set them.
_TEXT_SYMBOLS = {
    "\u2212": "-",
    "·": r"\ensuremath{\cdot}",
    "∂": r"\ensuremath{\partial}",
    "…": r"\ldots{}",
    "→": r"\ensuremath{\to}",
    "√": r"\ensuremath{\surd}",
}


def _greek_commands() -> dict[str, str]:
    """Glyph → command name for the Greek letters LaTeX has commands for (no \\omicron, no
    \\Alpha: capitals that look Latin have none)."""
    from sympy.printing.pretty.pretty_symbology import greek_unicode

    capitals = ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi")
    names = {
        k: v for k, v in greek_unicode.items() if k[0].islower() and k not in ("omicron", "lamda")
    }
    names.update({k: greek_unicode[k] for k in (*capitals, "Omega")})
    return {glyph: name for name, glyph in names.items()}


_GREEK = _greek_commands()


def latex_text(text: str) -> str:
    """``text`` escaped for LaTeX text mode (inside ``\\text{}``), safe for pdflatex.

    Args:
        text: sanitized user or engine text.

    Returns:
        The text with LaTeX specials escaped; characters pdflatex cannot set become ``?``,
        Greek letters become math glyphs.
    """
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in _GREEK:
            out.append(rf"\ensuremath{{\{_GREEK[ch]}}}")
        elif ch in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[ch])
        else:
            out.append("?")
    return "".join(out)
