"""Targeted rewrites toward the form a textbook prints, each cheap and each one idea.

``simplify`` tries these before (and mostly instead of) ``sympy.simplify``, which explores far
more and costs ten to a hundred times as long.  Each takes and returns a sympy expression; the
ones that hold only for real values (|u|, √) are checked numerically by the caller before a
form is chosen.  They walk the expression with sympy's own ``replace``: the expressions
simplified are small (``simplify.SIMPLIFY_MAX_NODES``), so its recursion is safe here.

>>> x = sympy.Symbol("x", real=True)
>>> real_abs_sign(sympy.sign(x) / sympy.Abs(x))
1/x
>>> trig_reciprocals(sympy.cos(x) / sympy.sin(x) ** 3, ALL_FUNCTIONS)
cot(x)*csc(x)**2
>>> pythagorean(1 - sympy.cos(x) ** 2, ALL_FUNCTIONS)
sin(x)**2
>>> distribute_coefficient(10 * (12 * x**2 - 1) * (4 * x**3 - x) ** 9)
(120*x**2 - 10)*(4*x**3 - x)**9
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import sympy

# A circular (hyperbolic) function's sine and cosine, and the four functions written with them.
_SIN_COS = ((sympy.sin, sympy.cos), (sympy.sinh, sympy.cosh))
_QUOTIENTS = {sympy.sin: (sympy.tan, sympy.cot, sympy.sec, sympy.csc)}
_QUOTIENTS[sympy.sinh] = (sympy.tanh, sympy.coth, sympy.sech, sympy.csch)
# Each as sin^a·cos^b: tan = sin/cos, cot = cos/sin, sec = 1/cos, csc = 1/sin.
_AS_SIN_COS = ((1, -1), (-1, 1), (0, -1), (-1, 0))
FAMILIES: tuple[frozenset[Any], ...] = tuple(frozenset((s, c, *_QUOTIENTS[s])) for s, c in _SIN_COS)
ALL_FUNCTIONS: frozenset[Any] = frozenset().union(*FAMILIES)

# a·f(u)² + s·a = t·a·g(u)²: 1 + tan² = sec², 1 − cos² = sin², cosh² − 1 = sinh², ...
# tanh is left out on purpose: its derivative stays in the ML form 1 − tanh².
_PYTHAGORAS = (
    (sympy.tan, 1, sympy.sec, 1),
    (sympy.cot, 1, sympy.csc, 1),
    (sympy.sin, -1, sympy.cos, -1),
    (sympy.cos, -1, sympy.sin, -1),
    (sympy.sec, -1, sympy.tan, 1),
    (sympy.csc, -1, sympy.cot, 1),
    (sympy.sinh, 1, sympy.cosh, 1),
    (sympy.cosh, -1, sympy.sinh, 1),
    (sympy.coth, -1, sympy.csch, 1),
)


def _mul_rule(rule: Callable[[sympy.Expr], sympy.Expr | None]) -> Callable[..., Any]:
    """Apply ``rule`` to every product (innermost first), keeping the product where it
    returns None."""

    def apply(expr: sympy.Expr) -> sympy.Expr:
        def value(mul: sympy.Expr) -> sympy.Expr:
            new = rule(mul)
            return mul if new is None else new

        return expr.replace(lambda e: e.is_Mul or e.is_Pow, value)

    return apply


def _abs_sign(mul: sympy.Expr) -> sympy.Expr | None:
    # For real e ≠ 0: sign(e)·|e|ⁿ = eⁿ for odd n, |e|ⁿ = eⁿ for even n, sign(e)·eⁿ =
    # eⁿ⁻¹·|e| for n ≥ 1 (3x²·sign(x) is 3x·|x|, the derivative of |x|³).
    powers = dict(mul.as_powers_dict())
    changed = False
    for base in list(powers):
        if isinstance(base, sympy.sign) and base.args[0].is_real is not False:
            inner, m = base.args[0], powers[base]
            n = sympy.sympify(powers.get(inner, 0))
            if m == 1 and n.is_Integer and n >= 1 and sympy.Abs(inner) not in powers:
                del powers[base]
                powers[inner] = n - 1
                powers[sympy.Abs(inner)] = sympy.Integer(1)
                changed = True
    for base in list(powers):
        if not isinstance(base, sympy.Abs) or base.args[0].is_real is False:
            continue
        inner, n = base.args[0], powers[base]
        sign = sympy.sign(inner)
        if not n.is_Integer:
            continue
        if n.is_odd and sign in powers and powers[sign].is_Integer and powers[sign].is_odd:
            del powers[sign]
        elif not n.is_even:
            continue
        del powers[base]
        powers[inner] = powers.get(inner, 0) + n
        changed = True
    return sympy.Mul(*(b**e for b, e in powers.items())) if changed else None


real_abs_sign = _mul_rule(_abs_sign)
real_abs_sign.__doc__ = """sign(u)/|u| → 1/u, sign(u)·|u| → u, |u|² → u² (real u ≠ 0)."""


def _reciprocals(mul: sympy.Expr, allowed: Collection[Any]) -> sympy.Expr | None:
    if not any(type(f.as_base_exp()[0]) in ALL_FUNCTIONS for f in sympy.Mul.make_args(mul)):
        return None
    powers = dict(mul.as_powers_dict())
    # The exponents of sin(u) and cos(u) in the product, each quotient function rewritten;
    # an argument with a symbolic exponent anywhere (sin(u)^(4x)) is left as it is.
    found: dict[tuple[Any, sympy.Expr], list[sympy.Expr]] = {}
    symbolic = set()
    for base, exp in list(powers.items()):
        for s, c in _SIN_COS:
            family = (s, c, *_QUOTIENTS[s])
            if type(base) not in family:
                continue
            if not exp.is_Integer:
                symbolic.add((s, base.args[0]))
                continue
            ab = found.setdefault((s, base.args[0]), [sympy.Integer(0), sympy.Integer(0)])
            a, b = ((1, 0), (0, 1), *_AS_SIN_COS)[family.index(type(base))]
            ab[0] += a * exp
            ab[1] += b * exp
    for key in symbolic:
        found.pop(key, None)
    if not found:
        return None
    for base in list(powers):
        for s, _ in _SIN_COS:
            if type(base) in (s, *_QUOTIENTS[s], dict(_SIN_COS)[s]) and (s, base.args[0]) in found:
                del powers[base]
    for (s, u), (a, b) in found.items():
        c = dict(_SIN_COS)[s]
        tan, cot, sec, csc = _QUOTIENTS[s]
        if a > 0 > b and tan in allowed:
            t = min(a, -b)
            powers[tan(u)], a, b = t, a - t, b + t
        elif b > 0 > a and cot in allowed:
            t = min(-a, b)
            powers[cot(u)], a, b = t, a + t, b - t
        if b < 0 and sec in allowed:
            powers[sec(u)], b = -b, 0
        if a < 0 and csc in allowed:
            powers[csc(u)], a = -a, 0
        powers[s(u)], powers[c(u)] = a, b
    new = sympy.Mul(*(b**e for b, e in powers.items()))
    return new if sympy.count_ops(new) <= sympy.count_ops(mul) else None


def trig_reciprocals(expr: sympy.Expr, allowed: Collection[Any]) -> sympy.Expr:
    """Products of sin and cos (or sinh and cosh) written with tan, cot, sec and csc.

    Args:
        expr: any expression.
        allowed: the functions that may appear (the others are not introduced).

    Returns:
        sin/cos → tan, cos/sin → cot, 1/cos → sec, 1/sin → csc (tan·cos → sin on the way),
        in each product where that is no longer.
    """
    return _mul_rule(lambda m: _reciprocals(m, allowed))(expr)


def sines_and_cosines(expr: sympy.Expr) -> sympy.Expr:
    """tan, cot, sec, csc (and their hyperbolic kin) written with sin and cos, so that
    ``cancel`` can see through them."""
    mapping = {}
    for f in expr.atoms(sympy.Function):
        for s, c in _SIN_COS:
            family = _QUOTIENTS[s]
            if type(f) in family:
                a, b = _AS_SIN_COS[family.index(type(f))]
                u = f.args[0]
                mapping[f] = s(u) ** a * c(u) ** b
    return expr.xreplace(mapping) if mapping else expr


def pythagorean(expr: sympy.Expr, allowed: Collection[Any]) -> sympy.Expr:
    """a + a·tan²(u) → a·sec²(u), a − a·cos²(u) → a·sin²(u), … in every sum.

    Args:
        expr: any expression.
        allowed: the functions that may be introduced.

    Returns:
        ``expr`` with each identity applied once per sum where its two terms occur.
    """

    def value(add: sympy.Expr) -> sympy.Expr:
        terms = list(add.args)
        for f, s, g, t in _PYTHAGORAS:
            if g not in allowed:
                continue
            for term in list(terms):
                squares = [b for b, e in term.as_powers_dict().items() if e == 2]
                for base in squares:
                    if type(base) is not f:
                        continue
                    a = term / base**2
                    if s * a in terms and term in terms:
                        terms.remove(term)
                        terms.remove(s * a)
                        terms.append(t * a * g(base.args[0]) ** 2)
        return sympy.Add(*terms) if len(terms) != len(add.args) else add

    def squared(e: sympy.Expr) -> bool:
        return e.is_Pow and e.exp == 2 and type(e.base) in ALL_FUNCTIONS

    return expr.replace(lambda e: e.is_Add and any(map(squared, e.atoms(sympy.Pow))), value)


def _distribute(mul: sympy.Expr) -> sympy.Expr | None:
    if not mul.is_Mul:
        return None
    coefficient, rest = mul.as_coeff_Mul()
    if coefficient in (1, -1) or not coefficient.is_Rational:
        return None
    factors = list(sympy.Mul.make_args(rest))
    sums = [f for f in factors if f.is_Add]
    if not sums:
        return None
    factors.remove(sums[0])
    return sympy.Mul(sympy.Add(*(coefficient * t for t in sums[0].args)), *factors)


distribute_coefficient = _mul_rule(_distribute)
distribute_coefficient.__doc__ = """10·(12x² − 1)·v → (120x² − 10)·v: a number into a sum."""


def _radicals(expr: sympy.Expr) -> sympy.Expr | None:
    factors = sympy.Mul.make_args(expr)
    if not any(f.is_Pow and f.exp.is_Rational and f.exp.q == 2 for f in factors):
        return None
    radicand = sympy.Integer(1)
    kept, roots, absolutes, parts = [], 0, 0, []  # parts: the radicands as they were
    for factor in factors:
        base, exp = factor.as_base_exp()
        if exp.is_Rational and exp.q == 2:  # u^(±3/2) = u^(±1)·u^(±1/2)
            whole = sympy.sign(exp) * sympy.floor(abs(exp))
            kept.append(base**whole)
            radicand *= base ** (2 * (exp - whole))
            roots += 1
            parts.append(base)
        elif isinstance(base, sympy.Abs) and exp in (1, -1):
            radicand *= base.args[0] ** (2 * exp)  # |u| = √(u²) for real u
            absolutes += 1
        else:
            kept.append(factor)
    if roots == 0 or (roots + absolutes < 2 and sympy.denom(radicand) == 1):
        return None
    top, bottom = sympy.fraction(sympy.cancel(radicand))
    if roots + absolutes < 2 and bottom == 1:
        return None
    if top.could_extract_minus_sign():  # (−a)/(−b): the same radicand, both sides real
        top, bottom = -top, -bottom
    top = min(top, sympy.expand(top), key=sympy.count_ops)
    bottom = min(bottom, sympy.expand(bottom), key=sympy.count_ops)
    grown = sympy.count_ops(top) + sympy.count_ops(bottom) > sympy.count_ops(parts)
    if roots == 1 and grown:
        return None  # |u|·√(u² − 1) stays as the table writes it, unless the |u| cancels
    return sympy.Mul(*kept, sympy.sqrt(top), 1 / sympy.sqrt(bottom))


combine_radicals = _mul_rule(_radicals)
combine_radicals.__doc__ = """√a·√b → √(ab), |u|·√a → √(u²a), √(a/b) → √a/√b, u^(3/2) → u·√u:
valid where the radicands are not negative, which the caller checks numerically."""


def factor_out(expr: sympy.Expr, factor: sympy.Expr) -> sympy.Expr | None:
    """A sum written as ``factor·(…)``, each term divided by ``factor`` (sympy adds up the
    exponents of equal bases) and split over its numerator's terms: logarithmic
    differentiation's f·(ln f)′ when ``factor`` is f.

    Args:
        expr: the sum.
        factor: what to pull out.

    Returns:
        The product, or None when ``expr`` is not a sum.
    """
    if not expr.is_Add or factor.is_Number:
        return None
    terms: list[sympy.Expr] = []
    for term in expr.args:
        # (A′B + AB′)/(AB) → A′/A + B′/B: each term of a sum over a product cancels alone.
        top, bottom = sympy.fraction(term)
        terms.extend(t / (bottom * factor) for t in sympy.Add.make_args(top))
    return sympy.Mul(factor, sympy.Add(*terms))


def collect_common(expr: sympy.Expr) -> sympy.Expr | None:
    """The factor most terms of a sum share, pulled out of those terms:
    xˣ·ln x + xˣ + 1/(x·ln 10) → xˣ·(ln x + 1) + 1/(x·ln 10).  (``factor_terms`` does it when
    every term shares it.)

    Args:
        expr: the sum.

    Returns:
        The sum with one common factor collected, or None when no factor is shared.
    """
    if not expr.is_Add:
        return None
    count: dict[sympy.Expr, int] = {}
    for term in expr.args:
        for factor in set(sympy.Mul.make_args(term)):
            if not factor.is_Number:
                count[factor] = count.get(factor, 0) + 1
    shared = [f for f, n in count.items() if 1 < n < len(expr.args)]
    if not shared:
        return None
    common = max(shared, key=lambda f: (count[f], sympy.count_ops(f)))
    inside = [t for t in expr.args if common in sympy.Mul.make_args(t)]
    rest = [t for t in expr.args if common not in sympy.Mul.make_args(t)]
    return sympy.Add(sympy.Mul(common, sympy.Add(*(t / common for t in inside))), *rest)


def arguments(expr: sympy.Expr) -> set[sympy.Expr]:
    """What functions are applied to, and the radicands and symbolic exponents of powers.

    Args:
        expr: any expression.

    Returns:
        The arguments, radicands and exponents, each once.
    """
    found = {a for f in expr.atoms(sympy.Function) for a in f.args}
    for p in expr.atoms(sympy.Pow):
        if not p.exp.is_Integer:
            found.add(p.base)
            if not p.exp.is_Number:
                found.add(p.exp)
    return found


def combine_powers(expr: sympy.Expr) -> sympy.Expr:
    """Powers of one base combined, the exponents added up written out: ``powsimp`` alone
    factors them (exp(3t)·exp(t²) = exp(t·(t + 3)), where a textbook writes exp(t² + 3t)).

    Args:
        expr: any expression.

    Returns:
        ``sympy.powsimp(expr)``, each new argument expanded.
    """
    known = arguments(expr)
    combined = sympy.powsimp(expr)
    return combined.xreplace({a: sympy.expand(a) for a in arguments(combined) - known})


def opaque(
    move: Callable[[sympy.Expr], sympy.Expr], powers: bool = False
) -> Callable[[sympy.Expr], sympy.Expr]:
    """``move`` with each function application (and, with ``powers``, each power with a
    symbolic or fractional exponent) an opaque symbol, so that the arguments stay as they are.

    ``factor_terms`` alone would write exp(t² + 3t) as exp(t·(t + 3)) and √(5t² − t) as
    √(t·(5t − 1)); sympy's ``together`` writes e⁻ˣ as 1/eˣ, which loses 4/(eˣ + e⁻ˣ)².

    Args:
        move: a rewrite of a whole expression.
        powers: hide powers too.

    Returns:
        The rewrite with the applications hidden from it.
    """

    def apply(expr: sympy.Expr) -> sympy.Expr:
        # Only what has something inside to rewrite: cos(x) and x^y stay as they are.
        applied = [f for f in expr.atoms(sympy.Function) if not all(a.is_Atom for a in f.args)]
        if powers:
            applied += [
                p
                for p in expr.atoms(sympy.Pow)
                if not (p.exp.is_Integer or (p.base.is_Atom and p.exp.is_Atom))
            ]
        if not applied:
            return move(expr)
        hidden: dict[sympy.Expr, sympy.Expr] = {f: sympy.Dummy() for f in applied}
        back = {d: f for f, d in hidden.items()}
        return move(expr.xreplace(hidden)).xreplace(back)

    return apply
