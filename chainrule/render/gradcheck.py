"""What every format shows of a ``GradCheck`` step, decided once: a table per point (each
derivative by the chain rule, by the central difference, their relative error, and whether they
agree), then the verdict in words; and the step's JSON keys.  The terminal draws the same
tables with rich (``render.terminal``).

>>> from chainrule.api import gradcheck
>>> from chainrule.render.notation import Notation
>>> d = gradcheck("x**3", at="x=2")
>>> rows = tables(Style(Notation(d)), d.steps[-1])[0].rows
>>> [(r.label, r.symbolic, r.numeric, r.status) for r in rows]
[('dy/dx', '12', '12', 'ok')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from chainrule.model import GradCheck, GradEntry, Number
from chainrule.render.latex_text import latex_text
from chainrule.render.notation import Notation
from chainrule.render.values import NONE, Style

HEAD = ("derivative", "chain rule", "finite difference", "relative error", "")
STATUS = {True: "ok", False: "DISAGREE", None: "not compared"}
WHY = {
    "no_value": "the chain rule has no value here",
    "unsettled": "the difference quotient does not settle",
    "undefined_nearby": "no value a step away",
}
FORMS = {
    "backprop": "the chain rule",
    "result": "the result",
    "simplified": "the simplified result",
}
__all__ = ["HEAD", "GradRow", "GradTable", "Style", "json_gradcheck", "tables", "verdict_lines"]


@dataclass(frozen=True)
class GradRow:
    """One derivative at one point: its label (math), the two values and the relative error
    (math, "" where there is none), and the status in words."""

    label: str
    symbolic: str
    numeric: str
    error: str
    status: str
    ok: bool | None


@dataclass(frozen=True)
class GradTable:
    """The derivatives at one point; ``title`` is the point as math."""

    title: str
    rows: tuple[GradRow, ...]


def point_text(style: Style, point: tuple[tuple[str, Number], ...]) -> str:
    """The point as math: ``x = 0.734, y = −1.2``; an exact value as ``x = π/4 ≈ 0.785398``."""
    parts = []
    for name, number in point:
        exact = style.exact(number)
        approx = r" \approx " if style.latex else " ≈ "
        value = f"{exact}{approx}{style.decimal(number.decimal)}" if exact else None
        parts.append(f"{style.n.name(name)} = {value or style.decimal(number.decimal)}")
    return ", ".join(parts) or "(no variables)"


def _error(style: Style, value: sympy.Float | None) -> str:
    """A relative error with two significant digits (its order of magnitude is what counts)."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    shown = mpmath.nstr(mpmath.mpf(value._mpf_), 2, min_fixed=-3, max_fixed=3)
    return style.decimal(sympy.Float(shown, 15))


def tables(style: Style, step: GradCheck) -> list[GradTable]:
    """A table per point, in the order checked.

    Args:
        style: the format's style.
        step: the check.

    Returns:
        The tables.
    """
    by_point: dict[tuple[Any, ...], list[GradEntry]] = {}
    for entry in step.entries:
        by_point.setdefault(entry.point, []).append(entry)
    out = []
    for point, entries in by_point.items():
        rows = []
        for e in entries:
            status = STATUS[e.ok] + (f" ({WHY[e.why]})" if e.why in WHY else "")
            if e.ok is False and e.form != "backprop":
                status += f" (its {e.form})"
            rows.append(
                GradRow(
                    style.n.total(e.wrt),
                    style.decimal(e.symbolic),
                    style.decimal(e.numeric),
                    _error(style, e.relative_error),
                    style.words(status),
                    e.ok,
                )
            )
        out.append(GradTable("at " + style.math(point_text(style, point)), tuple(rows)))
    return out


def _power(style: Style, value: sympy.Float) -> str:
    exponent = int(mpmath.floor(mpmath.log10(mpmath.mpf(value._mpf_))))
    if style.latex:
        return f"10^{{{exponent}}}"
    return "10" + str(exponent).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))


def verdict_lines(style: Style, step: GradCheck) -> list[str]:
    """The verdict in words, then how the points were chosen.

    Args:
        style: the format's style.
        step: the check.

    Returns:
        Lines of text with math pieces in ``style.math``.
    """
    m, w = style.math, style.words
    compared = [e for e in step.entries if e.ok is not None]
    bound = m(_power(style, step.tolerance))
    lines = []
    if not step.agree:
        wrong = [e for e in step.entries if e.ok is False]
        for e in wrong:
            lines.append(
                w("disagree: ")
                + m(style.n.total(e.wrt))
                + w(" at ")
                + m(point_text(style, e.point))
                + w(f": {FORMS.get(e.form, e.form)} gives ")
                + m(style.decimal(e.symbolic))
                + w(", the central difference ")
                + m(style.decimal(e.numeric))
                + w(" (relative error ")
                + m(_error(style, e.relative_error))
                + w(", above ")
                + bound
                + w(")")
            )
    elif compared:
        largest = max((e.relative_error for e in compared if e.relative_error is not None),
                      default=sympy.Float(0))  # fmt: skip
        count = len(compared)
        what = "the derivative agrees" if count == 1 else f"all {count} derivatives agree"
        lines.append(
            w(f"agree: {what} with the central difference (relative error at most ")
            + m(_error(style, largest))
            + w("; the tolerance is ")
            + bound
            + w(")")
        )
    if step.random:
        points = len({e.point for e in step.entries})
        lines.append(w(f"{points} random point{'s' * (points != 1)}, seed {step.seed}"))
    return lines


def json_gradcheck(
    step: GradCheck, out: dict[str, Any], name: Callable[[str], str], py: Callable[[Any], str]
) -> None:
    """Add the step to a derivation's JSON object: ``gradcheck`` (a list of ``{wrt, point,
    symbolic, numeric, relative_error, ok, form}``, with ``why`` where not compared),
    ``agree``, ``tolerance``, ``random``, ``seed`` and ``skipped``.

    Args:
        step: the check.
        out: the object.
        name: a name as JSON prints it.
        py: an expression as JSON prints it.
    """

    def number(value: sympy.Float | None) -> float | None:
        return None if value is None else float(value)

    def point(p: tuple[tuple[str, Number], ...]) -> dict[str, Any]:
        return {name(k): py(v.exact) if v.exact is not None else number(v.decimal) for k, v in p}

    entries = []
    for e in step.entries:
        entry: dict[str, Any] = {
            "wrt": name(e.wrt),
            "point": point(e.point),
            "symbolic": number(e.symbolic),
            "numeric": number(e.numeric),
            "relative_error": number(e.relative_error),
            "ok": e.ok,
            "form": e.form,
        }
        if e.why:
            entry["why"] = e.why
        entries.append(entry)
    out["gradcheck"] = entries
    out["agree"] = step.agree
    out["tolerance"] = float(step.tolerance)
    out["random"] = step.random
    out["seed"] = step.seed
    out["skipped"] = step.skipped


def text_lines(n: Notation, step: GradCheck, indent: str = "  ") -> list[str]:
    """The step as plain text: a table per point, columns aligned, then the verdict."""
    style = Style(n)
    lines: list[str] = []
    for table in tables(style, step):
        cells = [[r.label, r.symbolic or NONE, r.numeric or NONE, r.error or NONE, r.status]
                 for r in table.rows]  # fmt: skip
        columns = [[HEAD[i], *(c[i] for c in cells)] for i in range(len(HEAD))]
        widths = [max(len(c) for c in col) for col in columns]
        lines += [f"{indent}{table.title}"]
        for row in zip(*columns, strict=True):
            text = "   ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            lines.append(f"{indent}{indent}{text}".rstrip())
        lines.append("")
    verdict = [f"{indent}{line}" for line in verdict_lines(style, step)]
    return lines + verdict if verdict else lines[:-1]


def markdown_lines(n: Notation, step: GradCheck) -> list[str]:
    """The step as Markdown: a pipe table per point, then the verdict."""
    style = Style(n, latex=True)
    lines: list[str] = []
    for table in tables(style, step):
        lines += [_pipes(table.title), ""]
        lines += ["| " + " | ".join(HEAD[:-1]) + " | |", "|" + "|".join(["---"] * 5) + "|"]
        for r in table.rows:
            cells = [f"${r.label}$", *(f"${v}$" if v else NONE
                     for v in (r.symbolic, r.numeric, r.error)), r.status]  # fmt: skip
            lines.append("| " + " | ".join(_pipes(c) for c in cells) + " |")
        lines.append("")
    return [*lines, *(f"- {_pipes(line)}" for line in verdict_lines(style, step)), ""]


def latex_lines(n: Notation, step: GradCheck) -> list[str]:
    r"""The step as ``\intertext`` lines for an ``align*``: a ``tabular`` per point, then the
    verdict."""
    style = Style(n, latex=True)
    out = []
    for table in tables(style, step):
        head = " & ".join(rf"\textit{{{latex_text(h)}}}" if h else "" for h in HEAD)
        rows = [
            " & ".join([f"${r.label}$", *map(_math, (r.symbolic, r.numeric, r.error)), r.status])
            for r in table.rows
        ]
        body = head + " \\\\ \\hline\n" + " \\\\\n".join(rows)
        out.append(rf"\intertext{{{table.title}}}")
        out.append(f"\\intertext{{\\begin{{tabular}}{{lrrrl}}\n{body}\n\\end{{tabular}}}}")
    return out + [rf"\intertext{{{line}}}" for line in verdict_lines(style, step)]


def _math(value: str) -> str:
    return f"${value}$" if value else "---"


def _pipes(text: str) -> str:
    return text.replace("|", r"\|")
