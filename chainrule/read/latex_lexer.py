"""LaTeX → the same tokens the plain-math lexer makes, so the parser has one grammar.

Commands translate to tokens one by one (``\\sin`` → name ``sin``, ``\\cdot`` → ``*``, ``\\left(``
→ ``(``).  The two commands with several brace arguments become calls of internal names that
no user can type (they contain a backslash): ``\\frac{a}{b}`` → ``\\frac(a, b)`` and
``\\sqrt[n]{x}`` → ``\\root(n, x)``.  The lexer tracks braces for that, one line at a time.
Unknown commands are refused with their column: nothing is ever read from a file or run.
"""

from __future__ import annotations

import difflib

from chainrule.read.lexer import Lexer
from chainrule.read.notation import ACCENT_MARKS, GREEK_NAMES, LETTERS

_SPACES = frozenset({",", ";", ":", "!", " ", ">", "quad", "qquad"})
_SIZES = frozenset(
    f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")
)
_OPS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_FUNCTIONS = frozenset(
    "sin cos tan sec csc cot arcsin arccos arctan arcsec arccsc arccot sinh cosh tanh sech csch "
    "coth arsinh arcosh artanh exp ln log max min sgn erf".split()
)
_VARIANTS = {
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "varsigma": "sigma",
    "varrho": "rho",
}
_GREEK = {name: name for name in GREEK_NAMES if name not in ("omicron", "Omicron")} | _VARIANTS
_TEXT = frozenset({"operatorname", "mathrm", "text", "textrm", "mathit", "mathbf"})
_OTHER = frozenset({"frac", "dfrac", "tfrac", "sqrt", "left", "right", "lvert", "rvert", "vert"})
# Accents on a one-letter name: \hat{y} is ŷ.
_ACCENTS = {name: name for name in ACCENT_MARKS.values()} | {
    "widehat": "hat",
    "overline": "bar",
    "widetilde": "tilde",
}
KNOWN_COMMANDS = sorted(
    _SPACES
    | _SIZES
    | set(_OPS)
    | _FUNCTIONS
    | set(_GREEK)
    | _TEXT
    | _OTHER
    | set(_ACCENTS)
    | {"{", "}"}
)


class LatexLexer(Lexer):
    """Tokens of LaTeX math text (plain notation is read too)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        # Open braces/brackets: (kind, column); kinds brace, bracket, frac1, frac2, root1, root2.
        self.frames: list[tuple[str, int]] = []
        self.expect = ""  # "frac2"/"root2": the next non-blank character must be "{"

    def dispatch(self, c: str) -> None:
        col = self.col()
        if c in " $~":  # $…$ delimiters and ~ (a LaTeX space) mean nothing here
            self.pos += 1
        elif self.expect:
            if c != "{":
                what = "\\frac needs {numerator}{denominator}"
                self.fail(what if self.expect == "frac2" else "\\sqrt[n] needs {radicand}", col)
            self.pos += 1
            self.frames.append((self.expect, col))
            self.expect = ""
        elif c == "\\":
            self._command(col)
        elif c == "%":
            self.pos = len(self.chars)
        elif c in "{[":
            self.pos += 1
            self._open(c, col)
        elif c == "}":
            self.pos += 1
            self._close_brace(col)
        elif c == "]":
            self.pos += 1
            self._close_bracket(col)
        else:
            super().dispatch(c)

    def end_line(self) -> None:
        if self.expect:
            self.fail("\\frac needs {numerator}{denominator}", self.col())
        if self.frames:
            kind, col = self.frames[-1]
            bracket = "[" if kind in ("bracket", "root1") else "{"
            self.fail(f"unbalanced '{bracket}' opened at column {col}", col)

    def _open(self, c: str, col: int) -> None:
        self.frames.append(("brace" if c == "{" else "bracket", col))
        self.emit("open", c, col)

    def _close_brace(self, col: int) -> None:
        if not self.frames or self.frames[-1][0] in ("bracket", "root1"):
            self.fail("unexpected '}'", col)
        kind, _ = self.frames.pop()
        if kind == "brace":
            self.emit("close", "}", col)
        elif kind == "frac1":
            self.emit("op", ",", col)
            self.expect = "frac2"
        else:
            self.emit("close", ")", col)

    def _close_bracket(self, col: int) -> None:
        if not self.frames or self.frames[-1][0] not in ("bracket", "root1"):
            self.fail("unexpected ']'", col)
        kind, _ = self.frames.pop()
        if kind == "bracket":
            self.emit("close", "]", col)
        else:
            self.emit("op", ",", col)
            self.expect = "root2"

    def _read_command(self) -> str:
        start = self.pos
        while self.peek() in LETTERS and self.peek():
            self.pos += 1
        if self.pos == start and self.peek():
            self.pos += 1
        return "".join(self.chars[start : self.pos])

    def _skip_blanks(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def _command(self, col: int) -> None:
        self.pos += 1
        cmd = self._read_command()
        if cmd in _SPACES or cmd in _SIZES:
            return
        if cmd in _OPS:
            self.emit("op", _OPS[cmd], col)
        elif cmd in _FUNCTIONS:
            self._name(self._subscript(cmd), col)
        elif cmd in _GREEK:
            self._name(self._subscript(_GREEK[cmd]), col)
        elif cmd in _TEXT:
            self._text_name(cmd, col)
        elif cmd in _ACCENTS:
            self._accent(cmd, col)
        elif cmd in ("frac", "dfrac", "tfrac"):
            self._skip_blanks()
            if self.peek() != "{":
                self.fail("\\frac needs {numerator}{denominator}", col)
            self.frames.append(("frac1", self.col()))
            self.emit("name", "\\frac", col)
            self.emit("open", "(", self.col())
            self.pos += 1
        elif cmd == "sqrt":
            self._skip_blanks()
            if self.peek() == "[":
                self.frames.append(("root1", self.col()))
                self.emit("name", "\\root", col)
                self.emit("open", "(", self.col())
                self.pos += 1
            else:
                self.emit("name", "sqrt", col)
        elif cmd in ("left", "right"):
            self._delimiter(cmd, col)
        elif cmd in ("lvert", "rvert", "vert"):
            self.emit({"lvert": "lbar", "rvert": "rbar", "vert": "bar"}[cmd], "|", col)
        elif cmd == "{":
            self._open("{", col)
        elif cmd == "}":
            self._close_brace(col)
        else:
            self._unknown(cmd, col)

    def _text_name(self, cmd: str, col: int) -> None:
        self._skip_blanks()
        if self.peek() != "{":
            self.fail(f"\\{cmd} needs a name in braces, like \\{cmd}{{relu}}", col)
        self.pos += 1
        name = ""
        while True:
            c = self.peek()
            if c in LETTERS or (c.isdigit() and c.isascii()) or (c == "_" and name):
                name += c
                self.pos += 1
            elif c == "\\" and self.peek(1) == "_" and name:  # \operatorname{leaky\_relu}
                name += "_"
                self.pos += 2
            else:
                break
        if not name or self.peek() != "}":
            self.fail(f"\\{cmd}{{…}} may hold only a name made of letters and digits", col)
        self.pos += 1
        self._name(self._subscript(name), col)

    def _accent(self, cmd: str, col: int) -> None:
        # \hat{y}, \hat y, \hat{\theta}, \hat\theta; subscripts may follow: \hat{y}_1.
        self._skip_blanks()
        braced = self.peek() == "{"
        self.pos += braced
        self._skip_blanks()
        if self.peek() == "\\":
            self.pos += 1
            stem = _GREEK.get(self._read_command(), "")
        else:
            stem = self.peek() if self.peek() in LETTERS else ""
            self.pos += bool(stem)
        self._skip_blanks()
        if not stem or (braced and self.peek() != "}"):
            self.fail(f"\\{cmd} takes one letter, like \\{cmd}{{y}}", col)
        self.pos += braced
        self.accented(stem, _ACCENTS[cmd], col)

    def _delimiter(self, cmd: str, col: int) -> None:
        self._skip_blanks()
        c, here = self.peek(), self.col()
        opening = cmd == "left"
        if c in ("(", ")", "|"):
            self.pos += 1
            if c == "|":
                self.emit("lbar" if opening else "rbar", "|", here)
            else:
                self.emit("open" if c == "(" else "close", c, here)
        elif c in ("[", "]"):
            self.pos += 1
            if c == "[":
                self._open(c, here)
            else:
                self._close_bracket(here)
        elif c == "\\":
            self.pos += 1
            inner = self._read_command()
            if inner in ("lvert", "rvert", "vert", "|"):
                self.emit("lbar" if opening else "rbar", "|", here)
            elif inner in ("{", "lbrace"):
                self._open("{", here)
            elif inner in ("}", "rbrace"):
                self._close_brace(here)
            else:
                self.fail(f"unsupported delimiter after \\{cmd}", here)
        else:
            shown = f" '{c}'" if c else ""
            self.fail(f"unsupported delimiter{shown} after \\{cmd}", here, "use ( ), [ ] or | |")

    def _unknown(self, cmd: str, col: int) -> None:
        if not cmd:
            self.fail("unexpected '\\' at the end of the line", col)
        shown = cmd if cmd.isprintable() and cmd.isascii() else f"U+{ord(cmd[0]):04X}"
        close = difflib.get_close_matches(cmd, KNOWN_COMMANDS, n=1)
        hint = f"did you mean '\\{close[0]}'?" if close else None
        self.fail(f"unknown LaTeX command '\\{shown}'", col, hint)
