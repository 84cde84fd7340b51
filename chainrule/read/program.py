"""User text → ``model.Program``: statements split, targets checked, each expression parsed.

Nothing here evaluates user text: a hand-written lexer (``read.lexer``, LaTeX in
``read.latex_lexer``) turns it into tokens, this module splits them into statements, and
``read.expression`` turns each statement's tokens into a Term.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable
from typing import NoReturn

from chainrule.errors import ChainruleError, LimitError, ParseError
from chainrule.model import ACCENTS, Assignment, NameParts, Note, Program, Term
from chainrule.read import statements
from chainrule.read.expression import SIMPLE_NAME, ExpressionParser
from chainrule.read.latex_lexer import LatexLexer
from chainrule.read.lexer import Lexer, Token
from chainrule.read.notation import (
    ABSTRACT_FUNCTIONS,
    ALIASES,
    CONSTANTS,
    LOG_NAMES,
    MAX_INPUT_CHARS,
    check_name,
    is_function_name,
)
from chainrule.read.shaped_lexer import ShapedLexer
from chainrule.read.shapes import split_declarations
from chainrule.read.traps import rewrite


def parse(
    text: str, *, syntax: str = "auto", functions: Iterable[str] = (), shaped: bool = False
) -> Program:
    """Parse an expression or a program of ``name = expression`` statements into Terms.

    Args:
        text: the user's input; statements are separated by ``;`` or newlines.
        syntax: "auto" (LaTeX when the text contains a backslash), "math" or "latex".
        functions: extra names to read as abstract functions when "(" follows them.
        shaped: also read shape declarations (``W1: 3x2``, into ``Program.shapes``) and the
            matrix notation ``@``, ``⊙``, ``ᵀ`` and ``.T`` (``read.shaped_lexer``).

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
    body, shapes = split_declarations(text) if shaped else (text, {})
    tokens = (LatexLexer if latex else ShapedLexer if shaped else Lexer)(body).run()
    program = _statements(body, tokens, _declared(functions), latex)
    if shaped:  # the source as typed, its declarations with it
        program = dataclasses.replace(program, source=text, shapes=tuple(shapes.items()))
    return program


def read_name(text: str) -> str:
    """The name chainrule gives ``text`` typed alone, as it is typed or shown (for choosing a
    variable or an output by name): θ → theta, W₁ → W_1, ŷ → y__hat, c′ → c__1.

    Args:
        text: one name, primes allowed after it (′ ″ ‴ or ').

    Returns:
        The name as ``parse`` writes it, or ``text`` unchanged when it is not one name.

    >>> read_name("θ₁"), read_name("ŷ"), read_name("c″"), read_name("x y")
    ('theta_1', 'y__hat', 'c__2', 'x y')
    """
    bare = text.rstrip("′″‴'")
    version = sum({"″": 2, "‴": 3}.get(c, 1) for c in text[len(bare) :])
    try:
        toks = Lexer(bare).run()
    except ChainruleError:
        return text
    if [t.kind for t in toks] != ["name", "sep", "end"]:
        return text
    return dataclasses.replace(NameParts.of(toks[0].text), version=version).name


def typed_name(name: str) -> str:
    """A name as a person types it, for messages: the inverse of ``read_name``.

    Args:
        name: a name as ``parse`` writes it (``y__hat_1``, ``c__2``, ``theta``).

    Returns:
        ``ŷ_1``, ``c″``, ``theta``: accents as combining marks, versions as primes.

    >>> typed_name("y__hat_1"), typed_name("c__2"), typed_name("W_1")
    ('ŷ_1', 'c″', 'W_1')
    """
    parts = NameParts.of(name)
    shown = parts.stem + ACCENTS.get(parts.accent, "") + parts.rest
    primes = "′" * parts.version if parts.version > 3 else "′″‴"[parts.version - 1]
    return unicodedata.normalize("NFC", shown) + (primes if parts.version else "")


def _statements(text: str, toks: list[Token], abstract: frozenset[str], latex: bool) -> Program:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    assigned = {s.target.text for s in statements.split(toks) if s.target is not None}
    toks, notes = rewrite(toks, lines, assigned, abstract, latex=latex)
    found = statements.split(toks)
    if not found:
        raise ParseError("empty input", hint="type an expression such as sin(x^2)")
    for s in found:
        if s.target is not None:
            notes += _check_target(s.target, lines[s.target.line - 1])
    versions = statements.versions(toks, found, lines)
    parser = ExpressionParser(versions.tokens, abstract, assigned | versions.names)
    result = []
    for s in found:
        first = versions.tokens[s.start]
        source = lines[first.line - 1]
        if s.target is None and len(found) > 1:
            raise ParseError(
                "expected 'name = expression'",
                source=source,
                column=first.col,
                hint="a bare expression must be the only statement; name it: y = …",
            )
        value = parser.expression(s.value, source)
        if s.op:
            value = _augmented(s.op, Term("symbol", (), versions.before[s.start], first.col), value)
        name = None if s.target is None else first.text
        column = first.col if s.target is not None else 1
        result.append(Assignment(name, value, column=column, line=first.line))
    notes += versions.notes
    return Program(source=text, assignments=tuple(result), notes=tuple(dict.fromkeys(notes)))


def _augmented(op: str, before: Term, value: Term) -> Term:
    """``c += v`` is ``c = c + (v)``, as in code: the whole right side is one operand."""
    if op == "-":
        return Term(
            "add", (before, Term("neg", (value,), column=value.column)), column=before.column
        )
    kind = {"+": "add", "*": "mul", "/": "div"}[op]
    return Term(kind, (before, value), column=before.column)


def _check_target(tok: Token, source: str) -> list[Note]:
    name = tok.text
    if name in CONSTANTS:
        # e = z - y is ML's error term: a program that assigns a constant's name means a
        # variable there.
        typed = source[tok.col - 1 : tok.end - 1]
        return [Note("shadows_e" if CONSTANTS[name] == "E" else "shadows_pi", (("name", typed),))]
    if name in ALIASES or name in LOG_NAMES:
        raise ParseError(
            f"'{name}' is a function and cannot be assigned",
            source=source,
            column=tok.col,
            hint="choose another name",
        )
    return []


def _declared(functions: Iterable[str]) -> frozenset[str]:
    names = set(ABSTRACT_FUNCTIONS)
    for name in functions:

        def fail(message: str, col: int, hint: str | None, name: str = name) -> NoReturn:
            raise ParseError(message, source=name, column=None, hint=hint)

        if not isinstance(name, str) or not SIMPLE_NAME.fullmatch(name):
            raise ParseError(f"invalid function name {name!r}", hint="use letters, digits and _")
        check_name(name, fail, 0)
        if is_function_name(name) or name in CONSTANTS:
            fail(f"'{name}' is already a built-in name", 0, "choose another name")
        names.add(name)
    return frozenset(names)
