"""Output formats: one renderer class per format, each a subclass of ``base.Renderer``.

``render(d, fmt)`` picks the renderer of one of ``FORMATS``; each module is imported on first
use.  The terminal renderer (``terminal.render_rich``) is the only one that imports rich and is
not in ``FORMATS``: the CLI picks it when stdout is a terminal.

>>> from chainrule import derive
>>> print(render(derive("sin(x**2)"), "json", standalone=True)[:40])
{"schema": 1, "input": "sin(x**2)", "exp
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainrule.model import Derivation
    from chainrule.render.base import Renderer

_RENDERERS = {
    "text": ("chainrule.render.text", "TextRenderer"),
    "latex": ("chainrule.render.latex", "LatexRenderer"),
    "json": ("chainrule.render.json", "JsonRenderer"),
    "markdown": ("chainrule.render.markdown", "MarkdownRenderer"),
}
FORMATS = tuple(_RENDERERS)


def _renderer(fmt: str) -> type[Renderer[Any, str]]:
    module, name = _RENDERERS[fmt]
    cls: type[Renderer[Any, str]] = getattr(importlib.import_module(module), name)
    return cls


def render(d: Derivation | Sequence[Derivation], fmt: str, **options: Any) -> str:
    """Render a derivation (or several) in one of ``FORMATS``.

    Args:
        d: the derivation, or a list of them (one per input line); shaped derivations
            (``api.derive_shaped``) go to ``render.shaped``.
        fmt: "text", "latex", "json" or "markdown".
        **options: ``standalone=True`` wraps LaTeX in a document.  Callers may pass every
            option to every format (the CLI does), so an option another format takes is
            ignored rather than refused.

    Returns:
        The rendered output.

    Raises:
        ValueError: ``fmt`` is not one of ``FORMATS``, or an option no format takes.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    items = [d] if not isinstance(d, Sequence) else list(d)
    shaped = sys.modules.get("chainrule.model.shapes")  # loaded when a shaped one was made
    if shaped and items and all(isinstance(one, shaped.ShapedDerivation) for one in items):
        from chainrule.render.shaped import render_shaped

        return render_shaped(items, fmt, standalone=bool(options.get("standalone")))  # type: ignore[arg-type]
    cls = _renderer(fmt)
    taken = {k: v for k, v in options.items() if k in cls._default_settings}
    if len(taken) < len(options):
        known = {k for f in FORMATS for k in _renderer(f)._default_settings}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(
                f"unknown render option(s): {', '.join(unknown)}; "
                f"the formats take: {', '.join(sorted(known))}"
            )
    return cls(**taken).render(d)


__all__ = ["FORMATS", "render"]
