"""The immutable data that flows between chainrule's layers.

    text ─parser─▶ Program (of Terms) ─decompose─▶ Graph ─engine─▶ Derivation ─render─▶ output

``Term`` is chainrule's own small syntax tree.  The parser builds it instead of a sympy
expression because sympy cannot even *construct* a 1000-deep composition (its automatic
evaluation recurses through the whole tree); ``decompose`` turns Terms into a Graph whose every
node holds only a shallow sympy expression, so nothing deep is ever built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy

# ---------------------------------------------------------------------------------------------
# parser → decompose

# Term operations.  "number": ``text`` is a plain decimal literal ("2", "2.5"; the parser
# writes 1e-3 as 1·10^(−3) so that 1e100000000000 never becomes a giant integer).  "symbol":
# ``text`` is the variable's name.  "constant": ``text`` is "pi" or "E".  "add", "mul": n-ary.
# "neg": one arg.  "div": two args (numerator, denominator).  "pow": two args (base, exponent).
# "call": a known function, ``text`` a key of ``FUNCTION_ARITIES``.  "apply": an abstract
# function (f, g, or a name declared as a function), ``text`` its name.
TERM_OPS = ("number", "symbol", "constant", "add", "mul", "neg", "div", "pow", "call", "apply")

# The known functions by canonical name, each with the argument counts it takes.  The reader
# maps every spelling onto these names; ``calculus.functions.FUNCTIONS`` builds each in sympy.
FUNCTION_ARITIES: dict[str, tuple[int, ...]] = {
    name: (1,)
    for name in (
        "sin cos tan sec csc cot asin acos atan asec acsc acot sinh cosh tanh sech csch coth "
        "asinh acosh atanh acoth exp sqrt cbrt Abs sign Heaviside factorial gamma erf sigmoid relu "
        "softplus"
    ).split()
} | {"log": (1, 2), "Max": tuple(range(2, 9)), "Min": tuple(range(2, 9))}
# The activations of torch.nn.functional, parameters optional as there (leaky_relu(x, slope),
# elu(x, alpha), hardtanh(x, min_val, max_val)); gelu_tanh is gelu(x, approximate='tanh').
FUNCTION_ARITIES |= dict.fromkeys("silu gelu gelu_tanh mish selu softsign logsigmoid".split(), (1,))
FUNCTION_ARITIES |= {"leaky_relu": (1, 2), "elu": (1, 2), "hardtanh": (1, 2, 3)}


def arity_text(arities: tuple[int, ...]) -> str:
    """How many arguments a function takes, for a message.

    >>> arity_text((1,)), arity_text((1, 2)), arity_text(FUNCTION_ARITIES["Max"])
    ('1 argument', '1 or 2 arguments', '2 to 8 arguments')
    """
    if len(arities) == 1:
        return f"{arities[0]} argument" + ("s" if arities[0] != 1 else "")
    joint = " or " if len(arities) == 2 else " to "
    return f"{arities[0]}{joint}{arities[-1]} arguments"


@dataclass(frozen=True, eq=False)
class Term:
    """One node of the parsed syntax tree.  Compared by identity: structural hashing of a
    1000-deep tree would recurse."""

    op: str
    args: tuple[Term, ...] = ()
    text: str = ""
    column: int = 0  # 1-based column in the source line where this term starts


@dataclass(frozen=True)
class Assignment:
    """``name = value``, or a bare expression when ``name`` is None."""

    name: str | None
    value: Term
    column: int = 1  # where the statement starts
    line: int = 1  # 1-based line of the statement in the source


@dataclass(frozen=True)
class Program:
    """Everything the user typed: one bare expression, or assignments in order."""

    source: str
    assignments: tuple[Assignment, ...]
    notes: tuple[Note, ...] = ()  # how ambiguous input was read

    @property
    def is_expression(self) -> bool:
        return len(self.assignments) == 1 and self.assignments[0].name is None


# Names the reader makes for what no typed name can say.  "__" is refused in a typed name, so
# these never collide with one: an accent after the letter (ŷ₁ is ``y__hat_1``), then the
# version of a reassigned name (the second ``c = c + 1`` makes ``c__2``, shown c″).
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "dot": "\u0307", "ddot": "\u0308",
           "tilde": "\u0303", "vec": "\u20d7"}  # fmt: skip


@dataclass(frozen=True)
class NameParts:
    """A name taken apart: its ``accent`` (a key of ``ACCENTS``, or "") on ``stem`` (a letter or
    a Greek letter's name; without an accent, the whole name), the subscripts after the accent
    (``rest``), and its ``version`` (0 for the name as first assigned, or an input).

    >>> NameParts.of("y__hat_1__2")
    NameParts(stem='y', accent='hat', rest='_1', version=2)
    """

    stem: str
    accent: str = ""
    rest: str = ""
    version: int = 0

    @classmethod
    def of(cls, name: str) -> NameParts:
        base, marker, tail = name.rpartition("__")
        version = int(tail) if marker and tail.isdigit() else 0
        name = base if version else name
        stem, marker, tail = name.partition("__")
        accent, _, sub = tail.partition("_")
        return cls(stem, accent, "_" + sub if sub else "", version)

    @property
    def name(self) -> str:
        accented = f"{self.stem}__{self.accent}{self.rest}" if self.accent else self.stem
        return f"{accented}__{self.version}" if self.version else accented


# ---------------------------------------------------------------------------------------------
# decompose → engine


@dataclass(frozen=True)
class Node:
    """One named intermediate: ``symbol = definition``, the definition shallow and written in
    the symbols of its parents (inputs or earlier intermediates).

    ``definition`` is what the user typed, in the order typed (sums and products are
    ``TypedAdd`` and ``TypedMul``, powers unevaluated): it is what every format shows.
    ``evaluated`` is the same value as sympy evaluates it, which the engine differentiates
    (None when it is ``definition`` itself).  ``written`` is set when the definition rewrites
    what was typed (``u^v`` derived as ``e^w`` with ``w = v·ln u``): the typed form, in earlier
    names, used to write the node out in the inputs.
    """

    name: str
    symbol: sympy.Symbol
    definition: sympy.Expr
    parents: tuple[str, ...]  # names it uses directly, in the order first typed
    named_by_user: bool = False
    evaluated: sympy.Expr | None = None
    written: sympy.Expr | None = None

    @property
    def value(self) -> sympy.Expr:
        """The definition as sympy evaluates it: what the engine differentiates."""
        return self.definition if self.evaluated is None else self.evaluated


@dataclass(frozen=True)
class Graph:
    """A computation in topological order: inputs, then intermediates, output last."""

    source: str
    inputs: tuple[sympy.Symbol, ...]  # free symbols, sorted by name
    nodes: tuple[Node, ...]  # evaluation order; the output is last
    output: str
    symbols: dict[str, sympy.Symbol] = field(default_factory=dict, compare=False)
    notes: tuple[Note, ...] = ()  # the program's reading notes, then decomposition's
    # Assignments the output does not use (softmax's p₂ beside L = −ln p₁), in program order,
    # each written in earlier names: a gradient may be written with them (∂L/∂z₂ = p₂).
    aside: tuple[Node, ...] = ()

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs)


class _Typed:
    """What ``TypedAdd`` and ``TypedMul`` share: built unevaluated, they keep the user's order
    and the printers write them in it.  ``func`` is sympy's own class, so whatever sympy
    rebuilds from them (a derivative, a substitution) is an ordinary, evaluated expression."""

    __slots__ = ()
    evaluated_class: ClassVar[Any]

    @property
    def func(self) -> Any:
        return self.evaluated_class

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_typed, (type(self), self.args))  # type: ignore[attr-defined]


class Constant(sympy.core.expr.AtomicExpr):  # type: ignore[misc]
    """A constant too large to evaluate, held as one opaque atom (``cos(e^(e^(e^e)))``).

    sympy decides the sign of ``cos(c)`` by evaluating c to as many digits as it has before
    the point — millions, for a tower of exponentials — and ``7**e^(e^(e^(10e)))`` does not fit
    in memory.  Its derivative is exactly 0 whatever its value, so chainrule never needs the
    value: the atom prints as ``shown`` (what was typed, unevaluated), sympy never looks inside,
    and the cross-check gives it a stand-in value (the derivation holds for every value).
    """

    is_number = True
    is_commutative = True
    shown: sympy.Expr

    def __new__(cls, shown: sympy.Expr) -> Constant:
        obj = super().__new__(cls)
        obj.shown = shown
        return obj

    def _hashable_content(self) -> tuple[sympy.Expr]:
        return (self.shown,)

    def __getnewargs__(self) -> tuple[sympy.Expr]:
        return (self.shown,)

    def _eval_is_extended_real(self) -> bool | None:
        return self.shown.is_extended_real

    def _eval_is_finite(self) -> bool:
        return True  # large, but a number

    def _sympystr(self, printer: Any) -> str:  # every chainrule printer: shown as typed
        return str(printer._print(self.shown))

    def _latex(self, printer: Any) -> str:
        return str(printer._print(self.shown))

    def _eval_evalf(self, prec: int) -> None:
        return None  # no value to give: sympy must not decide anything from one


class TypedAdd(_Typed, sympy.Add):
    """A sum kept as typed: its terms in the user's order, nothing collected or cancelled
    (``TypedAdd(w1*x, b1, evaluate=False)``)."""

    __slots__ = ()
    evaluated_class = sympy.Add


class TypedMul(_Typed, sympy.Mul):
    """A product kept as typed (``w·h``, ``2x·v``); a negative one has a single −1 in front
    (``calculus.typed.typed_mul`` builds it so)."""

    __slots__ = ()
    evaluated_class = sympy.Mul

    def __neg__(self) -> Any:
        # −(w·h) stays typed: a printer negates a term to write it after " − ".
        args = self.args[1:] if self.args[0] == -1 else (sympy.S.NegativeOne, *self.args)
        return args[0] if len(args) == 1 else TypedMul(*args, evaluate=False)


def _typed(cls: Any, args: tuple[Any, ...]) -> Any:
    return cls(*args, evaluate=False)


# ---------------------------------------------------------------------------------------------
# engine → render: the steps of a derivation


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
class Mistake:
    """One thing wrong with a learner's answer, as data (``render.verdict`` words it).

    ``kind``: inner_forgotten, missing_path, product_of_derivatives, sign, constant_factor,
    wrong_point, wrong_order, power_not_reduced or disagree.  ``factor`` names where: (of,
    wrt) for a local factor, the nodes of a path, or () for the whole derivative.
    ``expected`` and ``got`` are that factor as it is (in intermediates) and as the answer has
    it; for a path or the whole derivative, in the inputs; for ``disagree``, the two values at
    the point ``at``.  ``wrong_point``: the factor was taken at ``at`` instead of
    ``correct_at``; ``constant_factor``: answer = scale × the derivative; ``wrong_order``: the
    answer is the derivative of ``got`` (the functions swapped), not of ``expected``.  ``got``
    is None where the answer has no real value.
    """

    kind: str
    factor: tuple[str, ...] = ()
    expected: sympy.Expr | None = None
    got: sympy.Expr | None = None
    at: tuple[tuple[str, sympy.Expr], ...] = ()
    correct_at: tuple[tuple[str, sympy.Expr], ...] = ()
    scale: sympy.Expr | None = None


@dataclass(frozen=True)
class Verdict(Step):
    """A learner's answer for d(output)/d(wrt) judged against the derivation's result: first of
    the steps, so every format says it before the derivation (shown only when it is wrong).

    ``how``: "symbolic" (their difference simplifies to 0) or "numeric" (compared at points).
    """

    title: ClassVar[str] = "Your answer"

    wrt: str
    answer_text: str  # as the learner typed it
    answer: sympy.Expr  # read, in the input variables
    correct: bool
    how: str
    mistakes: tuple[Mistake, ...] = ()
    points: int = 0  # how many points the answer was compared at


@dataclass(frozen=True)
class Note:
    """Something a reader should know about a derivation, as a code and its data.

    The layer that notices it says what (``Note("constant")``); renderers word it
    (``render.notes``), so no English is written below the render layer.
    """

    code: str
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Number:
    """A value at a point: ``decimal`` (a sympy Float, ``check.values.DIGITS`` digits) and
    ``exact`` (a closed form in integers, fractions, roots, π and e, where the point's values
    give a small one).  Both are None where the value does not exist there (relu′ at 0).
    """

    decimal: sympy.Float | None
    exact: sympy.Expr | None = None

    @property
    def exists(self) -> bool:
        return self.decimal is not None


@dataclass(frozen=True)
class Flag:
    """Something the values at a point show, as data (``render.values`` words it).

    ``kind``: "vanishing" or "exploding" (a magnitude below ``check.values.SMALL`` or above
    ``check.values.LARGE``), "sigmoid" (the σ′ factors on a path: each ≤ 1/4, so ``count`` of
    them shrink it by at least 4^count) or "undefined" (a local
    factor with no value here: ``why`` is "kink", a point where the function has a corner,
    or "pole").  ``scope``: "factor" or "adjoint" (an upstream gradient at an
    intermediate; ``nodes`` is (of, wrt)), "path" (the path's nodes, output
    first) or "derivative" (``nodes`` is (wrt,)).  ``factors`` are (of, wrt, value).
    """

    kind: str
    scope: str
    nodes: tuple[str, ...]
    value: Number | None = None
    count: int = 0
    factors: tuple[tuple[str, str, Number], ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Values(Step):
    """The derivation's numbers at one point: the forward pass (``point`` for the inputs,
    ``forward`` for every intermediate), then the backward pass (each local factor as (of, wrt,
    value), each upstream gradient as (of, wrt, value), each path's product as (wrt, nodes,
    value): the listed paths, or a long chain's only one, each derivative as (wrt, value)),
    and what they show (``flags``).  Made by
    ``check.values``; last of the steps.
    """

    title: ClassVar[str] = "Values at the point"

    point: tuple[tuple[str, Number], ...]
    forward: tuple[tuple[str, Number], ...]
    factors: tuple[tuple[str, str, Number], ...]
    adjoints: tuple[tuple[str, str, Number], ...]
    paths: tuple[tuple[str, tuple[str, ...], Number], ...]
    derivatives: tuple[tuple[str, Number], ...]
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class GradEntry:
    """One derivative at one point against its central finite difference (``check.gradcheck``).

    ``symbolic`` is the derivation's value (``form``: "backprop", its reverse pass; "result"
    or "simplified", that form in the inputs, when it is the one that agrees least),
    ``numeric`` the difference quotient, ``relative_error`` |symbolic − numeric| over the
    larger.  ``ok`` is None when they could not be compared, ``why`` saying so: "no_value"
    (no derivative there: a corner or a pole), "unsettled" (the difference quotient does not
    settle: ill-conditioned) or "undefined_nearby" (the function has no value a step away).
    """

    wrt: str
    point: tuple[tuple[str, Number], ...]
    symbolic: sympy.Float | None
    numeric: sympy.Float | None
    relative_error: sympy.Float | None
    ok: bool | None
    why: str = ""
    form: str = "backprop"


@dataclass(frozen=True)
class GradCheck(Step):
    """Every derivative compared with a finite difference, at given points or at random ones
    (``random``: drawn with ``seed``, ``skipped`` of them passed over where a value was
    missing).  Made by ``check.gradcheck``; last of the steps.
    """

    title: ClassVar[str] = "Gradient check"

    entries: tuple[GradEntry, ...]
    tolerance: sympy.Float
    random: bool = False
    seed: int | None = None
    skipped: int = 0

    @property
    def agree(self) -> bool:
        """No derivative disagrees with its finite difference."""
        return all(e.ok is not False for e in self.entries)


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
    # How the results were cross-checked: "numeric", "symbolic", "skipped" (the check ran but
    # could not decide; a note says why) or "unchecked" (no check was asked for).
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
