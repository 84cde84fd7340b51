"""What the engine builds: the ``Derivation`` and its steps (decomposition, local factors, the
reverse pass, the chain rule), and ``Upstream``, a gradient held as one symbol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy

from chainrule.model.graph import Graph, Node
from chainrule.model.program import Note


class Upstream(sympy.Symbol):
    """∂(of)/∂(wrt) held as a single symbol, so a later gradient can reuse it by name.

    Printed as ``dL_dz`` in Python syntax (JSON), ∂L/∂z in Unicode, and a fraction in LaTeX.
    """

    of: str
    wrt: str

    def __new__(cls, of: str, wrt: str) -> Upstream:
        obj = super().__new__(cls, f"d{of}_d{wrt}", real=True)
        obj.of = of
        obj.wrt = wrt
        return obj

    def __getnewargs_ex__(self) -> Any:
        return ((self.of, self.wrt), {})


@dataclass(frozen=True)
class Step:
    """One step of a derivation.  Each kind of step subclasses this; every renderer has one
    method per kind (``_render_<ClassName>``), and ``title`` heads the section it is shown in.
    """

    title: ClassVar[str] = ""


@dataclass(frozen=True)
class Decomposition(Step):
    """The intermediates, in evaluation order (output last)."""

    title: ClassVar[str] = "Intermediates"

    nodes: tuple[Node, ...]
    inputs: tuple[sympy.Symbol, ...]


@dataclass(frozen=True)
class LocalDerivative(Step):
    """The local factor on one edge: ∂of/∂wrt, written in intermediates."""

    title: ClassVar[str] = "Local derivatives"

    of: str
    wrt: str
    derivative: sympy.Expr
    # The same factor written with forward values that backprop caches (σ(a)(1 − σ(a)) is
    # p(1 − p) for p = σ(a)), when that differs: ``calculus.identities``.
    cached: sympy.Expr | None = None


@dataclass(frozen=True)
class Path:
    """One path from the output down to a variable, and the product of its local factors."""

    nodes: tuple[str, ...]  # output first, variable last
    factors: tuple[sympy.Expr, ...]  # factors[i] = ∂nodes[i]/∂nodes[i+1]
    product: sympy.Expr


@dataclass(frozen=True)
class AdjointTerm:
    """One contribution to an upstream gradient: ∂out/∂child · ∂child/∂node."""

    child: str
    factor: sympy.Expr  # ∂child/∂node


@dataclass(frozen=True)
class Adjoint(Step):
    """One step of the reverse pass: ∂of/∂wrt = Σ ∂of/∂child · ∂child/∂wrt over its children.

    ``recurrence`` reuses the children's upstream gradients by name (``Upstream`` symbols);
    ``expression`` is the same gradient written in intermediates only, or the recurrence
    itself when writing it out would be larger than ``engine.EXPAND_LIMIT``.
    """

    title: ClassVar[str] = "Backpropagation"

    of: str
    wrt: str
    terms: tuple[AdjointTerm, ...]
    recurrence: sympy.Expr
    expression: sympy.Expr
    expanded: bool  # True when ``expression`` holds no Upstream symbol
    reuses: tuple[str, ...]  # children whose upstream gradient is reused (the output excluded)
    # The gradient re-expressed in the named nodes, as an ML text writes it (p − y for a
    # sigmoid into cross-entropy), when that is shorter: ``calculus.identities``.
    in_nodes: sympy.Expr | None = None


@dataclass(frozen=True)
class ChainRule(Step):
    """The derivative of the output with respect to one variable."""

    title: ClassVar[str] = "Chain rule"

    wrt: str
    factors: tuple[LocalDerivative, ...]  # the edges on paths from ``wrt`` to the output
    paths: tuple[Path, ...] | None  # None when there are too many to list (see path_count)
    path_count: int
    in_intermediates: sympy.Expr  # what backprop computes
    expanded: bool  # False when in_intermediates reuses upstream gradients by name
    result: sympy.Expr | None  # in the input variables only; None when too large
    result_size: int  # tree size of the result in the inputs (computed even when None)
    simplified: sympy.Expr | None = None  # a simpler equal form, when one was found in time
    in_nodes: sympy.Expr | None = None  # in_intermediates as ML writes it (see Adjoint)


@dataclass(frozen=True)
class Derivation:
    """Everything a renderer needs: the graph, the chosen variables and the steps in order.

    Steps come in this order: one Decomposition, the LocalDerivatives (output side first),
    the Adjoints in reverse-pass order, then one ChainRule per variable in ``wrt`` order, and
    with a point (``api.derive(at=…)``) one Values step last; a gradient check
    (``api.gradcheck``) ends in a GradCheck step.
    """

    graph: Graph
    wrt: tuple[str, ...]
    steps: tuple[Step, ...]
    expression: sympy.Expr | None  # the output written in the inputs, None when too large
    expression_size: int
    notes: tuple[Note, ...] = ()
    # How the results were cross-checked: "numeric", "numeric_refined", "symbolic", "skipped"
    # (the check ran but could not decide; a note says why), "gradcheck" (the derivation's
    # GradCheck step compared them, and says whether they agree) or "unchecked" (no check was
    # asked for).
    verified: str = "unchecked"
    # For each sum the user typed, its terms written in the inputs (as sympy evaluates them)
    # in the order typed: the printers write a sum with exactly these terms in this order
    # (``calculus.order``), so that σ(w₁·x + b₁) in a result reads as typed.
    typed_orders: tuple[tuple[sympy.Expr, ...], ...] = ()

    @property
    def source(self) -> str:
        return self.graph.source

    @property
    def output(self) -> str:
        return self.graph.output

    @property
    def chain_rules(self) -> tuple[ChainRule, ...]:
        return tuple(s for s in self.steps if isinstance(s, ChainRule))

    @property
    def adjoints(self) -> tuple[Adjoint, ...]:
        return tuple(s for s in self.steps if isinstance(s, Adjoint))

    @property
    def local_derivatives(self) -> tuple[LocalDerivative, ...]:
        return tuple(s for s in self.steps if isinstance(s, LocalDerivative))
