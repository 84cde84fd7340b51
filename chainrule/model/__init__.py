"""The immutable data that flows between chainrule's layers.

    text ─parser─▶ Program (of Terms) ─decompose─▶ Graph ─engine─▶ Derivation ─render─▶ output

``Term`` is chainrule's own small syntax tree.  The parser builds it instead of a sympy
expression because sympy cannot even *construct* a 1000-deep composition (its automatic
evaluation recurses through the whole tree); ``decompose`` turns Terms into a Graph whose every
node holds only a shallow sympy expression, so nothing deep is ever built.

The classes live by the stage that builds them (``program``, ``graph``, ``steps``, ``checks``)
and are all imported from here: ``from chainrule.model import Derivation``.
"""

from typing import TYPE_CHECKING, Any

from chainrule.model.checks import Flag, GradCheck, GradEntry, Mistake, Number, Values, Verdict
from chainrule.model.graph import Constant, Graph, Node, TypedAdd, TypedMul, is_negative_number
from chainrule.model.program import (
    ACCENTS,
    FUNCTION_ARITIES,
    TERM_OPS,
    Assignment,
    NameParts,
    Note,
    Program,
    Term,
    arity_text,
)
from chainrule.model.steps import (
    Adjoint,
    AdjointTerm,
    ChainRule,
    Decomposition,
    Derivation,
    LocalDerivative,
    Path,
    Step,
    Upstream,
)

# The shaped classes (``model.shapes``) load on first use, so that a scalar input's start-up
# does not pay for them.
_SHAPED = frozenset(
    (
        "MEXPR_OPS",
        "SCALAR",
        "MExpr",
        "Shape",
        "ShapedDerivation",
        "ShapedGradCheck",
        "ShapedGradEntry",
        "ShapedLine",
        "ShapedNode",
        "ShapedValues",
    )
)
if TYPE_CHECKING:
    from chainrule.model.shapes import (
        MEXPR_OPS,
        SCALAR,
        MExpr,
        Shape,
        ShapedDerivation,
        ShapedGradCheck,
        ShapedGradEntry,
        ShapedLine,
        ShapedNode,
        ShapedValues,
    )


def __getattr__(name: str) -> Any:
    if name in _SHAPED:
        from chainrule.model import shapes

        return getattr(shapes, name)
    raise AttributeError(f"module 'chainrule.model' has no attribute {name!r}")


__all__ = [
    "ACCENTS",
    "MEXPR_OPS",
    "SCALAR",
    "MExpr",
    "Shape",
    "ShapedDerivation",
    "ShapedGradCheck",
    "ShapedGradEntry",
    "ShapedLine",
    "ShapedNode",
    "ShapedValues",
    "FUNCTION_ARITIES",
    "TERM_OPS",
    "Adjoint",
    "AdjointTerm",
    "Assignment",
    "ChainRule",
    "Constant",
    "Decomposition",
    "Derivation",
    "Flag",
    "GradCheck",
    "GradEntry",
    "Graph",
    "LocalDerivative",
    "Mistake",
    "NameParts",
    "Node",
    "Note",
    "Number",
    "Path",
    "Program",
    "Step",
    "Term",
    "TypedAdd",
    "TypedMul",
    "Upstream",
    "Values",
    "Verdict",
    "arity_text",
    "is_negative_number",
]
