"""Shaped expressions in three styles: Unicode (``δh ⊙ σ(a) ⊙ (1 − σ(a))``, ``W₂ᵀ · δz``),
LaTeX (``\\odot``, ``^{\\top}``) and Python with numpy's operators (``W2.T @ delta_z``, ``*``
entry by entry).  Iterative: a post-order walk, no recursion over depth.

>>> from chainrule.model import MExpr, Shape
>>> W, d = MExpr("var", Shape(3, 2), text="W2"), MExpr("delta", Shape(3, 1), text="z")
>>> e = MExpr("mm", Shape(2, 1), (MExpr("T", Shape(2, 3), (W,)), d))
>>> print_unicode(e), print_latex(e), print_python(e)
('W₂ᵀ · δz', 'W_{2}^{\\\\top} \\\\delta_{z}', 'W2.T @ delta_z')
"""

from __future__ import annotations

from fractions import Fraction

from chainrule.model import MExpr
from chainrule.render.printers.latex import name_latex
from chainrule.render.printers.unicode import name_unicode

_ADD, _NEG, _MUL, _POW, _POST, _ATOM = 10, 15, 20, 30, 40, 50
_UNICODE_FN = {"sigmoid": "σ", "Heaviside": "H", "log": "ln"}
_LATEX_FN = {"sigmoid": "\\sigma", "exp": "\\exp", "log": "\\ln", "sin": "\\sin",
             "cos": "\\cos", "tanh": "\\tanh", "Heaviside": "H"}  # fmt: skip
_SUPERSCRIPT = dict(zip("0123456789-/", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᐟ", strict=True))


def print_unicode(e: MExpr) -> str:
    return _print(e, "unicode")


def print_latex(e: MExpr) -> str:
    return _print(e, "latex")


def print_python(e: MExpr) -> str:
    return _print(e, "python")


def delta_name(name: str, style: str) -> str:
    """δz as each style writes it."""
    if style == "latex":
        return f"\\delta_{{{name_latex(name)}}}"
    if style == "python":
        return f"delta_{name}"
    return "δ" + name_unicode(name)


def _number(value: Fraction, style: str) -> str:
    if value.denominator == 1:
        return str(value.numerator).replace("-", "−" if style == "unicode" else "-")
    if style == "latex":
        sign = "-" if value < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    return f"{value.numerator}/{value.denominator}".replace("-", "−" if style == "unicode" else "-")


def _print(root: MExpr, style: str) -> str:
    done: dict[int, tuple[str, int]] = {}
    stack: list[tuple[MExpr, bool]] = [(root, False)]
    while stack:
        e, ready = stack.pop()
        if not ready:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args)
            continue
        done[id(e)] = _one(e, [done[id(a)] for a in e.args], style)
    return done[id(root)][0]


def _wrap(item: tuple[str, int], above: int, style: str) -> str:
    text, prec = item
    if prec > above:
        return text
    return f"\\left({text}\\right)" if style == "latex" else f"({text})"


def _one(e: MExpr, args: list[tuple[str, int]], style: str) -> tuple[str, int]:
    uni, tex, py = style == "unicode", style == "latex", style == "python"
    op = e.op
    if op == "var":
        return (name_latex(e.text) if tex else name_unicode(e.text) if uni else e.text), _ATOM
    if op == "delta":
        return delta_name(e.text, style), _ATOM
    if op == "num":
        assert e.value is not None
        text = _number(e.value, style)
        return text, (_ATOM if e.value >= 0 and e.value.denominator == 1 else _MUL)
    if op == "const":
        pi = {"unicode": "π", "latex": "\\pi", "python": "pi"}[style]
        return (pi if e.text == "pi" else "e" if not py else "E"), _ATOM
    if op == "ones":
        if py:
            return f"ones(({e.shape.rows}, {e.shape.cols}))", _ATOM
        return ("\\mathbf{1}" if tex else "𝟏"), _ATOM
    if op == "add":
        minus = "−" if uni else "-"
        parts = [args[0][0]]
        for text, _prec in args[1:]:
            # A term printed with a leading minus (−x, −2·x, −1) is subtracted: x − 2·y.
            parts.append(f"{minus} {text[1:]}" if text.startswith(minus) else f"+ {text}")
        return " ".join(parts), _ADD
    if op == "neg":
        return ("−" if uni else "-") + _wrap(args[0], _NEG, style), _NEG
    if op == "had":
        joined = ""
        for i, (a, item) in enumerate(zip(e.args, args, strict=True)):
            text = item[0] if a.op == "num" and i == 0 else _wrap(item, _MUL, style)
            if i == 0:
                joined = text
                continue
            prev = e.args[i - 1]
            scalar = prev.shape.is_scalar or a.shape.is_scalar
            if py:
                joined += " * " + text
            elif tex:
                joined += (" \\cdot " if scalar else " \\odot ") + text
            else:
                joined += (
                    "·" if scalar and prev.op == "num" else " · " if scalar else " ⊙ "
                ) + text
        return joined, _MUL
    if op == "mm":
        left, right = (
            x[0] if u.op == "mm" else _wrap(x, _MUL, style)
            for u, x in zip(e.args, args, strict=True)
        )
        joint = " @ " if py else " " if tex else " · "
        return left + joint + right, _MUL
    if op == "div":
        top, bottom = args
        if tex:
            return f"\\frac{{{top[0]}}}{{{bottom[0]}}}", _MUL
        return f"{_wrap(top, _MUL - 1, style)}/{_wrap(bottom, _MUL, style)}", _MUL
    if op == "pow":
        base = _wrap(args[0], _POW, style)
        value = e.args[1].value
        assert value is not None
        if py:
            return f"{base}**{_wrap(args[1], _POW, style)}", _POW
        if tex:
            return f"{base}^{{{_number(value, 'python')}}}", _POW
        exponent = _number(value, "python")
        if all(c in _SUPERSCRIPT for c in exponent):
            return base + "".join(_SUPERSCRIPT[c] for c in exponent), _POW
        return f"{base}^({exponent})", _POW
    if op == "T":
        base = _wrap(args[0], _POST, style)
        return base + (".T" if py else "^{\\top}" if tex else "ᵀ"), _POST
    if op in ("norm", "norm2"):
        inner = args[0][0]
        if py:
            text = f"norm({inner})" + ("**2" if op == "norm2" else "")
        elif tex:
            text = f"\\left\\lVert {inner} \\right\\rVert" + ("^{2}" if op == "norm2" else "")
        else:
            text = f"‖{inner}‖" + ("²" if op == "norm2" else "")
        return text, (_POW if op == "norm2" else _ATOM)
    name = {"fn": e.text, "sum": "sum", "softmax": "softmax", "dot": "dot",
            "ce": "cross_entropy"}[op]  # fmt: skip
    inner = ", ".join(text for text, _ in args)
    if tex:
        name = _LATEX_FN.get(name, f"\\operatorname{{{'CE' if op == 'ce' else name}}}")
        return f"{name}\\left({inner}\\right)", _ATOM
    if uni:
        name = _UNICODE_FN.get(name, "CE" if op == "ce" else name)
    return f"{name}({inner})", _ATOM
