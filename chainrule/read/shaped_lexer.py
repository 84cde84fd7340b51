"""The lexer of a shaped program: the plain lexer, and the matrix notation it refuses —
``W @ x`` (a product, as ``*``), ``a ⊙ b`` (the Hadamard product), ``Wᵀ`` and ``W.T``
(the transpose).  Only ``parse(shaped=True)`` uses it, so a scalar input reads as before.

>>> [t.text for t in ShapedLexer("W.T @ d ⊙ hᵀ").run()][:7]
['W', 'ᵀ', '*', 'd', '⊙', 'h', 'ᵀ']
"""

from __future__ import annotations

from chainrule.read.lexer import Lexer

_MARKS = ("⊙", "ᵀ")


class ShapedLexer(Lexer):
    """``Lexer`` with ``@``, ``⊙``, ``ᵀ`` and ``.T`` as operator tokens."""

    def _unusual(self, ch: str, col: int) -> str:
        return ch if ch in _MARKS else super()._unusual(ch, col)

    def _punctuation(self, c: str, nxt: str, col: int) -> None:
        if c == "@":
            self.pos += 1
            self.emit("op", "*", col)
        elif c in _MARKS:
            self.pos += 1
            self.emit("op", c, col)
        elif c == "." and nxt == "T" and not (self.peek(2).isalnum() or self.peek(2) == "_"):
            self.pos += 2
            self.emit("op", "ᵀ", col)
        else:
            super()._punctuation(c, nxt, col)
