"""The JSON contract (schema 1, see DESIGN.md): every expression in Python/sympy syntax.

Keys of schema 1 are never renamed or dropped; new keys may be added.  One derivation is one
line, so several inputs make JSON Lines.
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative
from chainrule.render.exprs import to_python
from chainrule.render.notes import note_text

SCHEMA = 1


class _JsonRenderer:
    def __init__(self, d: Derivation) -> None:
        self.d = d
        self.out: dict[str, Any] = {
            "schema": SCHEMA,
            "input": d.source,
            "expression": None if d.expression is None else to_python(d.expression),
            "intermediates": [],
            "output": d.output,
            "derivatives": [],
            # Additions to schema 1:
            "local_derivatives": [],
            "adjoints": [],
            "inputs": list(d.graph.input_names),
            "wrt": list(d.wrt),
            "partial": d.partial,
            "notes": [note_text(note) for note in d.notes],
            "verified": d.verified,
            "expression_size": d.expression_size,
        }

    def render(self) -> dict[str, Any]:
        for step in self.d.steps:
            getattr(self, "_render_" + type(step).__name__)(step)
        return self.out

    def _render_Decomposition(self, step: Decomposition) -> None:
        self.out["intermediates"] = [
            {"name": node.name, "definition": to_python(node.definition)} for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative) -> None:
        # Every edge once, output side first.  Each derivative's own ``factors`` lists the
        # edges on its paths while they are listed, else only the edges out of its variable
        # (listing every path's edges per variable would grow quadratically with depth).
        self.out["local_derivatives"].append(_factor(step))

    def _render_Adjoint(self, step: Adjoint) -> None:
        self.out["adjoints"].append(
            {
                "of": step.of,
                "wrt": step.wrt,
                "expression": to_python(step.expression),
                "recurrence": to_python(step.recurrence),
                "expanded": step.expanded,
                "reuses": list(step.reuses),
            }
        )

    def _render_ChainRule(self, step: ChainRule) -> None:
        entry: dict[str, Any] = {
            "wrt": step.wrt,
            "factors": [_factor(f) for f in step.factors],
            "paths": [
                {"nodes": list(p.nodes), "product": to_python(p.product)} for p in step.paths or ()
            ],
            "path_count": step.path_count,
            "in_intermediates": to_python(step.in_intermediates),
            "expanded": step.expanded,
            "result": None if step.result is None else to_python(step.result),
            "result_size": step.result_size,
        }
        if step.paths is None:
            entry["paths_omitted"] = True
        if step.simplified is not None:
            entry["simplified"] = to_python(step.simplified)
        self.out["derivatives"].append(entry)


def _factor(step: LocalDerivative) -> dict[str, str]:
    return {"of": step.of, "wrt": step.wrt, "derivative": to_python(step.derivative)}


def to_dict(d: Derivation) -> dict[str, Any]:
    """The derivation as the schema-1 JSON object (plain dicts, lists, strings and numbers).

    Args:
        d: the derivation.

    Returns:
        A dict ready for ``json.dumps``; every expression a string ``sympy.parse_expr`` reads.
    """
    return _JsonRenderer(d).render()


def render_json(d: Derivation | Sequence[Derivation]) -> str:
    """The derivation as one line of JSON; several derivations as JSON Lines.

    Args:
        d: a derivation, or several.

    Returns:
        One JSON object per line (no trailing newline), non-ASCII characters kept.
    """
    items = [d] if isinstance(d, Derivation) else list(d)
    return "\n".join(json.dumps(to_dict(one), ensure_ascii=False) for one in items)
