"""Plain math text → tokens, one line at a time, with 1-based columns into the original line.

This module imports neither sympy nor the model.  The LaTeX lexer (``read.latex_lexer``)
extends ``Lexer`` and feeds the parser the same token kinds, so there is one grammar.

Token kinds: ``num`` (text: plain decimal; ``exp``: a scientific literal's signed exponent),
``name`` (an accented one as ``model.NameParts`` writes it: ŷ is ``y__hat``), ``op``
(+ - * / ^ ! ,), ``open``/``close`` (text: ( ) { } [ ]), ``bar`` (a ``|`` the
parser resolves), ``lbar``/``rbar`` (explicit LaTeX abs bars), ``root`` (text: sqrt or cbrt for
√ ∛), ``eq``, ``sep`` (``;`` or end of line) and ``end``.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple, NoReturn

from chainrule.errors import LimitError, ParseError
from chainrule.read.notation import (
    ACCENT_MARKS,
    GREEK,
    GREEK_NAMES,
    LETTERS,
    MAX_LITERAL_DIGITS,
    check_name,
)

# Glyphs chainrule reads itself rather than through NFKC, which would turn x² into x2.
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿⁱ", "0123456789+-()ni", strict=True))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789aeoxhklmnpstij", strict=True))
OPERATOR_GLYPHS = {"−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "∗": "*", "∙": "*", "÷": "/"}
ROOT_GLYPHS = {"√": "sqrt", "∛": "cbrt"}

_DIGITS = frozenset("0123456789")
_ALNUM = _DIGITS | LETTERS
_NAME_CHARS = _ALNUM | {"_"}
_PLAIN_OPS = {"+": "+", "-": "-", "/": "/", "^": "^", ",": ","}
_REFUSED = {
    "'": ('unexpected quote "\'"', "strings and primes (f') are not supported"),
    '"': ("unexpected quote '\"'", "strings are not supported"),
    "`": ("unexpected '`'", None),
    ".": ("unexpected '.'", "decimals need digits after the point; attributes are not supported"),
    ":": ("unexpected ':'", None),
    "@": ("unexpected '@'", "matrix products are not supported; use * or a space"),
    "<": ("unexpected '<'", "comparisons are not supported"),
    ">": ("unexpected '>'", "comparisons are not supported"),
}


class Token(NamedTuple):
    """One token: its kind (see the module docstring), text and place."""

    kind: str
    text: str
    line: int  # 1-based line of the source
    col: int  # 1-based column in that line
    exp: str = ""  # "num" only: the signed decimal exponent of a scientific literal, e.g. "-3"
    end: int = 0  # the column just after the token (where it was read whole)


class Lexer:
    """Tokens of a whole text.  ``run`` raises ParseError or LimitError on the first problem."""

    def __init__(self, text: str) -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.tokens: list[Token] = []
        self.line = 0
        self.source = ""
        self.chars: list[str] = []
        self.cols: list[int] = []
        self.pos = 0

    def run(self) -> list[Token]:
        """Tokenise every line; each line ends with a ``sep`` token, the text with ``end``.

        Returns:
            The tokens in order.

        Raises:
            ParseError: a character or sequence chainrule does not read.
            LimitError: a number literal longer than MAX_LITERAL_DIGITS.
        """
        for index, raw in enumerate(self.lines):
            self.line, self.source, self.pos = index + 1, raw, 0
            self._normalise(raw, first=index == 0)
            while self.pos < len(self.chars):
                self.dispatch(self.chars[self.pos])
            self.end_line()
            self.emit("sep", "\n", len(raw) + 1)
        self.tokens.append(Token("end", "", len(self.lines), len(self.lines[-1]) + 1))
        return self.tokens

    # -- helpers shared with the LaTeX lexer ----------------------------------------------------

    def fail(self, message: str, col: int, hint: str | None = None) -> NoReturn:
        raise ParseError(message, source=self.source, column=col, hint=hint)

    def emit(self, kind: str, text: str, col: int, exp: str = "") -> None:
        self.tokens.append(Token(kind, text, self.line, col, exp, max(col, self.col())))

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.chars[i] if i < len(self.chars) else ""

    def col(self, offset: int = 0) -> int:
        i = self.pos + offset
        return self.cols[i] if i < len(self.cols) else len(self.source) + 1

    def end_line(self) -> None:
        """Hook: the LaTeX lexer checks for unclosed braces here."""

    def _normalise(self, raw: str, *, first: bool) -> None:
        # One ASCII (or specially handled) character per entry, each with its original column.
        # NFKC is applied per character and only after superscripts, subscripts and Greek
        # letters were taken as they are: NFKC would turn x² into x2.
        chars: list[str] = []
        cols: list[int] = []
        for i, ch in enumerate(raw):
            code = ord(ch)
            if 0x20 <= code < 0x7F or ch in GREEK or ch in SUPERSCRIPTS or ch in SUBSCRIPTS:
                chars.append(ch)
            elif ch in ACCENT_MARKS:  # a combining accent: read after the letter it is on
                chars.append(ch)
            elif ch in OPERATOR_GLYPHS or ch in ROOT_GLYPHS:
                chars.append(OPERATOR_GLYPHS.get(ch, ch))
            elif ch == "\t" or (ch == "\ufeff" and first and i == 0):
                chars.append(" ")
            else:
                chars.extend(self._unusual(ch, i + 1))
                cols.extend([i + 1] * (len(chars) - len(cols) - 1))
            cols.append(i + 1)
        self.chars, self.cols = chars, cols

    def _unusual(self, ch: str, col: int) -> str:
        code = ord(ch)
        category = unicodedata.category(ch)
        if category == "Cc":
            self.fail(f"control character U+{code:04X} is not allowed", col)
        if category == "Cs":
            self.fail(f"invalid character U+{code:04X} (a lone surrogate)", col)
        if category == "Cf":
            self.fail(f"invisible character U+{code:04X} is not allowed", col)
        if category in ("Zs", "Zl", "Zp"):
            return " "
        decomposed = unicodedata.normalize("NFD", ch)
        letter, marks = decomposed[0], decomposed[1:]
        if marks and (letter in LETTERS or letter in GREEK) and set(marks) <= set(ACCENT_MARKS):
            return decomposed  # ŷ → y and its hat, read as x̄ is
        if unicodedata.decomposition(ch).startswith(("<super>", "<sub>")):
            # NFKC would turn xᵃ into xa, a different name: refuse what we do not read as a power.
            self.fail(f"unsupported superscript or subscript (U+{code:04X})", col)
        folded = unicodedata.normalize("NFKC", ch)
        if folded and all(0x21 <= ord(c) < 0x7F for c in folded):
            return folded
        if folded in GREEK:
            return folded
        # Right-to-left letters and combining marks would garble the message: name them only.
        garbling = unicodedata.bidirectional(ch) in ("R", "AL", "AN", "NSM", "BN")
        shown = "" if garbling or not ch.isprintable() else f"'{ch}' "
        self.fail(f"unexpected character {shown}(U+{code:04X})", col)

    # -- the main dispatch -------------------------------------------------------------------------

    def dispatch(self, c: str) -> None:
        """Read one token (or skip blanks/comments) starting at the current character."""
        col = self.col()
        nxt = self.peek(1)
        if c == " ":
            self.pos += 1
        elif c == "#":
            self.pos = len(self.chars)
        elif c in _DIGITS or (c == "." and nxt in _DIGITS):
            self._number()
        elif c in LETTERS or c == "_":
            self._identifier()
        elif c in GREEK:
            self.pos += 1
            self._name(self._subscript(GREEK[c]), col)
        elif c in ACCENT_MARKS:
            self.fail("an accent must follow a letter", col, "write ŷ or x̄: the accent after it")
        elif c in SUPERSCRIPTS:
            self._superscript()
        elif c in SUBSCRIPTS:
            self.fail("unexpected subscript", col, "subscripts follow a name: W₁")
        elif c in ROOT_GLYPHS:
            self.pos += 1
            self.emit("root", ROOT_GLYPHS[c], col)
        else:
            self._punctuation(c, nxt, col)

    def _punctuation(self, c: str, nxt: str, col: int) -> None:
        self.pos += 1
        if c in _PLAIN_OPS:
            if c == "/" and nxt == "/":
                self.fail("unexpected '//'", col, "use '/' to divide")
            self.emit("op", _PLAIN_OPS[c], col)
        elif c == "*":
            if nxt == "*":
                self.pos += 1
            self.emit("op", "^" if nxt == "*" else "*", col)
        elif c == "!":
            if nxt == "=":
                self.fail("unexpected '!='", col, "comparisons are not supported")
            if nxt == "!":
                self.fail("unexpected '!!'", col, "double factorials are not supported")
            self.emit("op", "!", col)
        elif c == "=":
            if nxt == "=":
                self.fail("unexpected '=='", col, "use '=' to name an intermediate: y = sin(u)")
            self.emit("eq", "=", col)
        elif c == ":" and nxt == "=":
            self.fail("unexpected ':='", col, "write 'name = expression'")
        elif c == ";":
            self.emit("sep", ";", col)
        elif c in "({[":  # [ ] group as ( ) do; an index (W[1]) is refused by the parser
            self.emit("open", c, col)
        elif c in ")}]":
            self.emit("close", c, col)
        elif c == "|":
            self.emit("bar", "|", col)
        elif c == "\\":  # only with syntax "math": "auto" reads a backslash as LaTeX
            raise ParseError(
                "unexpected '\\'",
                source=self.source,
                column=col,
                hint="this looks like LaTeX: read it as LaTeX",
                option="syntax",
                value="latex",
            )
        elif c in "'\"" and "".join(self.chars[: self.pos - 1]).rstrip().endswith("approximate="):
            # PyTorch's gelu(x, approximate='tanh'): chainrule reads no strings, but has a name.
            self.fail(
                f"unexpected quote {c!r}", col, "for GELU's tanh approximation write gelu_tanh(x)"
            )
        elif c in _REFUSED:
            message, hint = _REFUSED[c]
            self.fail(message, col, hint)
        else:
            self.fail(f"unexpected '{c}'", col)

    def _number(self) -> None:
        col = self.col()
        whole = self._digits()
        frac = ""
        if self.peek() == "." and self.peek(1) in _DIGITS:
            self.pos += 1
            frac = self._digits()
        if len(whole) + len(frac) > MAX_LITERAL_DIGITS:
            raise LimitError(
                f"number literal has {len(whole) + len(frac)} digits; the limit is "
                f"{MAX_LITERAL_DIGITS}",
                source=self.source,
                column=col,
            )
        text = (whole or "0") + (f".{frac}" if frac else "")
        exp = ""
        sign = 1 if self.peek(1) in ("+", "-") else 0
        if self.peek() in ("e", "E") and self.peek(1 + sign) in _DIGITS:
            sign_text = self.peek(1) if sign else ""
            self.pos += 1 + sign
            exp = sign_text + self._digits()
            if len(exp) > MAX_LITERAL_DIGITS:
                raise LimitError(
                    f"exponent has more than {MAX_LITERAL_DIGITS} digits",
                    source=self.source,
                    column=col,
                )
        self.emit("num", text, col, exp)

    def _digits(self) -> str:
        start = self.pos
        while self.pos < len(self.chars) and self.chars[self.pos] in _DIGITS:
            self.pos += 1
        return "".join(self.chars[start : self.pos])

    def _identifier(self) -> None:
        col = self.col()
        start = self.pos
        while self.pos < len(self.chars) and self.chars[self.pos] in _NAME_CHARS:
            self.pos += 1
        name = "".join(self.chars[start : self.pos])
        if name.endswith("_") and self.peek() == "{":
            name = name[:-1]
            self.pos -= 1
        self._name(self._subscript(name), col)

    def _name(self, name: str, col: int) -> None:
        mark = self.peek()
        if mark in ACCENT_MARKS and mark:
            self.pos += 1
            self.accented(name, ACCENT_MARKS[mark], col)
            return
        check_name(name, self.fail, col)
        self.emit("name", name, col)

    def accented(self, stem: str, accent: str, col: int) -> None:
        """Emit the name made of ``stem`` with ``accent`` on it, and the subscripts that follow.

        Args:
            stem: one letter, or a Greek letter's name.
            accent: a value of ``ACCENT_MARKS``: "hat", "bar" …
            col: the stem's column.
        """
        if len(stem) > 1 and stem not in GREEK_NAMES:
            self.fail(f"an accent on '{stem}': accents go on one letter", col,
                      f"write {' '.join(stem)} for a product of letters")  # fmt: skip
        if self.peek() in ACCENT_MARKS and self.peek():
            self.fail("two accents on one letter", self.col(), None)
        digits = self._digits()  # ŷ1 is ŷ₁, as y1 is y₁
        plain = self._subscript(stem + (f"_{digits}" if digits else ""))
        check_name(plain, self.fail, col)
        # As model.NameParts writes it (this module stays free of the model and sympy).
        self.emit("name", f"{stem}__{accent}{plain[len(stem) :]}", col)

    def _subscript(self, name: str) -> str:
        """Join a subscript after a name: _1, _{12}, ₁₂ → "_1", "_12"."""
        if self.peek() == "_" and (self.peek(1) == "{" or self.peek(1) in _ALNUM):
            col = self.col()
            self.pos += 1
            if self.peek() == "{":
                start = self.pos + 1
                self.pos = start
                while self.peek() in _ALNUM and self.peek():
                    self.pos += 1
                if self.pos == start or self.peek() != "}":
                    self.fail("a subscript in braces may hold only letters and digits", col)
                body = "".join(self.chars[start : self.pos])
                self.pos += 1
            else:
                start = self.pos
                while self.peek() in _NAME_CHARS and self.peek():
                    self.pos += 1
                body = "".join(self.chars[start : self.pos])
            name += "_" + body
        sub = ""
        while self.peek() in SUBSCRIPTS and self.peek():
            sub += SUBSCRIPTS[self.peek()]
            self.pos += 1
        if sub:
            name += sub if "_" in name else "_" + sub
        return name

    def _superscript(self) -> None:
        # x⁻¹ reads as x^(-1): the parser needs no superscript rules of its own.
        self.emit("op", "^", self.col())
        self.emit("open", "(", self.col())
        while self.peek() in SUPERSCRIPTS and self.peek():
            col = self.col()
            c = SUPERSCRIPTS[self.peek()]
            if c in _DIGITS:
                start = self.pos
                while self.peek() in SUPERSCRIPTS and SUPERSCRIPTS[self.peek()] in _DIGITS:
                    self.pos += 1
                self.emit(
                    "num", "".join(SUPERSCRIPTS[ch] for ch in self.chars[start : self.pos]), col
                )
                continue
            self.pos += 1
            if c in "+-":
                self.emit("op", c, col)
            elif c in "()":
                self.emit("open" if c == "(" else "close", c, col)
            else:
                self.emit("name", c, col)
        self.emit("close", ")", self.col(-1))
