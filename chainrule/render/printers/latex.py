# Dispatch names follow the classes they print (_print_Mul), as sympy's printers require.
# ruff: noqa: N802
"""LaTeX math: sympy's LaTeX printer with ML functions, upstream gradients and readable products.

>>> import sympy
>>> from chainrule.calculus.functions import sigmoid
>>> a = sympy.Symbol("a")
>>> to_latex(sigmoid(a) * (1 - sigmoid(a)))
'\\\\sigma\\\\left(a\\\\right) \\\\left(1 - \\\\sigma\\\\left(a\\\\right)\\\\right)'
>>> print(derivative_symbol("L", "W1", partial=True))
\\frac{\\partial L}{\\partial W_{1}}
"""

from __future__ import annotations

import functools
import re
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter

from chainrule.model import NameParts, Upstream, is_negative_number
from chainrule.render.printers.common import (
    Orders,
    ReadableOrder,
    as_interval,
    doprint,
    minus_sign,
    negated,
    prime_form,
    split_mul,
)

_LETTER_AND_DIGITS = re.compile(r"([A-Za-z])([0-9]*)")


@functools.lru_cache(maxsize=8192)
def name_latex(name: str) -> str:
    """A symbol name in LaTeX, as sympy writes it (``W1`` → ``W_{1}``, ``theta`` → ``\\theta``),
    with the accent and version of a name the reader made (``y__hat_1`` → ``\\hat{y}_{1}``,
    ``c__2`` → ``c''``).

    Args:
        name: the symbol's name.

    Returns:
        The LaTeX for the name.
    """
    # sympy's name translation is slow and a deep derivation prints the same names thousands
    # of times: hence the cache, and LatexPrinter._print_Symbol going through it.
    plain_name = _LETTER_AND_DIGITS.fullmatch(name)
    if plain_name:  # u5998 is u_{5998}, as sympy writes it, without its name translation
        letter, digits = plain_name.groups()
        return f"{letter}_{{{digits}}}" if digits else letter
    parts = NameParts.of(name)
    # sympy reads an accent from a name's suffix: yhat_1 is \hat{y}_{1}.
    plain = sympy.Symbol(parts.stem + parts.accent + parts.rest)
    shown = str(SympyLatexPrinter()._print_Symbol(plain))
    if parts.version > 3:
        return f"{shown}^{{({parts.version})}}"
    return shown + "'" * parts.version


@functools.lru_cache(maxsize=1024)
def _function_name(func: str) -> str:
    # sympy's, which translates the name afresh for every call printed (cos, σ, f).
    return str(SympyLatexPrinter()._hprint_Function(func))


def derivative_symbol(of: str, wrt: str, partial: bool) -> str:
    """The symbol for a derivative: ``\\frac{dy}{du}`` or ``\\frac{\\partial L}{\\partial W_{1}}``.

    Args:
        of: name of the differentiated quantity.
        wrt: name of the variable.
        partial: ∂ rather than d.

    Returns:
        LaTeX for math mode.
    """
    top, bottom = name_latex(of), name_latex(wrt)
    if partial:
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"
    return rf"\frac{{d{top}}}{{d{bottom}}}"


class LatexPrinter(ReadableOrder, SympyLatexPrinter):  # type: ignore[misc]
    """sympy's LaTeX printer; ``partial`` writes upstream gradients with ∂ (else d)."""

    _default_settings = {
        **SympyLatexPrinter._default_settings,
        "partial": True,
        "ln_notation": True,
        "orders": None,  # {frozenset of a sum's terms: the terms as typed} (ReadableOrder)
    }

    def _print_Upstream(self, expr: Upstream) -> str:
        return derivative_symbol(expr.of, expr.wrt, self._settings["partial"])

    def _print_Symbol(self, expr: Any, style: Any = "plain") -> str:
        if type(expr) is not sympy.Symbol or style != "plain" or self._settings["symbol_names"]:
            return str(super()._print_Symbol(expr, style))
        return name_latex(expr.name)

    def _hprint_Function(self, func: str) -> str:
        return _function_name(func)

    def _call(self, name: str, expr: Any, exp: Any) -> str:
        head = f"{name}^{{{exp}}}" if exp is not None else name
        return rf"{head}\left({self._print(expr.args[0])}\right)"

    def _print_sigmoid(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\sigma", expr, exp)

    def _print_relu(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\operatorname{relu}", expr, exp)

    def _print_softplus(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\operatorname{softplus}", expr, exp)

    def _print_Heaviside(self, expr: Any, exp: Any = None) -> str:
        return self._call("H", expr, exp)

    def _print_ActivationBase(self, expr: Any, exp: Any = None) -> str:
        # silu, gelu, leaky_relu, ... by name; sympy would set "_relu" as a subscript.
        name = type(expr).__name__.replace("_", r"\_")
        head = rf"\operatorname{{{name}}}" + (f"^{{{exp}}}" if exp is not None else "")
        return rf"{head}\left({', '.join(self._print(a) for a in expr.args)}\right)"

    def _print_polygamma(self, expr: Any, exp: Any = None) -> str:
        # ψ(u), the digamma function, in factorial′ = u!·ψ(u + 1) as tables print it;
        # ψ⁽ⁿ⁾(u) for the polygamma functions.
        order, u = expr.args
        name = r"\psi" if order == 0 else rf"\psi^{{({self._print(order)})}}"
        head = rf"{name}^{{{exp}}}" if exp is not None else name
        return rf"{head}\left({self._print(u)}\right)"

    def _print_normal_cdf(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\Phi", expr, exp)

    def _print_normal_pdf(self, expr: Any, exp: Any = None) -> str:
        return self._call(r"\phi", expr, exp)

    def _print_Float(self, expr: Any) -> str:
        # Published constants only (SELU's, tanh-GELU's): six significant digits, as in papers.
        return str(super()._print_Float(sympy.Float(expr, 6)))

    def _print_Piecewise(self, expr: Any) -> str:
        rows = []
        for value, condition in expr.args:
            when = r"\text{otherwise}"
            if condition is not sympy.true:
                when = r"\text{if } " + self._print(condition)
            rows.append(f"{self._print(value)} & {when}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_And(self, expr: Any) -> str:
        band = as_interval(expr)
        if band is None:
            return r" \text{ and } ".join(self._print(a) for a in expr.args)
        low, op1, mid, op2, high = band
        ops = {"<": "<", "<=": r"\leq"}
        return f"{self._print(low)} {ops[op1]} {self._print(mid)} {ops[op2]} {self._print(high)}"

    def _print_Or(self, expr: Any) -> str:
        return r" \text{ or } ".join(self._print(a) for a in expr.args)

    def _print_Add(self, expr: Any, order: Any = None) -> str:
        # sympy's, with the sign of a term read off its leading number (common.minus_sign).
        tex = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            if i and minus_sign(term):
                tex += " - "
                term = negated(term)
            elif i:
                tex += " + "
            term_tex = str(self._print(term))
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += term_tex
        return tex

    def _print_Mul(self, expr: Any) -> str:
        # sympy orders (1 - σ(a))σ(a); we put numbers, symbols, calls, then brackets.
        negative, numer, denom = split_mul(expr)
        upstream = [f for f in numer if isinstance(f, Upstream)]
        rest = [f for f in numer if not isinstance(f, Upstream)]
        lead = ""
        if upstream and denom:  # ∂L/∂q · 1/v: never a fraction inside a fraction's numerator
            lead, upstream = self._join(upstream) + r" \cdot ", []
        if not upstream and len(rest) == 1 and denom:
            top = str(self._print(rest[0]))  # \frac brackets its numerator already
        else:
            top = self._join(upstream + rest) or "1"
        # A lone denominator needs no brackets: the fraction bar groups it (\frac{1}{x + 1}).
        bottom = str(self._print(denom[0])) if len(denom) == 1 else self._join(denom)
        text = lead + rf"\frac{{{top}}}{{{bottom}}}" if denom else top
        return "- " + text if negative else text

    def _join(self, factors: list[Any]) -> str:
        out = ""
        for factor in factors:
            text = str(self._print(factor))
            if factor.is_Add or (is_negative_number(factor) and out):
                text = rf"\left({text}\right)"
            if out and (factor.is_Number or text[0].isdigit()):
                out += r" \cdot "  # 2 \cdot 3^{x}, never "23^{x}"
            elif out:
                out += " "
            out += text
        return out

    def _print_Subs(self, expr: Any) -> str:
        prime = prime_form(expr)
        if prime is None:
            return str(super()._print_Subs(expr))
        name, order, argument = prime
        head = self._print(sympy.Function(name))
        return rf"{head}{chr(39) * order}\left({self._print(argument)}\right)"

    def _print_Derivative(self, expr: Any) -> str:
        if prime_form(expr) is not None:
            return self._print_Subs(expr)
        return str(super()._print_Derivative(expr))


def to_latex(expr: Any, *, partial: bool = True, orders: Orders | None = None) -> str:
    """LaTeX math (no surrounding ``$``): ``\\sigma\\left(a\\right)``, ``W_{1}``.

    Args:
        expr: a shallow sympy expression.
        partial: write upstream gradients with ∂ (True) or d (False).
        orders: sums to write in the order typed (see ``to_unicode``).

    Returns:
        LaTeX for math mode.
    """
    return doprint(LatexPrinter({"partial": partial, "orders": orders}), expr)
