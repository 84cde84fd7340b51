"""A shaped gradient check (``model.ShapedGradCheck``) as text, Markdown, LaTeX and JSON: per
point its sizes, then each gradient's largest difference from its central difference."""

from __future__ import annotations

from typing import Any

from chainrule.model import ShapedDerivation, ShapedGradCheck, ShapedGradEntry
from chainrule.render.printers.latex import name_latex
from chainrule.render.printers.unicode import name_unicode


def _where(check: ShapedGradCheck) -> str:
    if check.at:
        return "at the point given"
    count = len(check.sizes)
    return f"at {count} random point{'s' * (count != 1)} (seed {check.seed})"


def _difference(e: ShapedGradEntry) -> str:
    gap = abs(e.ours - e.numeric)
    return f"{gap:.1e}".replace("e-0", "e-").replace("e+0", "e+")


def _verdict(d: ShapedDerivation, check: ShapedGradCheck) -> str:
    bad = [e for e in check.entries if not e.agree]
    if not bad:
        return f"All {len(check.entries)} gradients agree with their central differences."
    e = bad[0]
    return (
        f"∂{name_unicode(d.output)}/∂{name_unicode(e.wrt)} disagrees at point {e.point + 1}: "
        f"entry {list(e.entry)} is {e.ours:.10g} by the chain rule but {e.numeric:.10g} by "
        "central differences."
    )


def text_lines(d: ShapedDerivation) -> list[str]:
    """The check as indented plain-text lines, its verdict last."""
    check = d.gradcheck
    if check is None:
        return []
    lines = [f"Gradient check, every entry against central differences, {_where(check)}"]
    names = {e.wrt: f"∂{name_unicode(d.output)}/∂{name_unicode(e.wrt)}" for e in check.entries}
    width = max(map(len, names.values()), default=0)
    shape_width = max((len(e.shape) for e in check.entries), default=0)
    for i, sizes in enumerate(check.sizes):
        named = ", ".join(f"{n} = {v}" for n, v in sorted(sizes))
        lines.append(f"  point {i + 1}" + (f": {named}" if named else ""))
        for e in (e for e in check.entries if e.point == i):
            grad, shape = names[e.wrt].ljust(width), e.shape.ljust(shape_width)
            state = "agrees" if e.agree else "DISAGREES"
            lines.append(f"    {grad}  {shape}  largest difference {_difference(e)}  {state}")
    return [*lines, _verdict(d, check)]


def markdown_lines(d: ShapedDerivation) -> list[str]:
    """The check as a Markdown table per point."""
    check = d.gradcheck
    if check is None:
        return []
    lines = [f"**Gradient check** {_where(check)}", ""]
    lines += ["| point | gradient | shape | largest difference | |", "|---|---|---|---|---|"]
    for e in check.entries:
        grad = f"∂{name_unicode(d.output)}/∂{name_unicode(e.wrt)}"
        state = "agrees" if e.agree else "**disagrees**"
        lines.append(f"| {e.point + 1} | {grad} | {e.shape} | {_difference(e)} | {state} |")
    return [*lines, "", _verdict(d, check)]


def latex_lines(d: ShapedDerivation) -> list[str]:
    """The check as a ``tabular``."""
    check = d.gradcheck
    if check is None:
        return []
    lines = [f"\\paragraph{{Gradient check}} {_where(check)}", "",
             "\\begin{tabular}{rlll}", "point & gradient & largest difference & \\\\"]  # fmt: skip
    for e in check.entries:
        grad = f"$\\partial {name_latex(d.output)}/\\partial {name_latex(e.wrt)}$"
        state = "agrees" if e.agree else "\\textbf{disagrees}"
        lines.append(f"{e.point + 1} & {grad} & {_difference(e)} & {state} \\\\")
    verdict = _verdict(d, check).replace("∂", "d").replace("−", "-")
    return [*lines, "\\end{tabular}", "", verdict]


def json_value(d: ShapedDerivation) -> dict[str, Any] | None:
    """The JSON object of the check (``gradcheck``), or None."""
    check = d.gradcheck
    if check is None:
        return None
    return {
        "seed": None if check.at else check.seed,
        "agree": check.agree,
        "points": [{"sizes": dict(sizes)} for sizes in check.sizes],
        "entries": [
            {
                "point": e.point,
                "wrt": e.wrt,
                "shape": e.shape,
                "entry": list(e.entry),
                "chain_rule": e.ours,
                "difference": e.numeric,
                "agree": e.agree,
            }
            for e in check.entries
        ],  # fmt: skip
    }
