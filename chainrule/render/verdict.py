"""The words of a verdict on a learner's answer, written in any ``Notation``.

A verdict's line mixes words and math ("did not multiply by du/dx = 2x"), so it is built as
pieces, each words or math; a format joins them its own way (LaTeX puts the math in ``$…$``).
The factor a mistake names is marked where the derivation shows it (``mark``).

>>> from chainrule.api import check_answer
>>> from chainrule.render.notation import Notation
>>> d = check_answer("sin(x**2)", "cos(x**2)")
>>> plain(headline(Notation(d), d.steps[0]))
'not correct: you differentiated the outer function but did not multiply by du/dx = 2x'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy

from chainrule.model import Derivation, Mistake, Verdict
from chainrule.render.notation import Notation

Piece = tuple[bool, str]  # (is math, printed text)


def verdicts(d: Derivation) -> list[Verdict]:
    """The verdicts among a derivation's steps (one, for a checked answer)."""
    return [s for s in d.steps if isinstance(s, Verdict)]


def shows_derivation(d: Derivation) -> bool:
    """False when an answer was judged correct: the verdict is then the whole output."""
    return not any(v.correct for v in verdicts(d))


def plain(pieces: Sequence[Piece]) -> str:
    """The pieces joined as they are (text and the terminal)."""
    return "".join(text for _, text in pieces)


def headline(n: Notation, v: Verdict) -> list[Piece]:
    """``correct (symbolically): d/dx sin(2x) = 2·cos(2x)`` or ``not correct: <the mistake>``.

    Args:
        n: the notation (of the verdict's derivation).
        v: the verdict.

    Returns:
        The line as pieces.
    """
    if v.correct:
        how = "symbolically" if v.how == "symbolic" else f"numerically, at {v.points} points"
        equation = f"{n.operator(v.wrt)} {_what(n)} = {n.expr(v.answer)}"
        return [(False, f"correct ({how}): "), (True, equation)]
    return [(False, "not correct: "), *mistakes_text(n, v.mistakes)]


def answer_rows(n: Notation, v: Verdict) -> list[tuple[str, str]]:
    """For a wrong answer: (label, printed expression) for the answer and the derivative."""
    if v.correct:
        return []
    rows = [("your answer", n.expr(v.answer))]
    chain = next((c for c in n.d.chain_rules if c.wrt == v.wrt), None)
    if chain is None:
        return rows
    truth = chain.simplified if chain.simplified is not None else chain.result
    if truth is not None:
        rows.append(("the derivative", n.expr(truth)))
    return rows


def mistakes_text(n: Notation, mistakes: Sequence[Mistake]) -> list[Piece]:
    """What went wrong, in words and math."""
    if not mistakes:
        return [(False, "your answer differs from the derivative")]
    first = mistakes[0]
    kind = first.kind
    if kind == "inner_forgotten":
        missing = " and ".join(_factor_equation(n, m.factor, m.expected) for m in mistakes)
        return [
            (False, "you differentiated the outer function but did not multiply by "),
            (True, missing),
        ]
    if kind == "missing_path":
        rule = _rule(n.d, first.factor)
        wrt, out = first.factor[-1], first.factor[0]
        return [
            (False, f"{rule}you left out the path "),
            (True, n.path(first.factor)),
            (False, ", which contributes "),
            (True, _expr(n, first.expected)),
            (False, f" (the derivative sums every path from {n.name(wrt)} to {n.name(out)})"),
        ]
    if kind == "sign":
        if not first.factor:
            return [(False, "a sign error: your answer is the negative of the derivative")]
        path = len(first.factor) > 2
        return [
            (False, "a sign error on the path " if path else "a sign error in "),
            (True, _where(n, first.factor)),
            (False, ": it contributes " if path else ": it is "),
            (True, _expr(n, first.expected)),
            (False, ", not "),
            (True, _expr(n, first.got)),
        ]
    if kind == "product_of_derivatives":
        return [
            (False, "a product's derivative is not the product of its factors' derivatives: "),
            (False, "the product rule gives "),
            (True, _expr(n, first.expected)),
        ]
    if kind == "wrong_order":
        return [
            (False, "the functions are composed in the wrong order: your answer is the "),
            (False, "derivative of "),
            (True, _expr(n, first.got)),
            (False, ", not of "),
            (True, _expr(n, first.expected)),
        ]
    if kind == "constant_factor":
        return [
            (False, "a constant factor off: your answer is "),
            (True, _expr(n, first.scale)),
            (False, " times the derivative"),
        ]
    if kind == "wrong_point":
        return [
            (False, "you took "),
            (True, _factor_equation(n, first.factor, first.expected)),
            (False, " at "),
            (True, _point(n, first.at)),
            (False, " instead of at "),
            (True, _point(n, first.correct_at)),
            (False, ": the outer derivative is evaluated at the inner function"),
        ]
    if kind == "power_not_reduced":
        return [
            (False, "the power rule lowers the exponent by one: "),
            (True, _factor_equation(n, first.factor, first.expected)),
            (False, ", not "),
            (True, _expr(n, first.got)),
        ]
    return _disagreement(n, first)


def mark(n: Notation, factor: Sequence[str]) -> str:
    """The note beside a factor (of, wrt) or a path a mistake names, in ``n``'s math; "" for
    one no mistake names."""
    for v in n.verdicts:
        for m in v.mistakes:
            # A path is marked at its first factor, in the list of local derivatives.
            on_path = len(m.factor) > 2 and tuple(m.factor[:2]) == tuple(factor)
            if tuple(m.factor) != tuple(factor) and not on_path:
                continue
            if on_path:
                return (
                    n.text("on the path ")
                    + n.path(m.factor)
                    + n.text(", ")
                    + (
                        n.text("left out of your answer")
                        if m.kind == "missing_path"
                        else n.text("its sign is flipped in your answer")
                    )
                )
            if m.kind == "inner_forgotten":
                return n.text("missing from your answer")
            if m.kind == "missing_path":
                return n.text("left out of your answer")
            if m.kind == "wrong_point":
                return (
                    n.text("your answer took it at ")
                    + _point(n, m.at)
                    + n.text(": ")
                    + _expr(n, m.got)
                )
            return n.text("your answer: ") + _expr(n, m.got)
    return ""


def verdict_dict(
    v: Verdict, py: Callable[[Any], str], name: Callable[[str], str], n: Notation
) -> dict[str, Any]:
    """The verdict's keys in the JSON object: ``correct``, ``how``, ``answer``, ``mistakes``.

    Args:
        v: the verdict.
        py: prints an expression as ``sympy.parse_expr`` reads it back.
        name: a node's name as the JSON prints it.
        n: the plain notation, for the messages.

    Returns:
        ``mistakes`` is a list of ``{kind, factor, expected, got, message}`` (and ``at``,
        ``correct_at``, ``scale`` where they apply); ``factor`` is ``{of, wrt}`` for a local
        factor, ``{nodes}`` for a path, null for the whole derivative.
    """
    mistakes = []
    for m in v.mistakes:
        factor: dict[str, Any] | None = None
        if len(m.factor) == 2:
            factor = {"of": name(m.factor[0]), "wrt": name(m.factor[1])}
        elif m.factor:
            factor = {"nodes": [name(x) for x in m.factor]}
        entry: dict[str, Any] = {
            "kind": m.kind,
            "factor": factor,
            "expected": None if m.expected is None else py(m.expected),
            "got": None if m.got is None else py(m.got),
            "message": plain(mistakes_text(n, [m])),
        }
        for key, point in (("at", m.at), ("correct_at", m.correct_at)):
            if point:
                entry[key] = {name(k): py(value) for k, value in point}
        if m.scale is not None:
            entry["scale"] = py(m.scale)
        mistakes.append(entry)
    return {
        "answer_input": v.answer_text,
        "answer": py(v.answer),
        "correct": v.correct,
        "how": v.how,
        "points": v.points,
        "verdict": plain(headline(n, v)),
        "mistakes": mistakes,
    }


def _disagreement(n: Notation, m: Mistake) -> list[Piece]:
    if not m.at:  # no variables, or no point with real values: the two as they are
        if m.expected is None or m.got is None:
            return [(False, "your answer differs from the derivative")]
        return [
            (False, "your answer is "),
            (True, _valued(n, m.got)),
            (False, " but the derivative is "),
            (True, _valued(n, m.expected)),
        ]
    got: list[Piece] = [(False, "has no real value")]
    if m.got is not None:
        got = [(False, "is "), (True, _valued(n, m.got))]
    return [
        (False, "at "),
        (True, _point(n, m.at)),
        (False, " your answer "),
        *got,
        (False, " but the derivative is "),
        (True, _valued(n, m.expected)),
    ]


def _what(n: Notation) -> str:
    from chainrule.render.equations import heading_parts  # equations marks factors with us

    return heading_parts(n)[1]


def _expr(n: Notation, expr: Any) -> str:
    return "?" if expr is None else n.expr(expr)


def _valued(n: Notation, expr: Any) -> str:
    """A value at a point, with its decimal where it is not already a plain number."""
    text = _expr(n, expr)
    if expr is None or expr.is_Rational or expr.is_Float:
        return text
    return text + n.text(" (about ") + n.expr(sympy.Float(expr.evalf(6), 6)) + n.text(")")


def _where(n: Notation, factor: Sequence[str]) -> str:
    return n.local(factor[0], factor[1]) if len(factor) == 2 else n.path(factor)


def _factor_equation(n: Notation, factor: Sequence[str], expr: Any) -> str:
    return f"{_where(n, factor)} = {_expr(n, expr)}"


def _point(n: Notation, at: Sequence[tuple[str, Any]]) -> str:
    return ", ".join(f"{n.name(name)} = {n.expr(value)}" for name, value in at)


def _rule(d: Derivation, path: Sequence[str]) -> str:
    """ "the product rule half done: " where the path leaves a product (quotient), else ""."""
    nodes = {node.name: node for node in d.graph.nodes}
    top = nodes.get(path[0])
    if top is None or not top.value.is_Mul:
        return ""
    below = d.graph.symbols.get(path[1])
    divides = any(
        f.is_Pow and f.base == below and f.exp.is_negative for f in sympy.Mul.make_args(top.value)
    )
    return f"the {'quotient' if divides else 'product'} rule half done: "
