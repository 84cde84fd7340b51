"""The JSON contract (schema 1, see DESIGN.md): every expression in Python/sympy syntax.

Keys of schema 1 are never renamed or dropped; new keys may be added.  One derivation is one
line, so several inputs make JSON Lines.

>>> from chainrule import derive
>>> data = to_dict(derive("sin(x**2)"))
>>> data["intermediates"], data["derivatives"][0]["result"]
([{'name': 'u', 'definition': 'x**2'}, {'name': 'y', 'definition': 'sin(u)'}], '2*x*cos(x**2)')
"""

# Dispatch names follow the step classes (_render_ChainRule).
# ruff: noqa: N802
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chainrule.model import Adjoint, ChainRule, Decomposition, Derivation, LocalDerivative
from chainrule.render.base import Renderer
from chainrule.render.errors import SCHEMA
from chainrule.render.notation import uses_partial
from chainrule.render.notes import note_text
from chainrule.render.printers.python import to_python


class JsonRenderer(Renderer[dict[str, Any], str]):
    """Each step method fills its part of the derivation's object."""

    def render_one(self, d: Derivation) -> dict[str, Any]:
        out: dict[str, Any] = {
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
            "partial": uses_partial(d),
            "notes": [note_text(note) for note in d.notes],
            "verified": d.verified,
            "expression_size": d.expression_size,
        }
        for step in d.steps:
            self._render(step, out)
        return out

    def join(self, rendered: list[dict[str, Any]]) -> str:
        return "\n".join(json.dumps(one, ensure_ascii=False) for one in rendered)

    def _render_Decomposition(self, step: Decomposition, out: dict[str, Any]) -> None:
        out["intermediates"] = [
            {"name": node.name, "definition": to_python(node.definition)} for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative, out: dict[str, Any]) -> None:
        # Every edge once, output side first.  Each derivative's own ``factors`` lists the
        # edges on its paths while they are listed, else only the edges out of its variable
        # (listing every path's edges per variable would grow quadratically with depth).
        out["local_derivatives"].append(_factor(step))

    def _render_Adjoint(self, step: Adjoint, out: dict[str, Any]) -> None:
        out["adjoints"].append(
            {
                "of": step.of,
                "wrt": step.wrt,
                "expression": to_python(step.expression),
                "recurrence": to_python(step.recurrence),
                "expanded": step.expanded,
                "reuses": list(step.reuses),
            }
        )

    def _render_ChainRule(self, step: ChainRule, out: dict[str, Any]) -> None:
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
        out["derivatives"].append(entry)


def _factor(step: LocalDerivative) -> dict[str, str]:
    return {"of": step.of, "wrt": step.wrt, "derivative": to_python(step.derivative)}


def to_dict(d: Derivation) -> dict[str, Any]:
    """The derivation as the schema-1 JSON object (plain dicts, lists, strings and numbers).

    Args:
        d: the derivation.

    Returns:
        A dict ready for ``json.dumps``; every expression a string ``sympy.parse_expr`` reads.
    """
    return JsonRenderer().render_one(d)


def render_json(d: Derivation | Sequence[Derivation]) -> str:
    """The derivation as one line of JSON; several derivations as JSON Lines.

    Args:
        d: a derivation, or several.

    Returns:
        One JSON object per line (no trailing newline), non-ASCII characters kept.
    """
    return JsonRenderer().render(d)
