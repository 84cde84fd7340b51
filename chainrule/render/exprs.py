# Dispatch names follow the classes they print (_print_Mul), as sympy's printers require.
# ruff: noqa: N802
"""Printers for one shallow sympy expression: Python syntax, one-line Unicode, and LaTeX.

Each printer subclasses a sympy printer and overrides ``_print_<Class>`` methods, the dispatch
of ``sympy/printing/printer.py``.  The engine keeps every expression it hands us shallow, so the
sympy printers' own recursion is safe; we add none over depth.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> to_unicode(2 * x * sympy.cos(x**2))
'2x·cos(x²)'
>>> to_python(2 * x * sympy.cos(x**2))
'2*x*cos(x**2)'
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty_symbology import greek_unicode
from sympy.printing.printer import Printer
from sympy.printing.str import StrPrinter

from chainrule.model import Upstream

Style = Literal["unicode", "latex", "python"]

MINUS = "\u2212"
DOT = "·"

_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
        strict=True,
    )
)
# Functions whose Unicode name differs from sympy's class name.
_UNICODE_FUNCTION_NAMES = {
    "log": "ln",
    "Heaviside": "H",
    "sigmoid": "σ",
    "gamma": "Γ",
    "DiracDelta": "δ",
}


def _script(text: str, table: dict[str, str]) -> str | None:
    """``text`` in sub/superscript glyphs, or None when one of its characters has none."""
    out = [table.get(ch) for ch in text]
    return None if not text or None in out else "".join(c for c in out if c)


@functools.lru_cache(maxsize=8192)
def name_unicode(name: str) -> str:
    """A symbol name in Unicode: Greek names as glyphs, trailing digits or ``_x`` as subscripts.

    Args:
        name: the symbol's name as the user wrote it (``W1``, ``x_i``, ``theta``).

    Returns:
        ``W₁``, ``xᵢ``, ``θ``; parts without a glyph stay as written (``x_q``).
    """
    base, supers, subs = split_super_sub(name)
    glyph = str(greek_unicode.get(base, base))
    if base == "pi":
        glyph = "π"
    scripts = [_script(s, _SUB) for s in subs] + [_script(s, _SUP) for s in supers]
    if None in scripts:
        # A part with no glyph: keep the name readable as typed rather than half-converted.
        return glyph + name[len(base) :] if glyph != base else name
    subscript = ",".join(s for s in scripts[: len(subs)] if s)
    superscript = "".join(s for s in scripts[len(subs) :] if s)
    return glyph + subscript + superscript


@functools.lru_cache(maxsize=8192)
def name_latex(name: str) -> str:
    """A symbol name in LaTeX, as sympy writes it (``W1`` → ``W_{1}``, ``theta`` → ``\\theta``).

    Args:
        name: the symbol's name.

    Returns:
        The LaTeX for the name.
    """
    # sympy's name translation is slow and a deep derivation prints the same names thousands
    # of times: hence the cache, and _LatexPrinter._print_Symbol going through it.
    return str(LatexPrinter()._print_Symbol(sympy.Symbol(name)))


def _rank(factor: Any) -> int:
    """Where a factor goes in a product: number, constant, symbol/power, call, bracketed sum."""
    if factor.is_Number:
        return 0
    if factor.is_NumberSymbol or factor is sympy.I:
        return 1
    if factor.is_Symbol:
        return 2
    if factor.is_Pow:
        base = factor.base
        if base.is_Add:
            return 4
        if base.is_Number or base.is_NumberSymbol:
            return 1  # √2, πˣ: constants, written first
        if factor.exp == sympy.S.Half and not base.is_Symbol:
            return 3  # √(…) reads like a call
        return 2 if base.is_Symbol else 3
    if factor.is_Add:
        return 4
    return 3


def _split_mul(expr: Any) -> tuple[bool, list[Any], list[Any]]:
    """A product as (negative, numerator factors, denominator factors), each list in print order."""
    negative = expr.could_extract_minus_sign()
    if negative:
        expr = -expr
    numer: list[Any] = []
    denom: list[Any] = []
    for arg in sympy.Mul.make_args(expr):
        if arg.is_Rational and not arg.is_Integer:
            if arg.p != 1:
                numer.append(sympy.Integer(arg.p))
            denom.append(sympy.Integer(arg.q))
        elif arg.is_Pow and arg.exp.is_Rational and arg.exp.is_negative:
            denom.append(arg.base if arg.exp == -1 else sympy.Pow(arg.base, -arg.exp))
        elif arg is not sympy.S.One:
            numer.append(arg)
    numer.sort(key=_rank)  # stable: sympy's order within a rank
    denom.sort(key=_rank)
    return negative, numer, denom


def _prime_form(expr: Any) -> tuple[str, int, Any] | None:
    """(function name, order, argument) when ``expr`` is f′(arg) of an abstract function f:
    ``Derivative(f(u), u)`` (argument u), or ``Subs(Derivative(f(ξ), ξ), ξ, g)``, which is
    how sympy writes f′ evaluated at g (argument g)."""
    point = None
    if isinstance(expr, sympy.Subs) and len(expr.variables) == 1:
        point, expr = expr.point[0], expr.expr
    if not isinstance(expr, sympy.Derivative):
        return None
    inner, variables = expr.expr, expr.variable_count
    if (
        isinstance(inner, AppliedUndef)
        and len(inner.args) == 1
        and len(variables) == 1
        and variables[0][0] == inner.args[0]
        and variables[0][1] <= 3
    ):
        return inner.func.__name__, int(variables[0][1]), inner.args[0] if point is None else point
    return None


def _sympy_order(printer: Any, expr: Any, order: Any) -> list[Any]:
    """sympy's order of a sum's terms, or the terms as stored when ordering cannot be done.

    sympy orders by evaluating numeric terms, which overflows on a constant like 2**2**2**99
    that chainrule deliberately keeps unevaluated.
    """
    try:
        return list(Printer._as_ordered_terms(printer, expr, order=order))
    except (OverflowError, ValueError, MemoryError):
        return list(expr.args)


def _positive_first(terms: list[Any]) -> list[Any]:
    # ``z - y`` rather than sympy's ``-y + z``; otherwise sympy's order.
    return [t for t in terms if not t.could_extract_minus_sign()] + [
        t for t in terms if t.could_extract_minus_sign()
    ]


class _PythonPrinter(StrPrinter):  # type: ignore[misc]
    """sympy's str printer: ML functions already print by class name; Upstream by its name."""

    def _print_Upstream(self, expr: Upstream) -> str:
        return str(expr.name)

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return _sympy_order(self, expr, order)


class _UnicodePrinter(StrPrinter):  # type: ignore[misc]
    """One line of readable Unicode."""

    _default_settings = {**StrPrinter._default_settings, "full_prec": False, "partial": True}

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return _positive_first(_sympy_order(self, expr, order))

    def _paren(self, expr: Any) -> str:
        return f"({self._print(expr)})"

    def _atomic(self, expr: Any) -> str:
        """``expr`` printed so that it binds tighter than any operator (a base, an exponent)."""
        text = str(self._print(expr))
        if expr.is_Add or expr.is_Mul or expr.is_Pow or isinstance(expr, Upstream):
            return f"({text})"
        if expr.is_Rational and not expr.is_Integer or expr.could_extract_minus_sign():
            return f"({text})"
        return text

    def _print_Symbol(self, expr: Any) -> str:
        return name_unicode(expr.name)

    def _print_Upstream(self, expr: Upstream) -> str:
        return derivative_symbol(expr.of, expr.wrt, self._settings["partial"])

    def _print_Integer(self, expr: Any) -> str:
        return str(expr.p).replace("-", MINUS)

    def _print_Rational(self, expr: Any) -> str:
        return f"{expr.p}/{expr.q}".replace("-", MINUS)

    def _print_Float(self, expr: Any) -> str:
        return str(super()._print_Float(expr)).replace("-", MINUS)

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr: Any) -> str:
        return "i"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return MINUS + "∞"

    def _print_Add(self, expr: Any, order: Any = None) -> str:
        out = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            negative = term.could_extract_minus_sign()
            text = self._print(-term if negative else term)
            if term.is_Add:  # only in unevaluated sums
                text = f"({text})"
            if i == 0:
                out = MINUS + text if negative else text
            else:
                out += f" {MINUS} {text}" if negative else f" + {text}"
        return out

    def _join_factors(self, factors: list[Any]) -> str:
        """Juxtapose after a leading number and before a bracket that follows a bracket."""
        out = ""
        for i, factor in enumerate(factors):
            text = self._paren(factor) if factor.is_Add else str(self._print(factor))
            if i == 0:
                out = text
            elif (
                i == 1 and factors[0].is_Number and not text[0].isdigit() and "/" not in text
            ) or (text.startswith("(") and out.endswith(")")):
                out += text
            else:
                out += DOT + text
        return out

    def _print_Mul(self, expr: Any) -> str:
        negative, numer, denom = _split_mul(expr)
        # Upstream gradients lead, as in the chain ∂L/∂z · ∂z/∂h: ∂L/∂z·2x, never 2·∂L/∂z·x.
        upstream = [self._print(f) for f in numer if isinstance(f, Upstream)]
        numer = [f for f in numer if not isinstance(f, Upstream)]
        text = DOT.join(upstream + ([self._join_factors(numer)] if numer else []))
        text = text or "1"
        if denom:
            bottom = self._join_factors(denom)
            if len(denom) > 1:
                bottom = f"({bottom})"
            text = f"{text}/{bottom}"
        return MINUS + text if negative else text

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        base, exp = expr.base, expr.exp
        if exp.is_Rational and exp.is_negative:
            return str(self._print_Mul(expr))  # as a fraction 1/…
        if exp == sympy.S.Half:
            inner = str(self._print(base))
            simple = base.is_Symbol or (base.is_Integer and base.is_positive)
            return f"√{inner}" if simple else f"√({inner})"
        if base is sympy.E:
            return str(self._print(sympy.exp(exp, evaluate=False)))
        return self._atomic(base) + self._exponent(exp)

    def _exponent(self, exp: Any) -> str:
        if exp.is_Integer or exp.is_Symbol:
            sup = _script(str(self._print(exp)).replace(MINUS, "-"), _SUP)
            if sup is not None:
                return sup
        if exp.is_Mul and exp.args[0] == -1 and len(exp.args) == 2 and exp.args[1].is_Symbol:
            sup = _script(str(self._print(exp.args[1])), _SUP)
            if sup is not None:
                return "⁻" + sup
        if exp.is_Symbol or (exp.is_Integer and exp.is_positive):
            return "^" + str(self._print(exp))
        return f"^({self._print(exp)})"

    def _print_exp(self, expr: Any) -> str:
        arg = expr.args[0]
        if arg.is_Symbol or (arg.is_Integer and arg.is_positive):
            sup = _script(str(self._print(arg)), _SUP)
            if sup is not None:
                return "e" + sup
        return f"exp({self._print(arg)})"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_factorial(self, expr: Any) -> str:
        arg = expr.args[0]
        return (
            f"{self._print(arg)}!" if arg.is_Symbol or arg.is_Integer else f"({self._print(arg)})!"
        )

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"  # the value at 0 (second arg) is not shown

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Function(self, expr: Any) -> str:
        name = expr.func.__name__
        if isinstance(expr, AppliedUndef):
            name = name_unicode(name)
        name = _UNICODE_FUNCTION_NAMES.get(name, name)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Subs(self, expr: Any) -> str:
        prime = _prime_form(expr)
        if prime is None:
            return str(super()._print_Subs(expr))
        name, order, argument = prime
        return f"{name_unicode(name)}{'′″‴'[order - 1]}({self._print(argument)})"

    def _print_Derivative(self, expr: Any) -> str:
        inner, variables = expr.expr, expr.variable_count
        if _prime_form(expr) is not None:
            return self._print_Subs(expr)
        d = "∂" if self._settings["partial"] else "d"
        wrt = "".join(
            f"{d}{self._print(v)}" + ("" if n == 1 else _SUP.get(str(n), "")) for v, n in variables
        )
        return f"{d}/{wrt}({self._print(inner)})"


class _LatexPrinter(LatexPrinter):  # type: ignore[misc]
    """sympy's LaTeX printer with ML functions, upstream gradients and readable products."""

    _default_settings = {**LatexPrinter._default_settings, "partial": True, "ln_notation": True}

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return _positive_first(_sympy_order(self, expr, order))

    def _print_Upstream(self, expr: Upstream) -> str:
        return derivative_symbol(expr.of, expr.wrt, self._settings["partial"], "latex")

    def _print_Symbol(self, expr: Any, style: Any = "plain") -> str:
        if type(expr) is not sympy.Symbol or style != "plain" or self._settings["symbol_names"]:
            return str(super()._print_Symbol(expr, style))
        return name_latex(expr.name)

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

    def _print_Mul(self, expr: Any) -> str:
        # sympy orders (1 - σ(a))σ(a); we put numbers, symbols, calls, then brackets.
        negative, numer, denom = _split_mul(expr)
        if len(numer) == 1 and denom:
            top = str(self._print(numer[0]))  # \frac brackets its numerator already
        else:
            upstream = [f for f in numer if isinstance(f, Upstream)]
            top = self._join(upstream + [f for f in numer if not isinstance(f, Upstream)]) or "1"
        text = rf"\frac{{{top}}}{{{self._join(denom)}}}" if denom else top
        return "- " + text if negative else text

    def _join(self, factors: list[Any]) -> str:
        out = ""
        for factor in factors:
            text = str(self._print(factor))
            if factor.is_Add or (factor.is_Number and factor.is_negative and out):
                text = rf"\left({text}\right)"
            if out and (factor.is_Number or text[0].isdigit()):
                out += r" \cdot "  # 2 \cdot 3^{x}, never "23^{x}"
            elif out:
                out += " "
            out += text
        return out

    def _print_Subs(self, expr: Any) -> str:
        prime = _prime_form(expr)
        if prime is None:
            return str(super()._print_Subs(expr))
        name, order, argument = prime
        head = self._print(sympy.Function(name))
        return rf"{head}{chr(39) * order}\left({self._print(argument)}\right)"

    def _print_Derivative(self, expr: Any) -> str:
        if _prime_form(expr) is not None:
            return self._print_Subs(expr)
        return str(super()._print_Derivative(expr))


@contextlib.contextmanager
def _long_integers() -> Iterator[None]:
    """Let ``str`` write integers past Python's 4,300-digit guard while printing.

    The parser caps literals at 4,000 digits, but their products (1e3000·1e3000) are exact
    integers that must print exactly; the worker's time budget bounds the quadratic cost the
    guard exists for.
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # Pythons before the guard existed
        yield
        return
    previous = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


def to_python(expr: Any) -> str:
    """Python/sympy syntax that ``sympy.parse_expr`` reads back (the JSON contract's strings).

    Args:
        expr: a shallow sympy expression.

    Returns:
        E.g. ``2*x*cos(x**2)``, ``sigmoid(a)*(1 - sigmoid(a))``, ``dL_dz*W2``.
    """
    with _long_integers():
        return str(_PythonPrinter().doprint(expr))


def to_unicode(expr: Any, *, partial: bool = True) -> str:
    """One line of readable Unicode: ``2x·cos(x²)``, ``σ(a)(1 − σ(a))``, ``√(v² + 1)``.

    Args:
        expr: a shallow sympy expression.
        partial: write upstream gradients with ∂ (True) or d (False).

    Returns:
        The expression on one line, minus signs as U+2212.
    """
    with _long_integers():
        return str(_UnicodePrinter({"partial": partial}).doprint(expr))


def to_latex(expr: Any, *, partial: bool = True) -> str:
    """LaTeX math (no surrounding ``$``): ``\\sigma\\left(a\\right)``, ``W_{1}``.

    Args:
        expr: a shallow sympy expression.
        partial: write upstream gradients with ∂ (True) or d (False).

    Returns:
        LaTeX for math mode.
    """
    with _long_integers():
        return str(_LatexPrinter({"partial": partial}).doprint(expr))


def derivative_symbol(of: str, wrt: str, partial: bool, style: Style = "unicode") -> str:
    """The symbol for a derivative: ``dy/du``, ``∂L/∂W₁``, ``\\frac{\\partial L}{\\partial W_{1}}``.

    Args:
        of: name of the differentiated quantity.
        wrt: name of the variable.
        partial: ∂ rather than d.
        style: "unicode", "latex" or "python" (``dL_dW1``, the Upstream symbol's name).

    Returns:
        The symbol in that style.
    """
    if style == "python":
        return f"d{of}_d{wrt}"
    if style == "latex":
        top, bottom = name_latex(of), name_latex(wrt)
        if partial:
            return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"
        return rf"\frac{{d{top}}}{{d{bottom}}}"
    d = "∂" if partial else "d"
    return f"{d}{name_unicode(of)}/{d}{name_unicode(wrt)}"


def print_expr(expr: Any, style: Style, *, partial: bool = True) -> str:
    """``expr`` in the given style (dispatch for renderers that take the style as data).

    Args:
        expr: a shallow sympy expression.
        style: "unicode", "latex" or "python".
        partial: write upstream gradients with ∂ (True) or d (False).

    Returns:
        The printed expression.
    """
    if style == "latex":
        return to_latex(expr, partial=partial)
    if style == "python":
        return to_python(expr)
    return to_unicode(expr, partial=partial)


def factor_pieces(
    factors: Sequence[Any], printer: Style = "unicode", *, partial: bool = True
) -> list[str]:
    """Each factor printed for an unevaluated product, bracketed where juxtaposition would mislead.

    Args:
        factors: the factors, in order.
        printer: "unicode", "latex" or "python".
        partial: write upstream gradients with ∂ (True) or d (False).

    Returns:
        One string per factor; sums and negative terms are bracketed.
    """
    out = []
    for i, factor in enumerate(factors):
        text = print_expr(factor, printer, partial=partial)
        if (factor.is_Add and len(factors) > 1) or (i > 0 and factor.could_extract_minus_sign()):
            text = rf"\left({text}\right)" if printer == "latex" else f"({text})"
        out.append(text)
    return out


__all__ = [
    "MINUS",
    "Style",
    "derivative_symbol",
    "factor_pieces",
    "name_latex",
    "name_unicode",
    "print_expr",
    "to_latex",
    "to_python",
    "to_unicode",
]
