"""The known traps of reading math text: names split where a function or a constant is glued to
a letter, and a note for every reading a learner could have meant otherwise.

This works on the tokens of the whole program before the parser sees them, so the parser keeps
one grammar: ``sinx`` becomes the tokens ``sin x``, ``xe^x`` becomes ``x e ^ x``.  A name the
program assigns or declares a function is never split.  Each note's data quotes the input as
typed (``text``) and, where there is one, the reading in symbols (``reading``, and ``other``
for the reading that was not taken); ``render.notes`` words them.

>>> from chainrule.read.lexer import Lexer
>>> tokens, notes = rewrite(Lexer("sinx").run(), ["sinx"], set(), frozenset(), latex=False)
>>> [t.text for t in tokens if t.kind == "name"], notes[0].code
(['sin', 'x'], 'glued_function')
"""

from __future__ import annotations

import re

from chainrule.errors import ParseError
from chainrule.model import FUNCTION_ARITIES, Note
from chainrule.read.lexer import Token
from chainrule.read.notation import (
    ALIASES,
    CONSTANTS,
    DUALS,
    GREEK_NAMES,
    LOG_NAMES,
    is_function_name,
)

# The names of functions of one argument, longest first: sinh x, not sin hx.
_UNARY = sorted(
    [n for n, canonical in ALIASES.items() if 1 in FUNCTION_ARITIES[canonical]] + [*LOG_NAMES],
    key=len,
    reverse=True,
)
_FUNCTION = "|".join(map(re.escape, _UNARY))
# What a glued function is read to apply to: one letter or a Greek letter's name, with digits or
# a subscript (x, x1, x_i, theta).  Not e: "sine" stays a name rather than becoming sin(e).
_ARGUMENT = "(?:{}|[A-DF-Za-df-z])[0-9]*(?:_[A-Za-z0-9]+)?".format(
    "|".join(sorted(GREEK_NAMES, key=len, reverse=True))
)
_GLUED = re.compile(rf"(?P<function>{_FUNCTION})(?P<number>[0-9]*)(?P<argument>{_ARGUMENT})")
_LETTER_FUNCTION = re.compile(
    rf"(?P<letter>[A-Za-z])(?P<function>{_FUNCTION})(?:(?P<number>[0-9]*)(?P<argument>{_ARGUMENT}))?"
)
_LETTER_E = re.compile(r"(?P<letter>[A-Za-z])(?P<e>[eE])")
_PI_LETTER = re.compile(rf"(?P<pi>pi)(?P<argument>{_ARGUMENT})")
_LETTERS_ONLY = re.compile(r"[A-Za-z]{2,}")
_ARGUMENT_STARTS = frozenset({"name", "num", "open", "root", "bar", "lbar"})


def rewrite(
    tokens: list[Token],
    lines: list[str],
    assigned: set[str],
    abstract: frozenset[str],
    *,
    latex: bool,
) -> tuple[list[Token], list[Note]]:
    """Split glued names and note every known trap in a program's tokens.

    Args:
        tokens: the lexer's tokens of the whole text.
        lines: the text's lines, for quoting what was typed.
        assigned: the names the program assigns (never split).
        abstract: the names read as abstract functions (never split).
        latex: the text is LaTeX, where ``e^2x`` is e²·x by TeX's own rule (no note).

    Returns:
        The tokens to parse and the reading notes, each once, in order.

    Raises:
        ParseError: a name indexed with square brackets (``W[1]``).
    """
    reader = _Traps(tokens, lines, assigned, abstract)
    reader.split_names()
    reader.note_traps(latex)
    placed = sorted(reader.notes, key=lambda placed: placed[0])  # in the order of the input
    return reader.toks, list(dict.fromkeys(note for _, note in placed))


class _Traps:
    def __init__(
        self, tokens: list[Token], lines: list[str], assigned: set[str], abstract: frozenset[str]
    ) -> None:
        self.toks = tokens
        self.lines = lines
        self.assigned = assigned
        self.abstract = abstract
        self.notes: list[tuple[tuple[int, int], Note]] = []  # each with the place it is about
        self.partner: dict[int, int] = {}  # bracket ↔ its partner, by token index
        self.commas: set[int] = set()  # opening brackets of groups with a top-level comma

    # -- quoting ---------------------------------------------------------------------------------

    def text(self, first: int, last: int) -> str:
        """The source text from token ``first`` to token ``last`` (one line) as typed."""
        a, b = self.toks[first], self.toks[last]
        return self.lines[a.line - 1][a.col - 1 : b.end - 1]

    def note(self, at: Token, code: str, **data: str) -> None:
        self.notes.append(((at.line, at.col), Note(code, tuple(data.items()))))

    # -- splitting -------------------------------------------------------------------------------

    def split_names(self) -> None:
        out: list[Token] = []
        for i, tok in enumerate(self.toks):
            pieces = self._pieces(tok, self.toks[i + 1]) if tok.kind == "name" else None
            if pieces is None:
                out.append(tok)
                continue
            offset = 0
            for kind, piece in pieces:
                start = tok.col + offset
                out.append(Token(kind, piece, tok.line, start, "", start + len(piece)))
                offset += len(piece)
        self.toks = out

    def _pieces(self, tok: Token, nxt: Token) -> list[tuple[str, str]] | None:
        name = tok.text
        if (
            name in self.assigned
            or name in self.abstract
            or name in CONSTANTS
            or name in GREEK_NAMES
            or name in ALIASES
            or name in DUALS
            or name in LOG_NAMES
            or "__" in name
            or "\\" in name
        ):
            return None
        opens = nxt.kind == "open"
        found = _GLUED.fullmatch(name)
        if found and not opens:
            f, number, argument = found.group("function", "number", "argument")
            self.note(tok, "glued_function", text=name, function=f, argument=number + argument)
            return [("name", f), *([("num", number)] if number else []), ("name", argument)]
        found = _LETTER_FUNCTION.fullmatch(name)
        if found and (found["argument"] is None) == (opens or nxt.kind in _ARGUMENT_STARTS):
            letter, f, number, argument = found.group("letter", "function", "number", "argument")
            pieces = [("name", letter), ("name", f)]
            if argument:
                pieces += [*([("num", number)] if number else []), ("name", argument)]
            shown = f" {number}{argument}" if argument else ""
            self.note(tok, "split_name", text=name, reading=f"{letter}·{f}{shown}")
            return pieces
        found = _LETTER_E.fullmatch(name)
        e_is_constant = found and found["e"] not in self.assigned
        if found and e_is_constant and nxt.kind == "op" and nxt.text == "^":
            letter, e = found.group("letter", "e")
            self.note(tok, "split_name", text=name, reading=f"{letter}·{e}")
            return [("name", letter), ("name", e)]
        found = _PI_LETTER.fullmatch(name)
        if found and not opens and "pi" not in self.assigned:
            self.note(tok, "split_name", text=name, reading=f"pi·{found['argument']}")
            return [("name", "pi"), ("name", found["argument"])]
        return None

    # -- notes -----------------------------------------------------------------------------------

    def note_traps(self, latex: bool) -> None:
        toks = self.toks
        self._match_brackets()
        singles = {t.text for t in toks if t.kind == "name" and len(t.text) == 1}
        for i, tok in enumerate(toks):
            if tok.kind == "op" and tok.text == "^":
                self._power(i, latex)
            elif tok.kind == "op" and tok.text == "/":
                self._quotient(i)
            elif tok.kind == "open" and tok.text == "[" and not latex:
                self.note(tok, "square_brackets")
            elif tok.kind == "name":
                self._name(i, singles)

    def _name(self, i: int, singles: set[str]) -> None:
        tok, nxt = self.toks[i], self.toks[i + 1]
        name, glued = tok.text, nxt.col == tok.end
        if name in self.assigned:
            if nxt.kind == "open" and nxt.text == "[" and glued:
                self._index(nxt)
            return
        function = is_function_name(name) or name in self.abstract
        typed = self.text(i, i)
        if nxt.kind == "open" and nxt.text == "[" and glued and not function:
            self._index(nxt)
        if function and nxt.kind == "open" and not glued and len(typed) == 1:
            self.note(tok, "spaced_call", text=self.text(i, i + 1), name=typed)
        if name == "log" and not self._has_base(i):
            self.note(tok, "natural_log")
        if _LETTERS_ONLY.fullmatch(name) and not function and name not in GREEK_NAMES:
            if set(name) <= singles:
                self.note(tok, "product_name", text=name, product="*".join(name))
        if not function:
            self._product_call(i)

    def _product_call(self, i: int) -> None:
        # h(x) multiplies: say so where it looks like function notation.
        toks = self.toks
        if i + 3 >= len(toks):
            return
        tok, arg = toks[i], toks[i + 2]
        if (
            len(tok.text) == 1
            and tok.text not in CONSTANTS
            and toks[i + 1].kind == "open"
            and toks[i + 1].col == tok.end
            and arg.kind == "name"
            and arg.text != tok.text
            and not is_function_name(arg.text)
            and toks[i + 3].kind == "close"
        ):
            self.note(
                tok,
                "product_call",
                text=self.text(i, i + 3),
                reading=f"{tok.text}·{self.text(i + 2, i + 2)}",
                name=tok.text,
            )

    def _index(self, bracket: Token) -> None:
        raise ParseError(
            "unexpected '['",
            source=self.lines[bracket.line - 1],
            column=bracket.col,
            hint="indexing is not supported: write W_1 or W1; group with ( )",
        )

    def _has_base(self, i: int) -> bool:
        """log(x, b): a second argument is the base."""
        return i + 1 in self.commas

    def _power(self, i: int, latex: bool) -> None:
        toks = self.toks
        k = i + 1 + (toks[i + 1].kind == "op" and toks[i + 1].text in "+-")
        exponent = toks[k]
        if exponent.kind != "num" or exponent.exp:
            return
        power, after = self.text(i + 1, k), toks[k + 1]
        if after.kind == "op" and after.text == "/" and exponent.text == "1":
            # x^1/2 is (x^1)/2: nobody writes x^1 meaning x, so the square root was meant.
            base = self._atom_before(i - 1)
            if base is not None and toks[k + 2].kind == "num":
                typed_base, over = self.text(base, i - 1), self.text(k + 2, k + 2)
                reading, other = f"({typed_base}^{power})/{over}", f"{typed_base}^({power}/{over})"
                self._readings("power_fraction", base, k + 2, reading, other)
            return
        # e^2x, 2^3x: an exponential whose exponent is a number glued to a factor.
        base = i - 1
        exponential = toks[base].kind == "num" or (
            toks[base].text in CONSTANTS and toks[base].text not in self.assigned
        )
        below = toks[base - 1] if base > 0 else toks[base]
        if not exponential or (below.kind == "op" and below.text == "^"):
            return
        typed_base = self.text(base, base)
        factor = self._atom_after(k + 1) if after.col == exponent.end else None
        if factor is not None and not latex:
            times = self.text(k + 1, factor)
            reading, other = f"({typed_base}^{power})·{times}", f"{typed_base}^({power}{times})"
            self._readings("power_product", base, factor, reading, other)

    def _quotient(self, i: int) -> None:
        # 1/2x is (1/2)·x: the divisor is a number or a variable with a factor glued to it.
        toks = self.toks
        divisor = toks[i + 1]
        number = divisor.kind == "num" and not divisor.exp
        if not number and self._atom_after(i + 1) != i + 1:
            return
        factor = self._atom_after(i + 2) if toks[i + 2].col == divisor.end else None
        top = None if factor is None else self._atom_before(i - 1)
        if factor is None or top is None:
            return
        numerator = self.text(top, i - 1)
        reading = f"({numerator}/{self.text(i + 1, i + 1)})·{self.text(i + 2, factor)}"
        self._readings(
            "quotient_product", top, factor, reading, f"{numerator}/({self.text(i + 1, factor)})"
        )

    def _readings(self, code: str, first: int, last: int, reading: str, other: str) -> None:
        """A note quoting tokens ``first`` to ``last``: the reading taken and the other one."""
        text = self.text(first, last)
        self.note(self.toks[first], code, text=text, reading=reading, other=other)

    # -- operands --------------------------------------------------------------------------------

    def _atom_after(self, k: int) -> int | None:
        """The last token of the operand starting at ``k``: a variable or a bracket group."""
        tok = self.toks[k]
        if tok.kind == "open":
            return self._group_end(k)
        plain = tok.kind == "name" and not is_function_name(tok.text)
        return k if plain and tok.text not in self.abstract else None

    def _atom_before(self, j: int) -> int | None:
        """The first token of the operand ending at ``j``, a power's base included."""
        toks = self.toks
        while j >= 0:
            tok = toks[j]
            if tok.kind in ("name", "num"):
                start: int | None = j
            elif tok.kind == "close":
                start = self._group_start(j)
                if start is not None and start > 0 and toks[start - 1].kind == "name":
                    start -= 1  # a call: sin(x)
            else:
                return None
            if (
                start is None
                or start < 2
                or toks[start - 1].kind != "op"
                or toks[start - 1].text != "^"
            ):
                return start
            j = start - 2
        return None

    def _group_end(self, k: int) -> int | None:
        return self.partner.get(k)

    def _group_start(self, k: int) -> int | None:
        return self.partner.get(k)

    def _match_brackets(self) -> None:
        """Pair every bracket with its partner, and find the groups holding a top-level comma,
        in one pass: the notes then look both up at once, however deep the nesting."""
        open_at: list[int] = []
        for j, tok in enumerate(self.toks):
            if tok.kind == "open":
                open_at.append(j)
            elif tok.kind == "close" and open_at:
                start = open_at.pop()
                self.partner[start], self.partner[j] = j, start
            elif tok.kind == "op" and tok.text == "," and open_at:
                self.commas.add(open_at[-1])
            elif tok.kind in ("sep", "end"):
                open_at.clear()
