"""What every readable format shows of a ``Values`` step, decided once: the point, then tables
(forward pass, local factors, upstream gradients, derivatives) of decimals, exact forms and
flags, then the flags in words.  A renderer only says how a table looks.

Decimals have six significant digits, the small and the large as ``1.2×10⁻¹⁵``; an exact form
is shown beside a decimal only where it says more (``√2/2``, not ``3/2`` beside ``1.5``).

>>> from chainrule.api import derive
>>> from chainrule.render.notation import Notation
>>> d = derive("sin(x)", at="x=pi/4")
>>> style = Style(Notation(d))
>>> [(r.label, r.decimal, r.exact) for r in tables(style, d.steps[-1])[0].rows]
[('y', '0.707107', '√2/2')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy

from chainrule.model import Flag, Number, Values
from chainrule.render.latex_text import latex_text
from chainrule.render.notation import Notation

DIGITS = 6
PATH_NODES = 8  # a longer path is shown by its first and last nodes
LISTED = 5  # σ′ values listed in a sigmoid flag before "…"
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
NONE = "—"  # in a table: the value does not exist
FLAG_WORDS = {"vanishing": "vanishing", "exploding": "exploding", "undefined": "no value"}


class Style:
    """How a format writes numbers and words among math: Unicode, or LaTeX (``latex=True``,
    math pieces then need ``$…$`` in running text)."""

    def __init__(self, n: Notation, latex: bool = False) -> None:
        self.n = n
        self.latex = latex

    def decimal(self, value: sympy.Float | None) -> str:
        """A decimal as math: ``−0.607309``, ``1.2×10⁻¹⁵``; "" for no value."""
        if value is None:
            return ""
        if value == 0:
            return "0"
        shown = mpmath.nstr(mpmath.mpf(value._mpf_), DIGITS, min_fixed=-4, max_fixed=6)
        mantissa, _, exponent = shown.partition("e")
        if mantissa.endswith(".0"):
            mantissa = mantissa[:-2]
        if exponent:
            power = str(int(exponent))
            if self.latex:
                return f"{mantissa} \\times 10^{{{power}}}"
            mantissa = mantissa.replace("-", self.n.minus)
            return f"{mantissa}×10{power.translate(_SUPERSCRIPT)}"
        return mantissa.replace("-", self.n.minus)

    def exact(self, number: Number) -> str:
        """The exact form as math where it says more than the decimal, else ""."""
        exact = number.exact
        if exact is None or number.decimal is None:
            return ""
        if exact.is_Rational and self.decimal(number.decimal) == self.decimal(
            sympy.Float(exact, 30)
        ):
            q = exact.q  # a terminating decimal shown in full says it all
            while q % 2 == 0:
                q //= 2
            while q % 5 == 0:
                q //= 5
            if q == 1 and len(str(exact.p)) <= DIGITS:
                return ""
        return self.n.expr(exact)

    def math(self, text: str) -> str:
        """Math among words."""
        return f"${text}$" if self.latex else text

    def words(self, text: str) -> str:
        """Words (escaped for LaTeX's text mode)."""
        return latex_text(text) if self.latex else text

    def path(self, nodes: Sequence[str]) -> str:
        """A path's nodes as math, a long one by its ends: ``L → h₂₀ → … → x``."""
        if len(nodes) <= PATH_NODES:
            return self.n.path(nodes)
        ellipsis = r"\cdots" if self.latex else "…"
        head = [self.n.name(n) for n in nodes[:3]]
        return self.n.arrow.join([*head, ellipsis, self.n.name(nodes[-1])])


@dataclass(frozen=True)
class ValueRow:
    """One row of a table: a label (math), the decimal and exact form (math, or ""), and the
    word of a flag on it (or "")."""

    label: str
    decimal: str
    exact: str = ""
    flag: str = ""
    kind: str = ""  # the flag's kind, for a format that colours it


@dataclass(frozen=True)
class ValueTable:
    """A titled table; ``exact`` says whether any row has an exact form (the column shows)."""

    title: str
    rows: tuple[ValueRow, ...]

    @property
    def exact(self) -> bool:
        return any(r.exact for r in self.rows)

    @property
    def flags(self) -> bool:
        return any(r.flag for r in self.rows)


def point_text(style: Style, step: Values) -> str:
    """The point as math: ``W₁ = 0.3, x = 1.5``, an exact value as ``x = π/4 ≈ 0.785398``."""
    parts = []
    for name, number in step.point:
        exact = style.exact(number)
        approx = r" \approx " if style.latex else " ≈ "
        value = f"{exact}{approx}{style.decimal(number.decimal)}" if exact else None
        parts.append(f"{style.n.name(name)} = {value or style.decimal(number.decimal)}")
    return ", ".join(parts)


def tables(style: Style, step: Values) -> list[ValueTable]:
    """The step's tables, in order: forward pass, local factors, upstream gradients (of the
    intermediates: those of the variables are the derivatives), derivatives with their paths
    where a variable has several.  Empty tables are left out.

    Args:
        style: the format's style.
        step: the values.

    Returns:
        The tables.
    """
    n = style.n
    factor_flags = {f.nodes: f for f in step.flags if f.scope == "factor"}
    sigmoid = {(of, wrt) for f in step.flags if f.kind == "sigmoid" for of, wrt, _ in f.factors}
    path_flags = {f.nodes: f for f in step.flags if f.scope == "path" and f.kind != "sigmoid"}
    derivative_flags = {f.nodes[0]: f for f in step.flags if f.scope == "derivative"}

    def row(label: str, number: Number, flag: Flag | None = None, extra: str = "") -> ValueRow:
        word = FLAG_WORDS.get(flag.kind, "") if flag is not None else extra
        kind = flag.kind if flag is not None else ("sigmoid" if extra else "")
        decimal = style.decimal(number.decimal) if number.exists else ""
        return ValueRow(label, decimal, style.exact(number), style.words(word), kind)

    sigma = r"\sigma' \le 1/4" if style.latex else "σ′ ≤ 1/4"
    forward = [row(n.name(name), number) for name, number in step.forward]
    factors = [
        row(n.local(of, wrt), number, factor_flags.get((of, wrt)), "")
        if (of, wrt) not in sigmoid or (of, wrt) in factor_flags
        else ValueRow(
            n.local(of, wrt),
            style.decimal(number.decimal),
            style.exact(number),
            style.math(sigma),
            "sigmoid",
        )
        for of, wrt, number in step.factors
    ]
    # An input's upstream gradient is its derivative (below), as is a variable's that is absent.
    inputs = {name for name, _ in step.point} | {wrt for wrt, _ in step.derivatives}
    adjoint_flags = {f.nodes: f for f in step.flags if f.scope == "adjoint"}
    upstream = [
        row(n.adjoint(wrt), number, adjoint_flags.get((of, wrt)))
        for of, wrt, number in step.adjoints
        if wrt not in inputs
    ]
    by_wrt: dict[str, list[tuple[tuple[str, ...], Number]]] = {}
    for wrt, nodes, number in step.paths:
        by_wrt.setdefault(wrt, []).append((nodes, number))
    derivatives: list[ValueRow] = []
    for wrt, number in step.derivatives:
        paths = by_wrt.get(wrt, [])
        flag = derivative_flags.get(wrt)
        if len(paths) == 1:
            flag = path_flags.get(paths[0][0], flag)
        if len(paths) > 1:
            derivatives += [row(style.path(p), v, path_flags.get(p)) for p, v in paths]
        derivatives.append(row(n.total(wrt), number, flag))
    out = [
        ValueTable("forward pass", tuple(forward)),
        ValueTable("local factor", tuple(factors)),
        ValueTable("upstream gradient", tuple(upstream)),
        ValueTable("derivative", tuple(derivatives)),
    ]
    return [t for t in out if t.rows]


def flag_texts(style: Style, step: Values) -> list[str]:
    """The flags of paths, derivatives and undefined factors in words (a flagged factor says
    so in its table row), as text with math pieces in ``style.math``.

    Args:
        style: the format's style.
        step: the values.

    Returns:
        One line per flag, in the step's order.
    """
    n, m, w = style.n, style.math, style.words
    out = []
    for flag in step.flags:
        value = style.decimal(flag.value.decimal) if flag.value and flag.value.exists else ""
        if flag.kind == "undefined":
            of, wrt = flag.nodes
            why = (
                "the function has a corner there: its one-sided derivatives differ"
                if flag.why == "kink"
                else "it divides by zero there"
            )
            out.append(
                w("no value: ")
                + m(n.local(of, wrt))
                + w(f" does not exist at this point ({why}), ")
                + w("so the chain rule gives no value for the gradients through it")
            )
        elif flag.kind == "sigmoid":
            out.append(_sigmoid_text(style, flag))
        elif flag.scope in ("path", "derivative") and flag.kind in ("vanishing", "exploding"):
            bound = "10^{-3}" if flag.kind == "vanishing" else "10^{3}"
            if not style.latex:
                bound = "10⁻³" if flag.kind == "vanishing" else "10³"
            side = "below" if flag.kind == "vanishing" else "above"
            if flag.scope == "path":
                count = len(flag.nodes) - 1
                what = w(f"{flag.kind} gradient: along ") + m(style.path(flag.nodes))
                what += w(f" the product of the {count} local factors is ")
            else:
                what = w(f"{flag.kind} gradient: ") + m(n.total(flag.nodes[0])) + w(" is ")
            out.append(what + m(value) + w(f" ({side} ") + m(bound) + w(")"))
    return out


def _sigmoid_text(style: Style, flag: Flag) -> str:
    m, w = style.math, style.words
    count = flag.count
    quarter = r"\sigma' \le 1/4" if style.latex else "σ′ ≤ 1/4"
    listed = [style.decimal(number.decimal) for _, _, number in flag.factors]
    if len(listed) > LISTED:
        listed = [*listed[: LISTED - 1], r"\ldots" if style.latex else "…", listed[-1]]
    values = (r", " if style.latex else ", ").join(listed)
    product = style.decimal(flag.value.decimal) if flag.value else ""
    if count == 1:
        return (
            m(quarter)
            + w(": the sigmoid's derivative on ")
            + m(style.path(flag.nodes))
            + w(" is at most 1/4; here it is ")
            + m(values)
        )
    power = f"4^{{-{count}}}" if style.latex else f"4{f'-{count}'.translate(_SUPERSCRIPT)}"
    bound = style.decimal(sympy.Float(sympy.Rational(1, 4**count), 30))
    approx = r" \approx " if style.latex else " ≈ "
    return (
        m(quarter)
        + w(f": the {count} sigmoid derivatives on ")
        + m(style.path(flag.nodes))
        + w(" are each at most 1/4, so together at most ")
        + m(f"{power}{approx}{bound}")
        + w(" (vanishing); here they are ")
        + m(values)
        + w(", product ")
        + m(product)
    )
