"""Sums in the order typed, wherever they are printed written out in the inputs.

A result is built by sympy, which orders a sum's terms its own way: for ``a1 = w1*x + b1``
the answer reads ``σ(b₁ + w₁·x)``, though the intermediate above it reads ``w₁·x + b₁``.  The
result must stay sympy's (the simplifier and the check work on it), so the order is left to
the printers: for each sum the user typed, the derivation lists its terms — written in the
inputs, as sympy evaluates them — in the order typed, and a printer that meets a sum with
exactly those terms writes them in that order (``Derivation.typed_orders``).

>>> from chainrule.api import derive
>>> d = derive("a1 = w1*x + b1; h = sigmoid(a1); L = (h - y)^2/2", ["w1"], check=False)
>>> d.typed_orders
((w1*x, b1),)
"""

from __future__ import annotations

import dataclasses

import sympy

from chainrule.calculus.written import Written, evaluated
from chainrule.model import Derivation, TypedAdd

MAX_SIZE = 400  # a sum larger than this written out is not looked for (nobody reads its order)
MAX_SUMS = 200  # sums per derivation


def with_typed_order(derivation: Derivation) -> Derivation:
    """The derivation with ``typed_orders`` set for the sums the user typed.

    Args:
        derivation: any derivation.

    Returns:
        A copy listing, for each typed sum whose order sympy would change, its terms written
        in the inputs in the order typed; the derivation itself when there is none.
    """
    graph = derivation.graph
    typed = [
        n
        for n in graph.nodes
        if isinstance(n.definition, TypedAdd)
        and list(n.definition.args) != list(sympy.Add(*n.definition.args).args)
    ][:MAX_SUMS]
    if not typed:
        return derivation
    written = Written(graph)
    orders = []
    for node in typed:
        if written.size[node.name] > MAX_SIZE:
            continue
        full = written.full(node.name)
        if full is None or not full.is_Add:
            continue
        mapping = {}
        for parent in node.parents:
            if parent not in written.nodes:
                continue  # an input: as it is
            form = written.full(parent)
            if form is None:
                break
            mapping[graph.symbols[parent]] = form
        else:
            terms = tuple(evaluated(t, mapping) for t in node.definition.args)
            if len(terms) == len(full.args) and set(terms) == set(full.args):
                orders.append(terms)
    if not orders:
        return derivation
    return dataclasses.replace(derivation, typed_orders=tuple(dict.fromkeys(orders)))
