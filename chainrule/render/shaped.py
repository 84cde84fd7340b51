"""A shaped derivation (``model.ShapedDerivation``) in every format: the forward pass with each
intermediate's shape, then the reverse pass in backprop order, each line with its shape, the
sentence on why the transpose goes on the right, and the values at a point when asked.

>>> from chainrule.api import derive_shaped
>>> d = derive_shaped("L = sum(W*x)", "all", shapes={"W": "2x3", "x": "3"})
>>> print(render_shaped(d, "text"), end="")
∂L/∂W, ∂L/∂x with shapes: W 2×3, x 3×1
<BLANKLINE>
Forward pass
  L = sum(W · x)    1×1
<BLANKLINE>
Backpropagation
  ∂L/∂W = 𝟏 · xᵀ    2×3
  ∂L/∂x = Wᵀ · 𝟏    3×1
<BLANKLINE>
Why xᵀ goes on the right: a gradient has the shape of its variable, ∂L/∂W is 2×3; 𝟏 is 2×1 and x
is 3×1, so only 𝟏 · xᵀ (2×1 · 1×3) is 2×3. Matrix factors are never reordered.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from chainrule.model import MExpr, ShapedDerivation, ShapedLine
from chainrule.render.printers.latex import name_latex
from chainrule.render.printers.shaped import delta_name, print_latex, print_python, print_unicode
from chainrule.render.printers.unicode import name_unicode
from chainrule.render.shaped_gradcheck import json_value, latex_lines, markdown_lines, text_lines


def render_shaped(
    d: ShapedDerivation | Sequence[ShapedDerivation],
    fmt: str,
    *,
    standalone: bool = False,
    check_only: bool = False,
) -> str:
    """Render shaped derivations in ``fmt`` ("text", "markdown", "latex" or "json").

    Args:
        d: one derivation or several (one per input line).
        fmt: the format.
        standalone: LaTeX only: a whole document for pdflatex.
        check_only: show only the gradient check (JSON carries everything regardless).

    Returns:
        The output; JSON as one object (JSON Lines for several).
    """
    items = [d] if isinstance(d, ShapedDerivation) else list(d)
    if fmt == "json":
        return "\n".join(json.dumps(to_dict(x), ensure_ascii=False) for x in items) + "\n"
    if check_only:
        lines = {"text": text_lines, "markdown": markdown_lines, "latex": latex_lines}[fmt]
        out = "\n".join("\n".join(lines(x)) + "\n" for x in items)
    else:
        one = {"text": _text, "markdown": _markdown, "latex": _latex}[fmt]
        out = "\n".join(one(x) for x in items)
    if fmt == "latex" and standalone:
        return _PREAMBLE + out + "\\end{document}\n"
    return out


_PREAMBLE = (
    "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
    "\\allowdisplaybreaks\n\\begin{document}\n"
)


def _lhs(d: ShapedDerivation, line: ShapedLine, style: str, first: bool) -> str:
    out = d.output
    if style == "latex":
        grad = f"\\frac{{\\partial {name_latex(out)}}}{{\\partial {name_latex(line.name)}}}"
        if line.kind == "delta":
            return delta_name(line.name, "latex") + (f" = {grad}" if first else "")
        return grad
    grad = f"∂{name_unicode(out)}/∂{name_unicode(line.name)}"
    if line.kind == "delta":
        return delta_name(line.name, "unicode") + (f" = {grad}" if first else "")
    return grad


def _rows(d: ShapedDerivation, style: str) -> list[tuple[str, str, str]]:
    """(left side, right side, shape) for each line of the reverse pass."""
    show = print_latex if style == "latex" else print_unicode
    rows, first = [], True
    for line in d.lines:
        rows.append((_lhs(d, line, style, first and line.kind == "delta"), show(line.expr),
                     line.shape.text))  # fmt: skip
        first = first and line.kind != "delta"
    return rows


def _fused(d: ShapedDerivation, style: str) -> str:
    """The sentence on softmax into cross-entropy, when the derivation used it."""
    for note in d.notes:
        if note.code == "softmax_cross_entropy":
            name = name_latex if style == "latex" else name_unicode
            targets = dict(note.data)["targets"]
            shown = f"${name(targets)}$" if style == "latex" else name(targets)
            gives = (
                f"$\\operatorname{{softmax}}(z) - {name(targets)}$"
                if style == "latex"
                else f"softmax(z) − {shown}"
            )
            return (
                f"Softmax into cross-entropy gives {gives} when the targets "
                f"{shown} sum to 1 (one-hot, or a distribution), as cross-entropy's targets do."
            )
    return ""


def _why(d: ShapedDerivation, style: str) -> str:
    """Why the transpose goes on the right, said of the line the note names."""
    note = next((n for n in d.notes if n.code == "transpose_right"), None)
    if note is None:
        return ""
    line = d.lines[int(dict(note.data)["line"])]
    left, right = line.expr.args[0], line.expr.args[1].args[0]
    lr, rr = left.shape.rows, right.shape.rows
    if style == "latex":
        show = print_latex
        grad = f"\\partial {name_latex(d.output)}/\\partial {name_latex(line.name)}"
        return (
            f"Why ${show(right)}^{{\\top}}$ goes on the right: a gradient has the shape of its "
            f"variable, ${grad}$ is ${_tex(line.shape.text)}$; ${show(left)}$ is "
            f"${_tex(left.shape.text)}$ and ${show(right)}$ is ${_tex(right.shape.text)}$, so "
            f"only ${show(left)}\\,{show(right)}^{{\\top}}$ ({lr}$\\times$1 times "
            f"1$\\times${rr}) has that shape. Matrix factors are never reordered."
        )
    a, b = _factor(print_unicode(left), left), _factor(print_unicode(right), right)
    return (
        f"Why {b}ᵀ goes on the right: a gradient has the shape of its variable, "
        f"∂{name_unicode(d.output)}/∂{name_unicode(line.name)} is {line.shape.text}; {a} is "
        f"{left.shape.text} and {b} is {right.shape.text}, so only {a} · {b}ᵀ "
        f"({lr}×1 · 1×{rr}) is {line.shape.text}. Matrix factors are never reordered."
    )


def _factor(text: str, e: MExpr) -> str:
    """``text`` bracketed unless ``e`` is a name, a δ or 𝟏."""
    return text if e.op in ("var", "delta", "ones") else f"({text})"


def _tex(shape: str) -> str:
    return shape.replace("×", "\\times ")


def _heading(d: ShapedDerivation, style: str) -> str:
    name = name_latex if style == "latex" else name_unicode
    grads = ", ".join(f"∂{name(d.output)}/∂{name(w)}" for w in d.wrt)
    shaped = ", ".join(f"{name(n)} {s.text}" for n, s in d.inputs if not s.is_scalar)
    return f"{grads} with shapes: {shaped}" if shaped else grads


def _aligned(rows: list[tuple[str, str, str]]) -> list[str]:
    texts = [f"  {lhs} = {rhs}" for lhs, rhs, _ in rows]
    width = max(map(len, texts), default=0)
    return [f"{t.ljust(width)}    {shape}" for t, (_, _, shape) in zip(texts, rows, strict=True)]


def _forward(d: ShapedDerivation, style: str) -> list[tuple[str, str, str]]:
    show = print_latex if style == "latex" else print_unicode
    name = name_latex if style == "latex" else name_unicode
    return [(name(n.name), show(n.definition), n.shape.text) for n in d.nodes]


def _values_lines(d: ShapedDerivation) -> list[str]:
    """The point, the forward pass and the reverse pass in its order, at the point."""
    if d.values is None:
        return []
    lines = ["", "Values"]
    pairs = [(name_unicode(n), v) for n, v in (*d.values.point, *d.values.forward)]
    lines += [f"  {name} = {_nested(v)}" for name, v in pairs]
    deltas, grads = dict(d.values.deltas), dict(d.values.gradients)
    for line in d.lines:
        if line.kind == "delta" and line.name in deltas:
            lines.append(f"  {delta_name(line.name, 'unicode')} = {_nested(deltas[line.name])}")
        elif line.kind == "gradient" and line.name in grads:
            grad = f"∂{name_unicode(d.output)}/∂{name_unicode(line.name)}"
            lines.append(f"  {grad} = {_nested(grads[line.name])}")
    return lines


def _nested(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_nested(v) for v in value) + "]"
    text = f"{value:.6g}"
    return text.replace("-", "−")


def text_blocks(d: ShapedDerivation, *, wrap: bool = True) -> list[tuple[str, list[str]]]:
    """The plain-text layout as (title, lines) blocks, "" for an untitled one: the heading,
    the forward pass, the reverse pass, the sentences, the values, the gradient check.  The
    terminal (``render.terminal_shaped``) draws the titled ones as panels, and wraps the
    sentences itself (``wrap=False``)."""
    blocks = [("", [_heading(d, "text")]), ("Forward pass", _aligned(_forward(d, "text")))]
    blocks.append(("Backpropagation", _aligned(_rows(d, "text"))))
    sentences = [s for s in (_why(d, "text"), _fused(d, "text")) if s]
    blocks += [("", _wrapped(s) if wrap else [s]) for s in sentences]
    blocks += [("Values", _values_lines(d)[2:])] if d.values is not None else []
    blocks += [("", text_lines(d))] if d.gradcheck else []
    return blocks


def _text(d: ShapedDerivation) -> str:
    lines: list[str] = []
    for title, block in text_blocks(d):
        lines += [""] * bool(lines) + ([title] if title else []) + block
    return "\n".join(lines) + "\n"


def _wrapped(sentence: str) -> list[str]:
    """``sentence`` in lines of at most 96 characters, never broken inside brackets."""
    kept, depth = [], 0
    for ch in sentence:
        depth += (ch == "(") - (ch == ")")
        kept.append("\0" if ch == " " and depth > 0 else ch)
    return [line.replace("\0", " ") for line in textwrap.wrap("".join(kept), 96)]


def _markdown(d: ShapedDerivation) -> str:
    lines = [f"**{_heading(d, 'text')}**", "", "| | | shape |", "|---|---|---|"]
    lines += [f"| `{lhs}` | `{rhs}` | {shape} |" for lhs, rhs, shape in _forward(d, "text")]
    lines += ["", "**Backpropagation**", "", "| | | shape |", "|---|---|---|"]
    lines += [f"| `{lhs}` | `{rhs}` | {shape} |" for lhs, rhs, shape in _rows(d, "text")]
    for sentence in (_why(d, "text"), _fused(d, "text")):
        lines += ["", sentence] if sentence else []
    values = _values_lines(d)
    lines += ["", "```text", *values[1:], "```"] if values else []
    lines += ["", *markdown_lines(d)] if d.gradcheck else []
    return "\n".join(lines) + "\n"


def _latex(d: ShapedDerivation) -> str:
    def block(rows: list[tuple[str, str, str]]) -> list[str]:
        body = [f"  {lhs} &= {rhs} && {_tex(shape)} \\\\" for lhs, rhs, shape in rows]
        return ["\\begin{align*}", *body, "\\end{align*}"]

    lines = ["\\paragraph{Forward pass}", *block(_forward(d, "latex"))]
    lines += ["\\paragraph{Backpropagation}", *block(_rows(d, "latex"))]
    lines += [s for s in (_why(d, "latex"), _fused(d, "latex")) if s]
    if d.values is not None:
        rows = [(name_latex(n), v) for n, v in (*d.values.point, *d.values.forward)]
        rows += [(delta_name(n, "latex"), v) for n, v in d.values.deltas]
        rows += [(f"\\frac{{\\partial {name_latex(d.output)}}}{{\\partial {name_latex(n)}}}", v)
                 for n, v in d.values.gradients]  # fmt: skip
        body = [f"  {lhs} &= {_nested(v).replace('−', '-')} \\\\" for lhs, v in rows]
        lines += ["\\paragraph{Values}", "\\begin{align*}", *body, "\\end{align*}"]
    lines += ["", *latex_lines(d)] if d.gradcheck else []
    return "\n".join(lines) + "\n"


def to_dict(d: ShapedDerivation) -> dict[str, Any]:
    """The JSON object of a shaped derivation (schema 1 keys, plus shapes and gradients)."""
    out: dict[str, Any] = {
        "schema": 1,
        "input": d.source,
        "shapes": {n: s.text for n, s in d.inputs},
        "inputs": [n for n, _ in d.inputs],
        "intermediates": [
            {"name": n.name, "definition": print_python(n.definition), "shape": n.shape.text}
            for n in d.nodes
        ],
        "output": d.output,
        "expression": None,  # a shaped output is not written out in the inputs
        "wrt": list(d.wrt),
        "backprop": [
            {
                "kind": line.kind,
                "name": line.name,
                "expression": print_python(line.expr),
                "shape": line.shape.text,
            }
            for line in d.lines
        ],  # fmt: skip
        "derivatives": [
            {
                "wrt": line.name,
                "in_intermediates": print_python(line.expr),
                "result": print_python(line.expr),
                "shape": line.shape.text,
            }
            for line in d.lines
            if line.kind == "gradient"
        ],
        "verified": d.verified,
    }
    if d.gradcheck is not None:
        out["gradcheck"] = json_value(d)
    if d.values is not None:
        out["values"] = {
            "point": dict(d.values.point),
            "forward": dict(d.values.forward),
            "gradients": dict(d.values.gradients),
            "deltas": dict(d.values.deltas),
        }
    out["notes"] = [{"code": n.code, **dict(n.data)} for n in d.notes]
    return out
