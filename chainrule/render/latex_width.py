"""LaTeX maths measured without TeX: where a row may break, and about how wide it sets.

The LaTeX renderer breaks long rows so that a derivation fits the page.  It cannot run TeX, so
``tex_width`` estimates the width in points of a row set in display style by Computer Modern at
10 pt, from a table of glyph widths (``\\frac`` as its wider half, scripts at 70 %).  The table
errs on the wide side, so that an estimate that fits is a row that fits.

>>> tex_width(r"x + 1") > tex_width("x")
True
>>> [text[b.at:] for text in [r"2 x \\sigma\\left(a\\right) - y"] for b in scan_latex(text)]
['\\\\sigma\\\\left(a\\\\right) - y', '- y']
>>> balance(r"\\left(a + b")
'\\\\left(a + b\\\\right.'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from chainrule.render.wrap import PRODUCT, SUM, Break, rank

_TOKENS = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)

# Commands and characters that are not an operand (nothing juxtaposed before them).
_NOT_OPERAND = {r"\left", r"\right", r"\cdot", r"\times", r"\to", r"\quad", r"\qquad", "\\\\"}
_OPERATORS = set("+-=<>,;&^_") | {r"\cdot", r"\times", r"\to"}

# Widths in points of glyphs at 10 pt (rounded up), and of the space math puts around them.
_BIN, _REL = 2 * 2.3, 2 * 2.8
_WIDTH = {
    "+": 7.8 + _BIN,
    "-": 7.8 + _BIN,
    "=": 7.8 + _REL,
    "<": 7.8 + _REL,
    ">": 7.8 + _REL,
    ",": 2.8 + 1.7,
    ";": 2.8 + 1.7,
    "(": 3.9,
    ")": 3.9,
    "[": 2.8,
    "]": 2.8,
    "|": 2.8,
    "!": 2.8,
    "'": 2.8,
    "/": 5.0,
    ".": 2.8,
    r"\cdot": 2.8 + _BIN,
    r"\times": 7.8 + _BIN,
    r"\to": 10.0 + _REL,
    r"\quad": 10.0,
    r"\qquad": 20.0,
    r"\partial": 5.8,
    r"\infty": 10.0,
    r"\ldots": 13.4,
    r"\surd": 8.4,
    "\\ ": 3.4,
    r"\,": 1.7,
    r"\;": 2.8,
    r"\!": -1.7,
    r"\{": 5.0,
    r"\}": 5.0,
}
_ROMAN = 5.6  # a letter of an operator name or of \text (roman, rounded up)
_ITALIC = 5.8  # a letter of a variable (italic; capitals are wider)
_CAPITAL = 8.2
_WIDE = {"m": 8.8, "w": 7.6, "W": 11.0, "M": 9.8, "N": 8.2, "V": 8.2, "X": 8.4, "H": 8.4}
_DIGIT = 5.0
_COMMAND = 6.5  # a Greek letter or another symbol by name
_DELIMITER = 5.0  # \left( and \right) grow with what they enclose
_SQRT = 9.0
_SCRIPTSPACE = 0.5
_FRAC = 2.4  # \nulldelimiterspace on each side
_SCRIPT = 0.75  # the size of a script, and of a fraction inside a fraction
# Commands followed by brace groups of their own kind.
_PENDING = {
    r"\frac": ["num", "den"],
    r"\sqrt": ["sqrt"],
    "^": ["script"],
    "_": ["script"],
    **{g: ["text"] for g in (r"\text", r"\textbf", r"\operatorname", r"\mathrm", r"\mathit")},
}
_WORDS = {r"\ln", r"\log", r"\exp", r"\sin", r"\cos", r"\tan", r"\sec", r"\csc", r"\cot"}


def _is_number(tok: str) -> bool:
    return tok.isdigit()


def scan_latex(text: str) -> list[Break]:
    """The places where a row of LaTeX maths may break: before a binary ``+``, ``-`` or
    ``\\cdot``, and between juxtaposed factors (not after a number: ``2 x`` stays), only
    outside braces, ranked by how many ``\\left`` brackets are open.

    Args:
        text: math-mode LaTeX as ``printers.latex`` prints it.

    Returns:
        The breaks, in order.
    """
    out: list[Break] = []
    braces = lefts = envs = 0
    prev = ""  # the last token outside braces that was not space: "operand", "open" or "op"
    number = spaced = delimiter = False
    for m in _TOKENS.finditer(text):
        tok, at = m.group(), m.start()
        if tok.isspace():
            spaced = True
            continue
        if delimiter:  # the delimiter of a \left or \right
            delimiter, spaced = False, False
            continue
        if braces or envs:  # inside a group or an environment (cases): no break
            braces += (tok == "{") - (tok == "}")
            envs += (tok == r"\begin") - (tok == r"\end")
            prev = "operand" if not braces and not envs else prev
            spaced = False
            continue
        if tok in ("+", "-", r"\cdot", r"\times") and prev == "operand":
            out.append(Break(at, rank(lefts, PRODUCT if tok.startswith("\\") else SUM)))
            prev = "op"
        elif tok == r"\left":
            if spaced and prev == "operand" and not number:
                out.append(Break(at, rank(lefts, PRODUCT), juxtaposed=True))
            lefts, prev, delimiter = lefts + 1, "open", True
        elif tok == r"\right":
            lefts, prev, delimiter = max(0, lefts - 1), "operand", True
        elif tok in _OPERATORS or tok in _NOT_OPERAND:
            prev = "op" if tok not in ("^", "_") else prev
        else:
            if spaced and prev == "operand" and not number:
                out.append(Break(at, rank(lefts, PRODUCT), juxtaposed=True))
            braces, envs = int(tok == "{"), int(tok == r"\begin")
            prev, number = "operand", _is_number(tok)
            spaced = False
            continue
        number = spaced = False
    return out


def balance(text: str) -> str:
    """One line of a broken row, its ``\\left`` and ``\\right`` paired again: ``\\left.``
    before a ``\\right`` whose ``\\left`` is on an earlier line, ``\\right.`` after a
    ``\\left`` closed on a later one.

    Args:
        text: a piece of a row, cut outside braces.

    Returns:
        The piece, balanced, for a line of its own.
    """
    opened = unopened = 0
    for tok in _TOKENS.findall(text):
        if tok == r"\left":
            opened += 1
        elif tok == r"\right":
            if opened:
                opened -= 1
            else:
                unopened += 1
    return r"\left. " * unopened + text + r"\right." * opened


@dataclass
class _Group:
    """A brace group being measured: its scale, its width so far, what it is."""

    scale: float
    kind: str = ""  # "num", "den", "script", "sqrt", "text" or a plain group
    width: float = 0.0
    numerator: float = 0.0  # in the group holding a \frac: its numerator's width
    pending: list[str] = field(default_factory=list)  # what its next brace groups are


def tex_width(text: str) -> float:
    """About how wide ``text`` sets in display style, in points at 10 pt (rounded up).

    Args:
        text: math-mode LaTeX, balanced braces.

    Returns:
        The estimated width.
    """
    # Every digit is as wide as every other: u_{5998} and u_{1234} are one measurement.
    return _width(_DIGIT_RUN.sub(_zeros, text))


_DIGIT_RUN = re.compile(r"[0-9]+")


def _zeros(match: re.Match[str]) -> str:
    return "0" * len(match.group())


@functools.lru_cache(maxsize=1 << 16)  # the same pieces are measured again and again
def _width(text: str) -> float:
    groups = [_Group(1.0)]  # the open brace groups, innermost last: no recursion over depth
    top = groups[0]
    single = skip = False  # a script of one token without braces; a \left's delimiter
    for tok in _TOKENS.findall(text):
        if skip:
            skip = False
            continue
        space = tok.isspace()
        if space and top.kind != "text":
            continue
        if tok == "{":
            kind = top.pending.pop(0) if top.pending else ""
            nested = kind in ("num", "den") and any(g.kind in ("num", "den") for g in groups)
            small = kind == "script" or nested
            top = _Group(top.scale * _SCRIPT if small else top.scale, kind)
            groups.append(top)
            single = False
        elif tok == "}" and len(groups) > 1:
            done = groups.pop()
            top = groups[-1]
            if done.kind == "num":
                top.numerator = done.width
            elif done.kind == "den":
                top.width += max(done.width, top.numerator) + 2 * _FRAC
            else:
                extra = {"sqrt": _SQRT, "script": _SCRIPTSPACE}.get(done.kind, 0.0)
                top.width += done.width + extra * top.scale
        elif tok in _PENDING:
            top.pending[:0] = _PENDING[tok]
            single = tok in ("^", "_")
        else:
            glyph = (3.4 if space else _glyph(tok, top.kind == "text")) * top.scale
            if single:  # x^2: a script of one token
                glyph *= _SCRIPT
                top.pending.pop(0)
                single = False
            top.width += glyph
            skip = tok in (r"\left", r"\right")
    return groups[0].width


@functools.lru_cache(maxsize=1 << 12)
def _glyph(tok: str, roman: bool) -> float:
    if tok in _WIDTH:
        return _WIDTH[tok]
    if tok in (r"\left", r"\right", "&", "}", "{"):
        return _DELIMITER if tok in (r"\left", r"\right") else 0.0
    if tok in _WORDS:
        return _ROMAN * (len(tok) - 1) + 1.7
    if tok.startswith("\\"):
        return _COMMAND
    if roman:
        return _ROMAN
    if tok.isdigit():
        return _DIGIT
    if tok in _WIDE:
        return _WIDE[tok]
    return _CAPITAL if tok.isupper() else _ITALIC
