"""What the expression parser says about input it cannot read: one ParseError each, with the
column, and a hint where there is an obvious one.  ``ExpressionParser`` inherits these."""

from __future__ import annotations

import difflib
from typing import NoReturn

from chainrule.errors import LimitError, ParseError
from chainrule.read.frames import Frame
from chainrule.read.lexer import Token
from chainrule.read.notation import ALIASES, DUALS, MAX_DEPTH


class Complaints:
    """The error messages of a parser over ``toks``; ``source`` is the line being read."""

    toks: list[Token]
    abstract: frozenset[str]
    source: str

    def fail(self, message: str, col: int, hint: str | None = None) -> NoReturn:
        raise ParseError(message, source=self.source, column=col, hint=hint)

    def limit(self, col: int) -> NoReturn:
        raise LimitError(
            f"expression is nested more than {MAX_DEPTH} levels deep",
            source=self.source,
            column=col,
            hint="name intermediate results: u = …; y = sin(u)",
        )

    def unknown_function(self, name: str, col: int) -> NoReturn:
        known = sorted(set(ALIASES) | set(DUALS) | self.abstract)
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            self.fail(f"unknown function '{name}'", col, f"did you mean '{close[0]}'?")
        raise ParseError(
            f"unknown function '{name}'",
            source=self.source,
            column=col,
            hint=f"to multiply write {name}*(…); or declare {name} an abstract function",
            option="functions",
            value=name,
        )

    def missing_operand(self, i: int, top: Frame) -> NoReturn:
        tok = self.toks[i]
        if top.kind == "func":
            hint = (
                f"write {top.shown}({tok.text}…)" if tok.text in "+-" else f"write {top.shown}(x)"
            )
            self.fail(f"function '{top.shown}' needs an argument", top.col, hint)
        if top.kind == "group" and self.toks[i - 1] is top.opener and tok.kind == "close":
            if top.op == "paren":
                self.fail("empty parentheses", top.col)
            self.fail(f"'{top.shown}' needs an argument", top.col)
        if tok.kind in ("sep", "end"):
            prev = self.toks[i - 1]
            self.fail(f"expected an expression after '{prev.text}'", tok.col)
        self.unexpected(tok)

    def unexpected(self, tok: Token) -> NoReturn:
        if tok.kind == "eq":
            self.fail("unexpected '='", tok.col, "only 'name = expression' statements assign")
        self.fail(f"unexpected '{tok.text}'", tok.col)
