"""Test-only helpers: build Terms by hand, turn Terms into sympy, evaluate independently."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

import pytest
import sympy

from chainrule.calculus.functions import FUNCTIONS
from chainrule.model import Assignment, Program, Term


def sym(name: str) -> Term:
    return Term("symbol", text=name)


def num(value: int | str) -> Term:
    return Term("number", text=str(value))


def call(name: str, *args: Term) -> Term:
    return Term("call", tuple(args), text=name)


def op(kind: str, *args: Term) -> Term:
    return Term(kind, tuple(args))


def expression(term: Term, source: str = "<test>") -> Program:
    return Program(source, (Assignment(None, term),))


def program(pairs: Iterable[tuple[str, Term]], source: str = "<test>") -> Program:
    return Program(source, tuple(Assignment(n, t, line=i + 1) for i, (n, t) in enumerate(pairs)))


def network() -> Program:
    """The README's one-hidden-unit network: a = W1*x + b1; h = σ(a); z = W2*h + b2; L."""
    x = sym("x")
    return program(
        [
            ("a", op("add", op("mul", sym("W1"), x), sym("b1"))),
            ("h", call("sigmoid", sym("a"))),
            ("z", op("add", op("mul", sym("W2"), sym("h")), sym("b2"))),
            ("L", op("div", op("pow", op("add", sym("z"), op("neg", sym("y"))), num(2)), num(2))),
        ]
    )


def walk(term: Term) -> list[Term]:
    """Every term in the tree, the root first (iterative)."""
    out, stack = [], [term]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.args)
    return out


def real(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def to_sympy(term: Term, names: dict[str, sympy.Expr] | None = None) -> sympy.Expr:
    """The sympy expression a Term means, built bottom-up with evaluation (the oracle's input)."""
    names = names or {}
    done: dict[int, sympy.Expr] = {}
    stack: list[tuple[Term, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if not ready:
            stack.append((t, True))
            stack.extend((a, False) for a in t.args)
            continue
        args = [done[id(a)] for a in t.args]
        if t.op == "number":
            value: sympy.Expr = sympy.Rational(t.text)
        elif t.op == "symbol":
            value = names.get(t.text, real(t.text))
        elif t.op == "constant":
            value = sympy.pi if t.text == "pi" else sympy.E
        elif t.op == "add":
            value = sympy.Add(*args)
        elif t.op == "mul":
            value = sympy.Mul(*args)
        elif t.op == "neg":
            value = -args[0]
        elif t.op == "div":
            value = args[0] / args[1]
        elif t.op == "pow":
            value = args[0] ** args[1]
        elif t.op == "call":
            value = FUNCTIONS[t.text](*args)
        elif t.op == "apply":
            value = sympy.Function(t.text, real=True)(*args)
        else:  # pragma: no cover
            raise AssertionError(t.op)
        done[id(t)] = value
    return done[id(term)]


def numeric_value(
    expr: sympy.Expr, point: dict[sympy.Symbol, float], *, allow_complex: bool = False
) -> complex | None:
    """sympy's own evalf at a point (independent of chainrule.check.numeric); None if undefined.

    A huge constant held opaque (``model.Constant``) means what it shows."""
    from chainrule.model import Constant

    expr = expr.xreplace({c: c.shown for c in expr.atoms(Constant)})
    rewritten = expr.rewrite(sympy.exp) if expr.has(*_ml_classes()) else expr
    try:
        value = complex(rewritten.evalf(30, subs=point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not all(map(math.isfinite, (value.real, value.imag))):
        return None
    if abs(value.imag) > 1e-12 and not allow_complex:
        return None
    return value


def _ml_classes() -> tuple[type, ...]:
    from chainrule.calculus.functions import sigmoid, softplus

    return (sigmoid, softplus)


def points(symbols: Iterable[sympy.Symbol], count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    syms = list(symbols)
    return [{s: rng.uniform(0.2, 1.6) for s in syms} for _ in range(count)]


def assert_close(a: complex, b: complex, what: str) -> None:
    assert abs(a - b) <= 1e-8 * max(1.0, abs(a), abs(b)), f"{what}: {a} != {b}"


def definitions(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every ML function replaced by its definition in elementary functions,
    so that ``sympy.diff`` of it is independent of the ``fdiff`` chainrule wrote."""
    from chainrule.calculus.activations import ActivationBase, relu, sigmoid, softplus

    def expand(e: sympy.Expr) -> sympy.Expr:
        if isinstance(e, ActivationBase):
            return type(e).definition(*e.full_args)
        if isinstance(e, relu):
            return sympy.Max(0, e.args[0])
        return e.rewrite(sympy.exp) if isinstance(e, (sigmoid, softplus)) else e

    return expr.replace(lambda e: isinstance(e, sympy.Function), expand)


def hostile_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``api.derive`` hostile on two inputs, for the runner's budgets: "hang" never
    finishes, "hog" allocates until the memory budget stops it; any other text derives."""
    import time

    import chainrule.api

    real = chainrule.api.derive

    def derive(text: str, *args: Any, **kwargs: Any) -> Any:
        if text == "hang":
            while True:
                time.sleep(0.01)
        if text == "hog":
            blocks = []
            while True:
                blocks.append(bytearray(50 * 1024 * 1024))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(chainrule.api, "derive", derive)
