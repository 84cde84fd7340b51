"""The ``Values`` step in each format's own form of table (the layout is ``render.values``):
plain text aligned on the decimal point, Markdown pipe tables, LaTeX ``tabular``s inside the
derivation's ``align*``, and the JSON keys.  The terminal's rich tables are in
``render.terminal``, which imports rich (as only ``terminal_shaped`` also does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.model import Number, Values
from chainrule.render.latex_text import latex_text
from chainrule.render.notation import Notation
from chainrule.render.values import NONE, Style, flag_texts, point_text, tables


def aligned(decimals: Sequence[str]) -> list[str]:
    """Decimals padded so that their points line up (the integer part right-aligned).

    >>> aligned(["−0.55", "12.5", "1", "—"])
    ['−0.55', '12.5 ', ' 1   ', '—    ']
    """
    heads = [d.split(".")[0].split("×")[0] if d != NONE else "" for d in decimals]
    left = max((len(h) for h in heads), default=0)
    padded = [
        d if d == NONE else " " * (left - len(h)) + d for h, d in zip(heads, decimals, strict=True)
    ]
    width = max((len(p) for p in padded), default=0)
    return [p.ljust(width) for p in padded]


def text_lines(n: Notation, step: Values, indent: str = "  ") -> list[str]:
    """The step as plain text: the point, each table with its columns aligned, the flags.

    Args:
        n: the derivation's Unicode notation.
        step: the values.
        indent: before every line.

    Returns:
        The lines.
    """
    style = Style(n)
    lines = [f"{indent}at {point_text(style, step)}"]
    for table in tables(style, step):
        head = [table.title, "value"] + ["exact"] * table.exact
        cells = [[r.label, r.decimal or NONE] + [r.exact] * table.exact for r in table.rows]
        columns = [[head[i], *(c[i] for c in cells)] for i in range(len(head))]
        columns[1] = [columns[1][0], *aligned(columns[1][1:])]
        widths = [max(len(c) for c in col) for col in columns]
        lines.append("")
        for i, line in enumerate(zip(*columns, strict=True)):
            text = "   ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
            flag = table.rows[i - 1].flag if i else ""
            lines.append(f"{indent}{text}   {flag}".rstrip())
    flags = flag_texts(style, step)
    if flags:
        lines += ["", *(f"{indent}{line}" for line in flags)]
    return lines


def markdown_lines(n: Notation, step: Values) -> list[str]:
    """The step as Markdown: the point, a pipe table per table, the flags as a list.

    Args:
        n: the derivation's LaTeX notation.
        step: the values.

    Returns:
        The lines, ending with a blank one.
    """
    style = Style(n, latex=True)
    lines = [f"at ${_pipes(point_text(style, step))}$", ""]
    for table in tables(style, step):
        head = [table.title, "value"] + ["exact"] * table.exact + [""] * table.flags
        lines += ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
        for r in table.rows:
            cells = [f"${r.label}$", f"${r.decimal}$" if r.decimal else NONE]
            cells += [f"${r.exact}$" if r.exact else ""] * table.exact
            cells += [r.flag] * table.flags
            lines.append("| " + " | ".join(_pipes(c) for c in cells) + " |")
        lines.append("")
    lines += [f"- {_pipes(line)}" for line in flag_texts(style, step)]
    return [*lines, ""] if lines[-1] else lines


def _pipes(text: str) -> str:
    return text.replace("|", r"\|")


def latex_tables(n: Notation, step: Values) -> list[str]:
    r"""The step as ``\intertext`` lines for an ``align*``: the point, a ``tabular`` per table,
    the flags.

    Args:
        n: the derivation's LaTeX notation.
        step: the values.

    Returns:
        The ``\intertext`` lines.
    """
    style = Style(n, latex=True)
    out = [rf"\intertext{{at ${point_text(style, step)}$}}"]
    for table in tables(style, step):
        columns = "l" + "r" + "l" * table.exact + "l" * table.flags
        head = [table.title, "value"] + ["exact"] * table.exact + [""] * table.flags
        rows = [" & ".join(rf"\textit{{{latex_text(h)}}}" if h else "" for h in head)]
        for r in table.rows:
            cells = [f"${r.label}$", f"${r.decimal}$" if r.decimal else "---"]
            cells += [f"${r.exact}$" if r.exact else ""] * table.exact
            cells += [r.flag] * table.flags
            rows.append(" & ".join(cells))
        body = " \\\\\n".join(rows[:1]) + " \\\\ \\hline\n" + " \\\\\n".join(rows[1:])
        out.append(f"\\intertext{{\\begin{{tabular}}{{{columns}}}\n{body}\n\\end{{tabular}}}}")
    out += [rf"\intertext{{{line}}}" for line in flag_texts(style, step)]
    return out


def json_values(step: Values, out: dict[str, Any], name: Any, py: Any, texts: list[str]) -> None:
    """Add the step to a derivation's JSON object (``render.json``): ``value`` (a number, or
    null where none exists) and, where exact, ``exact`` (a ``parse_expr`` string) on each local
    derivative, path, adjoint and derivative; ``at`` (the point, exact), ``values`` (inputs and
    intermediates) and ``flags``.

    Args:
        step: the values.
        out: the object, its other steps already in it.
        name: a name as JSON prints it.
        py: an expression as JSON prints it.
        texts: the flags in words, one per flag that has some (``flag_texts``).
    """

    def number(n: Number) -> dict[str, Any]:
        entry: dict[str, Any] = {"value": None if n.decimal is None else float(n.decimal)}
        if n.decimal is not None and n.decimal != 0 and entry["value"] == 0.0:
            entry["decimal"] = str(n.decimal)  # below a double's range
        if n.exact is not None:
            entry["exact"] = py(n.exact)
        return entry

    out["at"] = {name(k): py(v.exact) if v.exact is not None else float(v.decimal or 0)
                 for k, v in step.point}  # fmt: skip
    out["values"] = {name(k): number(v) for k, v in (*step.point, *step.forward)}
    factors = {(name(of), name(wrt)): number(v) for of, wrt, v in step.factors}
    for entry in out.get("local_derivatives", []):
        entry.update(factors.get((entry["of"], entry["wrt"]), {}))
    adjoints = {(name(of), name(wrt)): number(v) for of, wrt, v in step.adjoints}
    for entry in out.get("adjoints", []):
        entry.update(adjoints.get((entry["of"], entry["wrt"]), {}))
    paths = {(name(w), tuple(map(name, nodes))): number(v) for w, nodes, v in step.paths}
    derivatives = {name(w): number(v) for w, v in step.derivatives}
    for entry in out.get("derivatives", []):
        entry.update(derivatives.get(entry["wrt"], {}))
        for factor in entry.get("factors", []):
            factor.update(factors.get((factor["of"], factor["wrt"]), {}))
        for path in entry.get("paths", []):
            path.update(paths.get((entry["wrt"], tuple(path["nodes"])), {}))
    worded = iter(texts)
    out["flags"] = []
    for flag in step.flags:
        item: dict[str, Any] = {
            "kind": flag.kind,
            "scope": flag.scope,
            "nodes": [name(n) for n in flag.nodes],
        }
        if flag.value is not None:
            item.update(number(flag.value))
        if flag.kind == "sigmoid":
            item["count"] = flag.count
            item["bound"] = 4.0**-flag.count
            item["factors"] = [
                {"of": name(of), "wrt": name(wrt), **number(v)} for of, wrt, v in flag.factors
            ]
        if flag.why:
            item["why"] = flag.why
        if flag.scope in ("path", "derivative") or flag.kind == "undefined":
            item["text"] = next(worded, "")
        out["flags"].append(item)
