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

from sympy.core.function import AppliedUndef

from chainrule.model import (
    Adjoint,
    ChainRule,
    Decomposition,
    Derivation,
    GradCheck,
    LocalDerivative,
    Values,
    Verdict,
)
from chainrule.render.base import Renderer
from chainrule.render.errors import SCHEMA
from chainrule.render.gradcheck import json_gradcheck
from chainrule.render.notation import Notation, uses_partial
from chainrule.render.notes import note_text
from chainrule.render.printers.python import python_names, to_python
from chainrule.render.printers.unicode import name_unicode
from chainrule.render.value_formats import json_values
from chainrule.render.values import Style, flag_texts
from chainrule.render.verdict import verdict_dict


class JsonRenderer(Renderer[dict[str, Any], str]):
    """Each step method fills its part of the derivation's object.  Names are printed as
    ``parse_expr`` reads them back (``printers.python.python_names``), alike everywhere."""

    names: dict[str, str] = {}  # of the derivation being rendered

    def render_one(self, d: Derivation) -> dict[str, Any]:
        self.names = python_names(_names(d))
        self.d = d
        # Each expression printed once: a long sum's gradient appears as its adjoint's
        # expression, the chain's in_intermediates and its result (3,000 terms: 0.4 s each).
        self.printed: dict[Any, str] = {}
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "input": d.source,
            "expression": None if d.expression is None else self._py(d.expression),
            "intermediates": [],
            "output": self._name(d.output),
            "derivatives": [],
            # Additions to schema 1:
            "local_derivatives": [],
            "adjoints": [],
            "inputs": [self._name(n) for n in d.graph.input_names],
            "wrt": [self._name(n) for n in d.wrt],
            "partial": uses_partial(d),
            "notes": [note_text(note) for note in d.notes],
            "verified": d.verified,
            "expression_size": d.expression_size,
        }
        if d.graph.aside:  # assignments the output does not use, which a gradient may name
            out["aside"] = [
                {"name": self._name(n.name), "definition": self._py(n.definition)}
                for n in d.graph.aside
            ]
        if self.names:  # what each renamed name is on screen: {"lamda": "λ", "c_v1": "c′"}
            out["renamed"] = {new: name_unicode(old) for old, new in self.names.items()}
        for step in d.steps:
            self._render(step, out)
        return out

    def _name(self, name: str) -> str:
        return self.names.get(name, name)

    def _py(self, expr: Any) -> str:
        text = self.printed.get(expr)
        if text is None:
            text = self.printed[expr] = to_python(expr, self.names)
        return text

    def _factor(self, step: LocalDerivative) -> dict[str, str]:
        of, wrt = self._name(step.of), self._name(step.wrt)
        entry = {"of": of, "wrt": wrt, "derivative": self._py(step.derivative)}
        if step.cached is not None:  # the factor in the forward values backprop caches
            entry["cached"] = self._py(step.cached)
        return entry

    def join(self, rendered: list[dict[str, Any]]) -> str:
        return "\n".join(json.dumps(one, ensure_ascii=False) for one in rendered)

    def _render_Decomposition(self, step: Decomposition, out: dict[str, Any]) -> None:
        out["intermediates"] = [
            {"name": self._name(node.name), "definition": self._py(node.definition)}
            for node in step.nodes
        ]

    def _render_LocalDerivative(self, step: LocalDerivative, out: dict[str, Any]) -> None:
        # Every edge once, output side first.  Each derivative's own ``factors`` lists the
        # edges on its paths while they are listed, else only the edges out of its variable
        # (listing every path's edges per variable would grow quadratically with depth).
        out["local_derivatives"].append(self._factor(step))

    def _render_Adjoint(self, step: Adjoint, out: dict[str, Any]) -> None:
        out["adjoints"].append(
            {
                "of": self._name(step.of),
                "wrt": self._name(step.wrt),
                "expression": self._py(step.expression),
                "recurrence": self._py(step.recurrence),
                "expanded": step.expanded,
                "reuses": [self._name(n) for n in step.reuses],
            }
        )
        if step.in_nodes is not None:  # the gradient in the named nodes, as ML writes it
            out["adjoints"][-1]["in_nodes"] = self._py(step.in_nodes)

    def _render_Verdict(self, step: Verdict, out: dict[str, Any]) -> None:
        # A checked answer: first in the object, as in every format.
        out.update(verdict_dict(step, self._py, self._name, Notation(self.d)))

    def _render_Values(self, step: Values, out: dict[str, Any]) -> None:
        texts = flag_texts(Style(Notation(self.d)), step)
        json_values(step, out, self._name, self._py, texts)

    def _render_GradCheck(self, step: GradCheck, out: dict[str, Any]) -> None:
        json_gradcheck(step, out, self._name, self._py)

    def _render_ChainRule(self, step: ChainRule, out: dict[str, Any]) -> None:
        entry: dict[str, Any] = {
            "wrt": self._name(step.wrt),
            "factors": [self._factor(f) for f in step.factors],
            "paths": [
                {"nodes": [self._name(n) for n in p.nodes], "product": self._py(p.product)}
                for p in step.paths or ()
            ],
            "path_count": step.path_count,
            "in_intermediates": self._py(step.in_intermediates),
            "expanded": step.expanded,
            "result": None if step.result is None else self._py(step.result),
            "result_size": step.result_size,
        }
        if step.paths is None:
            entry["paths_omitted"] = True
        if step.simplified is not None:
            entry["simplified"] = self._py(step.simplified)
        if step.in_nodes is not None:
            entry["in_nodes"] = self._py(step.in_nodes)
        out["derivatives"].append(entry)


def _names(d: Derivation) -> list[str]:
    """Every name a derivation's JSON may print: inputs, intermediates, abstract functions."""
    graph = d.graph
    functions = {f.func.__name__ for n in graph.nodes for f in n.definition.atoms(AppliedUndef)}
    nodes = (*graph.nodes, *graph.aside)
    return [*graph.input_names, *d.wrt, *(n.name for n in nodes), *sorted(functions)]


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
