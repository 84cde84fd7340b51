"""User text → ``model.Program``: statements split, targets checked, each expression parsed.

Nothing here evaluates user text: a hand-written lexer (``read.lexer``, LaTeX in
``read.latex_lexer``) turns it into tokens, this module splits them into statements, and
``read.expression`` turns each statement's tokens into a Term.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from chainrule.errors import LimitError, ParseError
from chainrule.model import Assignment, Program
from chainrule.read.expression import SIMPLE_NAME, ExpressionParser
from chainrule.read.latex_lexer import LatexLexer
from chainrule.read.lexer import Lexer, Token
from chainrule.read.notation import (
    ABSTRACT_FUNCTIONS,
    ALIASES,
    CONSTANTS,
    DUALS,
    MAX_INPUT_CHARS,
    check_name,
)


def parse(text: str, *, syntax: str = "auto", functions: Iterable[str] = ()) -> Program:
    """Parse an expression or a program of ``name = expression`` statements into Terms.

    Args:
        text: the user's input; statements are separated by ``;`` or newlines.
        syntax: "auto" (LaTeX when the text contains a backslash), "math" or "latex".
        functions: extra names to read as abstract functions when "(" follows them.

    Returns:
        The Program: one Assignment with ``name=None`` for a bare expression.

    Raises:
        ParseError: the text is not notation chainrule reads; carries the line and column.
        LimitError: the input is longer than MAX_INPUT_CHARS, nested deeper than MAX_DEPTH, or
            holds a number literal longer than MAX_LITERAL_DIGITS.
        ValueError: ``syntax`` is not one of the three names above.

    >>> program = parse("a = W1*x + b1; h = sigmoid(a)")
    >>> [(a.name, a.value.op) for a in program.assignments]
    [('a', 'add'), ('h', 'call')]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs a str, not {type(text).__name__}")
    if syntax not in ("auto", "math", "latex"):
        raise ValueError(f"syntax must be 'auto', 'math' or 'latex', not {syntax!r}")
    if len(text) > MAX_INPUT_CHARS:
        raise LimitError(
            f"input is {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}",
            hint="split the input into smaller pieces",
        )
    latex = syntax == "latex" or (syntax == "auto" and "\\" in text)
    tokens = (LatexLexer if latex else Lexer)(text).run()
    return _statements(text, tokens, _declared(functions))


def _statements(text: str, toks: list[Token], abstract: frozenset[str]) -> Program:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    spans: list[tuple[int, int]] = []
    start = 0
    for index, tok in enumerate(toks):
        if tok.kind in ("sep", "end"):
            if index > start:
                spans.append((start, index))
            start = index + 1
    if not spans:
        raise ParseError("empty input", hint="type an expression such as sin(x^2)")
    named = [toks[s].kind == "name" and toks[s + 1].kind == "eq" for s, _ in spans]
    assigned = {toks[s].text for (s, _), n in zip(spans, named, strict=True) if n}
    parser = ExpressionParser(toks, abstract, assigned)
    result = []
    for (s, _), is_named in zip(spans, named, strict=True):
        first = toks[s]
        source = lines[first.line - 1]
        if is_named:
            _check_target(first, source)
            value = parser.expression(s + 2, source)
            result.append(Assignment(first.text, value, column=first.col, line=first.line))
        elif len(spans) > 1:
            raise ParseError(
                "expected 'name = expression'",
                source=source,
                column=first.col,
                hint="a bare expression must be the only statement; name it: y = …",
            )
        else:
            value = parser.expression(s, source)
            result.append(Assignment(None, value, column=1, line=first.line))
    return Program(source=text, assignments=tuple(result))


def _check_target(tok: Token, source: str) -> None:
    name = tok.text
    if name in CONSTANTS:
        what = "Euler's number" if CONSTANTS[name] == "E" else "the constant π"
        message = f"'{name}' is {what} and cannot be assigned"
    elif name in ALIASES or name.startswith("log_"):
        message = f"'{name}' is a function and cannot be assigned"
    else:
        return
    raise ParseError(message, source=source, column=tok.col, hint="choose another name")


def _declared(functions: Iterable[str]) -> frozenset[str]:
    names = set(ABSTRACT_FUNCTIONS)
    for name in functions:

        def fail(message: str, col: int, hint: str | None, name: str = name) -> NoReturn:
            raise ParseError(message, source=name, column=None, hint=hint)

        if not isinstance(name, str) or not SIMPLE_NAME.fullmatch(name):
            raise ParseError(f"invalid function name {name!r}", hint="use letters, digits and _")
        check_name(name, fail, 0)
        if name in ALIASES or name in DUALS or name in CONSTANTS or name.startswith("log_"):
            fail(f"'{name}' is already a built-in name", 0, "choose another name")
        names.add(name)
    return frozenset(names)
