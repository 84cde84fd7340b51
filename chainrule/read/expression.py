"""Tokens of one statement → a ``model.Term`` tree: an iterative Pratt parser, no recursion.

The machine keeps its pending constructs on an explicit stack, so a 1000-fold composition
parses and 10,000 nested parentheses stop at ``MAX_DEPTH`` with a LimitError instead of a
RecursionError.  Every construct not listed in ``NOTATION_HELP`` is a ParseError that carries
its column.

Binding, loosest first: ``+ -`` · ``* /`` and implicit multiplication (left-associative) ·
unary minus · ``^`` (right-associative) · postfix ``!``.  A function name without parentheses
takes the implicit product that follows (``sin 2x`` = sin(2x)), stopping at ``+ - * / , )`` or
at the next function name.  √ and ∛ take one factor (``√x^2`` = √(x²)); followed by a bracket
they are the call ``sqrt(…)``/``cbrt(…)`` (``√(x)^2`` = (√x)²).
"""

from __future__ import annotations

import re

from chainrule.model import FUNCTION_ARITIES, Term, arity_text
from chainrule.read.complaints import Complaints
from chainrule.read.frames import ADD, BINARY, MUL, POW_RIGHT, PREFIX, Frame, Val, leaf
from chainrule.read.lexer import Token
from chainrule.read.notation import (
    ALIASES,
    CONSTANTS,
    DUALS,
    GREEK_NAMES,
    INVERSES,
    LOG_NAMES,
    MAX_DEPTH,
    check_name,
    is_function_name,
)

_INTERNAL = ("\\frac", "\\root")  # made by the LaTeX lexer only: no user can type a backslash name
_ROOT_SHOWN = {"sqrt": "√", "cbrt": "∛"}

_OPERAND_STARTS = frozenset({"name", "open", "bar", "lbar", "root"})
_CLOSERS = {"(": ")", "{": "}", "[": "]"}
_ONE = re.compile(r"0*1(\.0*)?")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
SIMPLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class ExpressionParser(Complaints):
    """Reads the expressions of one program's tokens; ``source`` is the line being read."""

    def __init__(self, tokens: list[Token], abstract: frozenset[str], assigned: set[str]) -> None:
        self.toks = tokens
        self.abstract = abstract  # names read as abstract functions before "("
        self.assigned = assigned  # names the program assigns: always variables
        self.source = ""

    # -- the expression machine ----------------------------------------------------------------

    def expression(self, start: int, source: str) -> Term:
        """The Term of the expression whose first token is ``toks[start]``.

        Args:
            start: index of its first token; it ends at the next ``sep`` or ``end``.
            source: the line it is on, for error messages.

        Returns:
            The Term.

        Raises:
            ParseError: not notation chainrule reads; carries the column.
            LimitError: nested deeper than MAX_DEPTH.
        """
        self.source = source
        toks = self.toks
        stack = [Frame("base", 0)]
        groups: list[Frame] = []  # the open bracket/call/bar frames, innermost last
        nesting = 0
        val: Val | None = None
        i = start
        while True:
            tok = toks[i]
            top = stack[-1]
            if val is None:
                i, val, frame = self._operand(i, top)
                if frame is not None:
                    nesting += 1
                    if nesting > MAX_DEPTH:
                        self.limit(tok.col)
                    stack.append(frame)
                    if frame.kind == "group":
                        groups.append(frame)
                continue
            if tok.kind == "num":
                self.fail(f"missing operator before the number {tok.text}", tok.col,
                          "write '*' to multiply")  # fmt: skip
            if tok.kind == "op" and tok.text in ("!", "ᵀ"):  # ᵀ: the shaped lexer's only
                name = "factorial" if tok.text == "!" else "transpose"
                val = self._make("call" if tok.text == "!" else "apply", [val], val.col, name)
                i += 1
                continue
            lbp = self._lbp(i, top, groups)
            if top.kind == "chain" and lbp == top.rbp and self._continues(top, tok):
                top.items.append(self._chain_item(top, val))
                if tok.kind == "op":
                    top.neg_col = tok.col if tok.text == "-" else 0
                    i += 1
                val = None
            elif lbp > top.rbp:
                stack.append(self._led(tok, val, top))
                i += tok.kind == "op"
                val = None
            elif top.kind == "base":
                if tok.kind in ("sep", "end"):
                    return val.term
                self.unexpected(tok)
            elif top.kind == "group":
                i, val = self._group_token(i, top, val)
                if val is not None:
                    stack.pop()
                    groups.pop()
                    nesting -= 1
            elif top.kind == "fpow":
                stack.pop()
                stack.append(self._after_power(top, val, tok))
                i += tok.kind == "open"
                val = None
                if stack[-1].kind == "group":
                    groups.append(stack[-1])
            else:
                stack.pop()
                nesting -= top.kind in ("prefix", "func")
                val = self._reduce(top, val)

    def _operand(self, i: int, top: Frame) -> tuple[int, Val | None, Frame | None]:
        """Read what starts an operand: a leaf (returned as a value) or a new frame."""
        tok = self.toks[i]
        kind = tok.kind
        if kind == "num":
            return i + 1, self._number(tok), None
        if kind == "name":
            return self._name(i)
        if kind == "open":
            return i + 1, None, Frame("group", 0, tok.col, "paren", opener=tok)
        if kind in ("bar", "lbar"):
            return i + 1, None, Frame("group", 0, tok.col, "abs", opener=tok)
        if kind == "root":
            nxt = self.toks[i + 1]
            if nxt.kind == "open":
                # √(x)^2 means sqrt(x)^2, not √((x)^2): a bracket right after √ or ∛ holds
                # its argument, as it does after the name.
                shown = _ROOT_SHOWN[tok.text]
                return i + 2, None, Frame("group", 0, tok.col, "call", tok.text, shown, opener=nxt)
            return i + 1, None, Frame("prefix", POW_RIGHT, tok.col, tok.text)
        if kind == "op" and tok.text in "+-" and top.kind != "func":
            return (
                i + 1,
                None,
                Frame("prefix", PREFIX, tok.col, "neg" if tok.text == "-" else "pos"),
            )
        self.missing_operand(i, top)

    def _name(self, i: int) -> tuple[int, Val | None, Frame | None]:
        tok, nxt = self.toks[i], self.toks[i + 1]
        name, col = tok.text, tok.col
        opens = nxt.kind == "open"
        if name in self.assigned:
            return i + 1, leaf("symbol", name, col), None
        if name in CONSTANTS:
            return i + 1, leaf("constant", CONSTANTS[name], col), None
        if name in _INTERNAL:
            frame = Frame("group", 0, col, "internal", name, name, opener=nxt)
            return i + 2, None, frame
        base: Val | None = None
        if name in DUALS and opens:
            canonical = DUALS[name]
        elif name in ALIASES:
            canonical = ALIASES[name]
        elif name.startswith("log_"):
            canonical, base = "log", self._log_base(name[4:], col)
        elif name in LOG_NAMES:
            canonical, base = "log", leaf("number", LOG_NAMES[name], col)
        elif opens and name in self.abstract:
            return i + 2, None, Frame("group", 0, col, "apply", name, name, opener=nxt)
        elif opens and not _letter_like(name):
            self.unknown_function(name, col)
        else:
            return i + 1, leaf("symbol", name, col), None
        if nxt.kind == "op" and nxt.text == "^":
            return (
                i + 2,
                None,
                Frame("fpow", POW_RIGHT, col, name=canonical, shown=name, base=base),
            )
        if opens:
            frame = Frame("group", 0, col, "call", canonical, name, base=base, opener=nxt)
            return i + 2, None, frame
        return i + 1, None, Frame("func", MUL, col, name=canonical, shown=name, base=base)

    def _lbp(self, i: int, top: Frame, groups: list[Frame]) -> int:
        tok = self.toks[i]
        if tok.kind == "op":
            return BINARY.get(tok.text, 0)
        if tok.kind == "bar" and groups and groups[-1].op == "abs":
            return 0  # closes the innermost |…|
        if tok.kind in _OPERAND_STARTS:  # implicit multiplication
            stops = self._starts_function(i)
            if top.kind == "func":
                return 0 if stops else MUL + 1
            if top.kind == "chain" and top.in_arg and stops:
                return 0
            return MUL
        return 0

    def _starts_function(self, i: int) -> bool:
        tok = self.toks[i]
        if tok.kind == "root":
            return True
        if tok.kind != "name" or tok.text in self.assigned:
            return False
        opens = self.toks[i + 1].kind == "open"
        name = tok.text
        if name in DUALS or name in self.abstract:
            return opens
        return is_function_name(name) or name == "\\root"

    def _continues(self, top: Frame, tok: Token) -> bool:
        if top.op == "add":
            return tok.kind == "op" and tok.text in "+-"
        if tok.kind == "op":
            return tok.text == "*" and not top.in_arg
        return tok.kind in _OPERAND_STARTS

    def _led(self, tok: Token, val: Val, top: Frame) -> Frame:
        text = tok.text if tok.kind == "op" else "implicit"
        if text in ("+", "-"):
            return Frame("chain", ADD, val.col, "add", items=[val], neg_col=tok.col * (text == "-"))
        if text in ("*", "implicit"):
            in_arg = text == "implicit" and top.kind == "func"
            return Frame("chain", MUL, val.col, "mul", items=[val], in_arg=in_arg)
        if text in ("/", "⊙"):
            return Frame("div" if text == "/" else "had", MUL, val.col, items=[val])
        return Frame("pow", POW_RIGHT, val.col, items=[val])

    def _chain_item(self, top: Frame, val: Val) -> Val:
        return self._make("neg", [val], top.neg_col) if top.neg_col else val

    def _reduce(self, top: Frame, val: Val) -> Val:
        kind = top.kind
        if kind == "chain":
            items = [*top.items, self._chain_item(top, val)]
            return self._make(top.op, items, top.col)
        if kind in ("div", "pow"):
            return self._make(kind, [top.items[0], val], top.col)
        if kind == "had":
            return self._make("apply", [top.items[0], val], top.col, "hadamard")
        if kind == "func":
            return self._call(top, [val])
        if top.op == "neg":
            return self._make("neg", [val], top.col)
        if top.op == "pos":
            return Val(val.term, val.depth, top.col)
        return self._make("call", [val], top.col, top.op)  # √ ∛

    def _after_power(self, top: Frame, power: Val, tok: Token) -> Frame:
        term = power.term
        if term.op == "neg" and term.args[0].op == "number" and _ONE.fullmatch(term.args[0].text):
            inverse = INVERSES.get(top.name)
            hint = (
                f"did you mean {inverse}(x)?"
                if inverse
                else f"write 1/{top.shown}(x) for the reciprocal"
            )
            self.fail(f"{top.shown}^-1(x) is ambiguous", top.col, hint)
        if tok.kind == "open":
            return Frame(
                "group", 0, top.col, "call", top.name, top.shown, power=power, base=top.base,
                opener=tok,
            )  # fmt: skip
        return Frame(
            "func", MUL, top.col, name=top.name, shown=top.shown, power=power, base=top.base
        )

    def _group_token(self, i: int, group: Frame, val: Val) -> tuple[int, Val | None]:
        """Handle the token that ends an operand inside a group: ',', a closer, or an error."""
        tok = self.toks[i]
        opener = group.opener
        assert opener is not None
        if tok.kind == "op" and tok.text == ",":
            if group.op == "paren" or group.op == "abs":
                self.fail("unexpected ','", tok.col, "commas separate function arguments only")
            group.items.append(val)
            return i + 1, None
        if tok.kind == "close" and group.op != "abs":
            expected = _CLOSERS[opener.text]
            if tok.text != expected:
                self.fail(
                    f"mismatched '{tok.text}': expected '{expected}' to close '{opener.text}' "
                    f"at column {opener.col}",
                    tok.col,
                )
            return i + 1, self._close(group, val)
        if tok.kind in ("bar", "rbar") and group.op == "abs":
            return i + 1, self._close(group, val)
        if tok.kind in ("sep", "end"):
            if group.op == "abs":
                self.fail(f"unclosed '|' opened at column {opener.col}", opener.col)
            what = "parenthesis" if opener.text == "(" else f"'{opener.text}'"
            self.fail(f"unbalanced {what} opened at column {opener.col}", opener.col)
        if tok.kind == "eq":
            keyword = group.op in ("call", "apply")
            hint = "keyword arguments are not supported" if keyword else None
            self.fail("unexpected '='", tok.col, hint)
        shown = "|" if group.op == "abs" else opener.text
        self.fail(
            f"unexpected '{tok.text}': '{shown}' at column {opener.col} is still open", tok.col
        )

    def _close(self, group: Frame, val: Val) -> Val:
        args = [*group.items, val]
        if group.op == "paren":
            return Val(val.term, val.depth, group.col)
        if group.op == "abs":
            return self._make("call", [val], group.col, "Abs")
        if group.op == "apply":
            return self._make("apply", args, group.col, group.name)
        if group.op == "call":
            return self._call(group, args)
        if len(args) != 2:
            what = "\\frac{a}{b}" if group.name == "\\frac" else "\\sqrt[n]{x}"
            self.fail(f"{what} takes exactly two arguments", group.col)
        if group.name == "\\frac":
            return self._make("div", args, group.col)
        index, radicand = args
        if index.term.op == "number" and index.term.text in ("2", "3"):
            return self._make(
                "call", [radicand], group.col, "sqrt" if index.term.text == "2" else "cbrt"
            )
        one = leaf("number", "1", group.col)
        return self._make("pow", [radicand, self._make("div", [one, index], group.col)], group.col)

    def _call(self, frame: Frame, args: list[Val]) -> Val:
        allowed = (1,) if frame.base is not None else FUNCTION_ARITIES[frame.name]
        if len(args) not in allowed:
            self.fail(
                f"{frame.shown} takes {arity_text(allowed)}, got {len(args)}",
                frame.col,
                "write max(a, b)" if frame.name in ("Max", "Min") else None,
            )
        if frame.base is not None:
            args = [*args, frame.base]
        value = self._make("call", args, frame.col, frame.name)
        if frame.power is not None:
            value = self._make("pow", [value, frame.power], frame.col)
        return value

    def _make(self, op: str, args: list[Val], col: int, text: str = "") -> Val:
        depth = 1 + max(a.depth for a in args)
        if depth > MAX_DEPTH:
            self.limit(col)
        return Val(Term(op, tuple(a.term for a in args), text, col), depth, col)

    def _number(self, tok: Token) -> Val:
        mantissa = leaf("number", tok.text, tok.col)
        if not tok.exp:
            return mantissa
        # 1e-3 → 1·10^(-3): never a big integer, so 1e100000000000 costs nothing.
        exponent = leaf("number", tok.exp.lstrip("+-"), tok.col)
        if tok.exp.startswith("-"):
            exponent = self._make("neg", [exponent], tok.col)
        power = self._make("pow", [leaf("number", "10", tok.col), exponent], tok.col)
        return self._make("mul", [mantissa, power], tok.col)

    def _log_base(self, text: str, col: int) -> Val:
        if _NUMBER.fullmatch(text):
            return leaf("number", text, col)
        if text in CONSTANTS:
            return leaf("constant", CONSTANTS[text], col)
        if SIMPLE_NAME.fullmatch(text) and _letter_like(text) and not is_function_name(text):
            check_name(text, self.fail, col)
            return leaf("symbol", text, col)
        if SIMPLE_NAME.fullmatch(text):
            # log_softmax(x) is no logarithm to the base "softmax": refuse rather than guess.
            self.fail(
                f"unclear logarithm base '{text}'",
                col,
                f"a base is a number or a one-letter name (log_2, log_b); "
                f"for the base {text} write log(x, {text})",
            )
        self.fail(f"unclear logarithm base '{text}'", col, "write log_2(x) or log_{b}(x)")


def _letter_like(name: str) -> bool:
    """x, W1, x_i, θ₁: a one-letter name, which multiplies a bracket instead of calling it."""
    stem = name.split("_", 1)[0].rstrip("0123456789")
    return len(stem) == 1 or stem in GREEK_NAMES
