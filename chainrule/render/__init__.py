"""Output formats: one module per format, each walking ``Derivation.steps``.

``render(d, fmt)`` dispatches to ``text``, ``latex``, ``json`` or ``markdown``; each module is
imported on first use.  The terminal renderer (``terminal.render_rich``) is the only one that
imports rich and is not in ``FORMATS``: the CLI picks it when stdout is a terminal.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainrule.model import Derivation

FORMATS = ("text", "latex", "json", "markdown")

_RENDERERS = {
    "text": ("chainrule.render.text", "render_text"),
    "latex": ("chainrule.render.latex", "render_latex"),
    "json": ("chainrule.render.json", "render_json"),
    "markdown": ("chainrule.render.markdown", "render_markdown"),
}
# Options each format takes.  Callers may pass every option to every format (the CLI does), so
# an option another format takes is ignored here rather than refused.
_OPTIONS = {"latex": {"standalone"}}
_ALL_OPTIONS = set().union(*_OPTIONS.values())


def render(d: Derivation | Sequence[Derivation], fmt: str, **options: Any) -> str:
    """Render a derivation (or several) in one of ``FORMATS``.

    Args:
        d: the derivation, or a list of them (one per input line).
        fmt: "text", "latex", "json" or "markdown".
        **options: ``standalone=True`` wraps LaTeX in a document; formats ignore options
            meant for another format.

    Returns:
        The rendered output.

    Raises:
        ValueError: ``fmt`` is not one of ``FORMATS``, or an option no format takes.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    unknown = set(options) - _ALL_OPTIONS
    if unknown:
        raise ValueError(f"unknown render option(s): {', '.join(sorted(unknown))}")
    module, function = _RENDERERS[fmt]
    renderer = getattr(importlib.import_module(module), function)
    taken = {k: v for k, v in options.items() if k in _OPTIONS.get(fmt, set())}
    out: str = renderer(d, **taken)
    return out


__all__ = ["FORMATS", "render"]
