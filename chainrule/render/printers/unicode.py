# Dispatch names follow the classes they print (_print_Mul), as sympy's printers require.
# ruff: noqa: N802
"""One line of readable Unicode: ``2x·cos(x²)``, ``σ(a)(1 − σ(a))``, ``∂L/∂W₁``.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> to_unicode(2 * x * sympy.cos(x**2))
'2x·cos(x²)'
>>> name_unicode("W1"), derivative_symbol("L", "W1", partial=True)
('W₁', '∂L/∂W₁')
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import split_super_sub
from sympy.printing.pretty.pretty_symbology import greek_unicode
from sympy.printing.str import StrPrinter

from chainrule.model import ACCENTS, NameParts, Upstream
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
_FUNCTION_NAMES = {
    "log": "ln",
    "Heaviside": "H",
    "sigmoid": "σ",
    "gamma": "Γ",
    "DiracDelta": "δ",
    "normal_cdf": "Φ",
    "normal_pdf": "φ",
}
_RELATIONS = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}


def _script(text: str, table: dict[str, str]) -> str | None:
    """``text`` in sub/superscript glyphs, or None when one of its characters has none."""
    out = [table.get(ch) for ch in text]
    return None if not text or None in out else "".join(c for c in out if c)


@functools.lru_cache(maxsize=8192)
def name_unicode(name: str) -> str:
    """A symbol name in Unicode: Greek names as glyphs, trailing digits or ``_x`` as subscripts,
    an accent and a version (``model.NameParts``) as the reader took them.

    Args:
        name: the symbol's name as the user wrote it (``W1``, ``x_i``, ``theta``), or as the
            reader wrote an accented or reassigned one (``y__hat_1``, ``c__2``).

    Returns:
        ``W₁``, ``xᵢ``, ``θ``, ``ŷ₁``, ``c″``; parts without a glyph stay as written (``x_q``).
    """
    parts = NameParts.of(name)
    shown = _plain_unicode(parts.stem + parts.rest)
    if parts.accent:
        glyph = _plain_unicode(parts.stem)
        shown = unicodedata.normalize("NFC", glyph + ACCENTS[parts.accent] + shown[len(glyph) :])
    if parts.version > 3:  # c⁽⁴⁾: four primes no longer read at a glance
        return f"{shown}⁽{_script(str(parts.version), _SUP)}⁾"
    return shown + "′″‴"[parts.version - 1] if parts.version else shown


def _plain_unicode(name: str) -> str:
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


def derivative_symbol(of: str, wrt: str, partial: bool) -> str:
    """The symbol for a derivative: ``dy/du`` or ``∂L/∂W₁``.

    Args:
        of: name of the differentiated quantity.
        wrt: name of the variable.
        partial: ∂ rather than d.

    Returns:
        The symbol.
    """
    d = "∂" if partial else "d"
    return f"{d}{name_unicode(of)}/{d}{name_unicode(wrt)}"


class UnicodePrinter(ReadableOrder, StrPrinter):  # type: ignore[misc]
    """One line of readable Unicode; ``partial`` writes upstream gradients with ∂ (else d)."""

    _default_settings = {
        **StrPrinter._default_settings,
        "full_prec": False,
        "partial": True,
        "orders": None,  # {frozenset of a sum's terms: the terms as typed} (ReadableOrder)
    }

    def _paren(self, expr: Any) -> str:
        return f"({self._print(expr)})"

    def _atomic(self, expr: Any) -> str:
        """``expr`` printed so that it binds tighter than any operator (a base, an exponent)."""
        text = str(self._print(expr))
        if expr.is_Add or expr.is_Mul or expr.is_Pow or isinstance(expr, Upstream):
            return f"({text})"
        if expr.is_Rational and not expr.is_Integer or minus_sign(expr):
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
        # Floats come only from published constants (SELU's λ and α, tanh-GELU's 0.044715):
        # six significant digits read as the papers print them; JSON keeps every digit.
        return str(super()._print_Float(sympy.Float(expr, 6))).replace("-", MINUS)

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
            negative = minus_sign(term)
            shown = negated(term) if negative else term
            text = self._print(shown)
            if shown.is_Add:  # only in sums as typed: (a + b) + c, y − (x + 1)
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
            ) or (text.startswith("(") and _juxtaposes(factors[i - 1], factor)):
                out += text
            else:
                out += DOT + text
        return out

    def _print_Mul(self, expr: Any) -> str:
        negative, numer, denom = split_mul(expr)
        # Upstream gradients lead, as in the chain ∂L/∂z · ∂z/∂h: ∂L/∂z·2x, never 2·∂L/∂z·x.
        upstream = [self._print(f) for f in numer if isinstance(f, Upstream)]
        numer = [f for f in numer if not isinstance(f, Upstream)]
        text = DOT.join(upstream + ([self._join_factors(numer)] if numer else []))
        text = text or "1"
        if denom:
            bottom = self._join_factors(denom)
            single = not bottom.startswith("(") and (denom[0].is_Mul or "/" in bottom)
            if len(denom) > 1 or single:  # 1/(2x) as typed, never 1/2x
                bottom = f"({bottom})"
            if upstream:  # (∂L/∂r)/q: ∂L/∂r/q would stack two slashes
                text = f"({text})"
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

    def _print_polygamma(self, expr: Any) -> str:
        # ψ(u), the digamma function, in factorial′ = u!·ψ(u + 1) as tables print it.
        if expr.args[0] == 0:
            return f"ψ({self._print(expr.args[1])})"
        return f"polygamma({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"  # the value at 0 (second arg) is not shown

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Piecewise(self, expr: Any) -> str:
        # A case analysis on one line, as the derivative of a kinked activation is written:
        # {1 if x > 0; 1/100 if x < 0}.
        cases = []
        for value, condition in expr.args:
            when = "otherwise" if condition is sympy.true else f"if {self._print(condition)}"
            cases.append(f"{self._print(value)} {when}")
        return "{" + "; ".join(cases) + "}"

    def _print_Relational(self, expr: Any) -> str:
        op = _RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr: Any) -> str:
        band = as_interval(expr)
        if band is None:
            return " and ".join(self._print(a) for a in expr.args)
        low, op1, mid, op2, high = band
        op1, op2 = _RELATIONS.get(op1, op1), _RELATIONS.get(op2, op2)
        return f"{self._print(low)} {op1} {self._print(mid)} {op2} {self._print(high)}"

    def _print_Or(self, expr: Any) -> str:
        return " or ".join(self._print(a) for a in expr.args)

    def _print_Function(self, expr: Any) -> str:
        name = expr.func.__name__
        if isinstance(expr, AppliedUndef):
            name = name_unicode(name)
        name = _FUNCTION_NAMES.get(name, name)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Subs(self, expr: Any) -> str:
        prime = prime_form(expr)
        if prime is None:
            return str(super()._print_Subs(expr))
        name, order, argument = prime
        return f"{name_unicode(name)}{'′″‴'[order - 1]}({self._print(argument)})"

    def _print_Derivative(self, expr: Any) -> str:
        inner, variables = expr.expr, expr.variable_count
        if prime_form(expr) is not None:
            return self._print_Subs(expr)
        d = "∂" if self._settings["partial"] else "d"
        wrt = "".join(
            f"{d}{self._print(v)}" + ("" if n == 1 else _SUP.get(str(n), "")) for v, n in variables
        )
        return f"{d}/{wrt}({self._print(inner)})"


def _juxtaposes(before: Any, bracket: Any) -> bool:
    """Whether a bracketed factor may follow ``before`` with no product sign.

    After a bracket it may: (z − y)(1 − h).  After a call it may not, where it would read as
    the call's argument (ln(x + 1)·(x + 1)ˣ), except in the idiom ML texts print juxtaposed,
    a call times one plus or minus itself: σ(a)(1 − σ(a)).
    """
    if before.is_Add:
        return True
    return (
        bracket.is_Add
        and len(bracket.args) == 2
        and (set(bracket.args) in ({sympy.S.One, before}, {sympy.S.One, -before}))
    )


def to_unicode(expr: Any, *, partial: bool = True, orders: Orders | None = None) -> str:
    """One line of readable Unicode: ``2x·cos(x²)``, ``σ(a)(1 − σ(a))``, ``√(v² + 1)``.

    Args:
        expr: a shallow sympy expression.
        partial: write upstream gradients with ∂ (True) or d (False).
        orders: sums to write in the order typed (``Derivation.typed_orders``, keyed by
            the set of their terms).

    Returns:
        The expression on one line, minus signs as U+2212.
    """
    return doprint(UnicodePrinter({"partial": partial, "orders": orders}), expr)
