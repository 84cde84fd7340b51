"""The library's front door: text in, a checked ``Derivation`` out; then, optionally, simpler.

Everything the CLI does, callable from Python without click: ``derive`` then ``simplify``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from numbers import Rational
from typing import TYPE_CHECKING, Any

import sympy

from chainrule.calculus.decompose import decompose
from chainrule.calculus.engine import differentiate
from chainrule.calculus.identities import with_identities
from chainrule.calculus.order import with_typed_order
from chainrule.calculus.point import point_values, real_number
from chainrule.calculus.simplify import simplify_results
from chainrule.calculus.written import Written
from chainrule.check.answer import judge
from chainrule.check.gradcheck import POINTS, with_gradcheck
from chainrule.check.values import with_values
from chainrule.check.verify import verify
from chainrule.errors import ChainruleError, LimitError, ParseError, VariableError
from chainrule.model import Derivation, Graph, NameParts, Program
from chainrule.read.arrays import read_array_points
from chainrule.read.points import read_points
from chainrule.read.program import parse, read_name, typed_name
from chainrule.read.shapes import Shapes, read_shapes
from chainrule.read.shapes import is_shaped as is_shaped  # the runner asks, through the api

if TYPE_CHECKING:  # loaded by derive_shaped: a scalar input never needs it
    from chainrule.model.shapes import ShapedDerivation

# A point: "x=1.5, W1=0.3" strings (the command line's form), or name → value, a value being
# text the parser reads ("pi/4"), an int, float or Fraction, or an exact sympy number.
Point = str | Sequence[str] | Mapping[str, str | int | float | Rational | sympy.Expr]


def derive(
    text: str,
    wrt: Sequence[str] | str | None = None,
    *,
    of: str | None = None,
    syntax: str = "auto",
    functions: Iterable[str] = (),
    real: bool = True,
    check: bool = True,
    at: Point | None = None,
) -> Derivation:
    """Parse ``text``, apply the chain rule and cross-check the result.

    Args:
        text: an expression (``"sin(x**2)"``) or a program (``"a = W1*x + b1; L = a^2"``).
        wrt: the variables; ``"all"`` for every input; None for the only input (an error when
            there are several).
        of: the output of a program (its last assignment when None).
        syntax: ``"auto"``, ``"math"`` or ``"latex"``.
        functions: names to read as abstract functions, like ``f`` in ``f(g(x))``.
        real: variables are real (the default); False leaves them complex.
        check: cross-check numerically before returning (``verify.verify``).
        at: a point (see ``parse_points``): the derivation then ends in a ``Values`` step,
            every value at that point (``check.values``).

    Returns:
        The derivation, every result equal to sympy's ``diff``; local factors and
        gradients also written in the forward values (``identities.with_identities``).

    Raises:
        ParseError, ProgramError, VariableError, LimitError: bad input (exit code 2).
        MathError: an intermediate has no real value at the point ``at`` (exit code 2).
        VerificationError: the numerical cross-check failed (a bug; exit code 70).
    """
    point = None if at is None else parse_points(at)
    program = parse(text, syntax=syntax, functions=functions)
    graph = decompose(program, of=None if of is None else output_name(program, of), real=real)
    # Gradients re-expressed in the named nodes (p − y) before the check, which covers them.
    derivation = with_identities(differentiate(graph, resolve_wrt(graph, wrt)))
    derivation = with_typed_order(derivation)
    derivation = verify(derivation) if check else derivation
    return derivation if point is None else with_values(derivation, point)


def parse_points(at: Point) -> dict[str, sympy.Expr]:
    """A point, read by chainrule's own parser (never ``eval``): each value an exact number.

    Args:
        at: ``"x=1.5, W1=0.3"`` or a list of such strings (commas inside brackets belong to
            the value: ``log(8, 2)``), or a mapping name → value, where a value is text
            (``"pi/4"``, ``"1/3"``, ``"e"``, ``"sqrt(2)"``), an int, float or Fraction, or a
            sympy number.  Names as typed (``W₁``, ``θ``, ``ŷ``) or as read (``W_1``).

    Returns:
        name (as ``read.program.parse`` writes it) → exact real sympy number, in order.

    Raises:
        ParseError: a value that does not read, or is not a constant (``option`` "at").
        MathError: a value that is undefined, not real or too large (``option`` "at").

    >>> parse_points("x=pi/4, W₁=0.3, y=1/3")
    {'x': pi/4, 'W_1': 3/10, 'y': 1/3}
    """
    if isinstance(at, str) or (isinstance(at, Sequence) and not isinstance(at, Mapping)):
        specs = [at] if isinstance(at, str) else list(at)
        return point_values(read_points(specs), source=", ".join(specs))
    out: dict[str, sympy.Expr] = {}
    for name, value in at.items():
        if isinstance(value, sympy.Expr):
            (read,) = read_points(f"{name}=0")  # the name, read as typed
            out[read] = real_number(read, value)
        else:
            text = str(float(value)) if isinstance(value, float) else str(value)
            out.update(point_values(read_points(f"{name}={text}")))
    return out


def values_at(derivation: Derivation, at: Point) -> Derivation:
    """A derivation you already have, with its values at a point added as its last step.

    Args:
        derivation: from ``derive`` (or ``simplify``), without a ``Values`` step.
        at: the point, as for ``parse_points``.

    Returns:
        A copy ending in ``model.Values``; a note for each name that is not an input.

    Raises:
        ParseError, MathError: the point does not read (see ``parse_points``).
        VariableError: an input without a value.
        MathError: an intermediate without a real value at the point.

    >>> d = values_at(derive("x*sin(x)"), "x=pi/2")
    >>> d.steps[-1].derivatives[0][1].exact
    1
    """
    return with_values(derivation, parse_points(at))


def gradcheck(
    text: str,
    wrt: Sequence[str] | str | None = None,
    *,
    of: str | None = None,
    syntax: str = "auto",
    functions: Iterable[str] = (),
    real: bool = True,
    at: Point | None = None,
    points: int = POINTS,
    seed: int = 0,
) -> Derivation:
    """Derive ``text`` and compare each derivative with a central finite difference.

    The derivation is not cross-checked first (the gradient check is the check, and says
    what disagrees instead of stopping): see ``check.gradcheck``.

    Args:
        text, of, syntax, functions, real: as for ``derive``.
        wrt: the variables; None for every input (not only the only one).
        at: a point (see ``parse_points``); None for ``points`` random points.
        points: how many random points (without ``at``).
        seed: the random points are the same for the same seed.

    Returns:
        The derivation ending in a ``GradCheck`` step (``agree``, and an entry per variable
        and point: ``symbolic``, ``numeric``, ``relative_error``, ``ok``), ``verified``
        ``"gradcheck"``.

    Raises:
        ParseError, ProgramError, VariableError, LimitError: bad input (exit code 2), a
            point that does not read or lacks a variable's value too (``option`` "at").
        MathError: no values (abstract functions), or none at the point ``at``.

    >>> check = gradcheck("x*sin(x)", at="x=pi/2").steps[-1]
    >>> check.agree, float(check.entries[0].numeric)
    (True, 1.0)
    """
    point = None if at is None else parse_points(at)
    options: dict[str, Any] = {"of": of, "syntax": syntax, "functions": functions, "real": real}
    derivation = derive(text, "all" if wrt is None else wrt, check=False, **options)
    if not derivation.wrt:  # no variables at all: the derivative by x, which is 0
        derivation = derive(text, check=False, **options)
    checked = with_gradcheck(
        derivation, None if point is None else [point], count=points, seed=seed
    )
    return dataclasses.replace(checked, verified="gradcheck")  # its GradCheck step says how


def simplify(derivation: Derivation) -> Derivation:
    """Look for a simpler equal form of each result; cross-check any form it finds.

    sympy's simplification can take long; the runner calls this only after the exact
    derivation has been rendered, so running out of time loses nothing but the simpler form.

    Args:
        derivation: from ``derive``.

    Returns:
        The same derivation when nothing simpler was found, else a checked copy whose
        ChainRules carry ``simplified``.

    Raises:
        VerificationError: a simplified form disagrees with the derivation (a bug).

    >>> d = derive("sin(x)*cos(x)")
    >>> str(d.chain_rules[0].result), str(simplify(d).chain_rules[0].simplified)
    ('-sin(x)**2 + cos(x)**2', 'cos(2*x)')
    """
    simpler = simplify_results(derivation)
    # Only the new forms are checked: the rest of the derivation was, by ``derive``.
    return simpler if simpler is derivation else verify(simpler, since=derivation)


def check_answer(
    text: str,
    answer: str,
    wrt: Sequence[str] | str | None = None,
    *,
    of: str | None = None,
    syntax: str = "auto",
    functions: Iterable[str] = (),
    real: bool = True,
) -> Derivation:
    """Judge a learner's derivative of ``text``: equal to the true one, or which mistake.

    Args:
        text: the expression or program, as for ``derive``.
        answer: the learner's derivative, in the input variables (a program's named
            intermediates may be used too: ``2*a*x`` for ``a = W1*x + b1; L = a^2``).
        wrt: the one variable (a name, or a list of one); None for the only input.
        of, syntax, functions, real: as for ``derive``.

    Returns:
        The derivation whose first step is a ``Verdict``: ``correct``, ``how`` ("symbolic"
        or "numeric") and, when wrong, its ``mistakes``.

    Raises:
        ParseError, ProgramError, VariableError, LimitError, MathError: bad input (exit code
            2); an error in the answer says so and points into the answer.

    >>> verdict = check_answer("sin(x**2)", "cos(x**2)").steps[0]
    >>> verdict.correct, [m.kind for m in verdict.mistakes]
    (False, ['inner_forgotten'])
    """
    derivation = derive(text, wrt, of=of, syntax=syntax, functions=functions, real=real)
    if len(derivation.wrt) != 1:
        raise VariableError(
            "an answer is the derivative by one variable: name one", source=text, option="wrt"
        )
    try:
        program = parse(answer, syntax=syntax, functions=functions)
        if not program.is_expression:
            raise ParseError("it must be one expression, not assignments", source=answer)
        graph = decompose(program, real=real)
    except ChainruleError as err:
        err.message = f"in the answer: {err.message}"
        err.args = (err.message,)
        raise
    written = Written(graph)
    full, typed = written.full(graph.output), written.typed(graph.output)
    if full is None or typed is None:
        raise LimitError("the answer is too large to compare", source=answer)
    return judge(derivation, _in_inputs(full, derivation, answer), answer, shown=typed)


def _in_inputs(expr: sympy.Expr, derivation: Derivation, answer: str) -> sympy.Expr:
    """The answer with the program's named intermediates it uses written in the inputs."""
    graph = derivation.graph
    inputs = set(graph.input_names)
    named = {n.name for n in graph.nodes if n.named_by_user}
    written = Written(graph)
    mapping: dict[Any, Any] = {}
    for s in sorted(expr.free_symbols, key=str):
        if s.name in inputs or (s.name == derivation.wrt[0] and s.name not in named):
            continue  # an input, or a variable the expression lacks (its derivative is 0)
        if s.name not in named:
            known = ", ".join(map(typed_name, graph.input_names)) or "none"
            raise VariableError(
                f"the answer uses {typed_name(s.name)}, which is not a variable of the "
                f"expression (its variables: {known})",
                source=answer,
                column=_column(answer, typed_name(s.name)),
            )
        form = written.full(s.name)
        if form is None:
            raise LimitError(f"{typed_name(s.name)} is too large to write out", source=answer)
        mapping[s] = form
    return expr.xreplace(mapping) if mapping else expr


def _column(text: str, name: str) -> int | None:
    at = text.find(name)
    return at + 1 if at >= 0 else None


def resolve_wrt(graph: Graph, wrt: Sequence[str] | str | None) -> tuple[str, ...]:
    """The variables to differentiate by, from what the user asked for.

    Args:
        graph: the decomposed computation.
        wrt: None, ``"all"``, a name, or several names (``"all"`` may be among them), as
            typed (``θ``, ``ŷ``, ``c′``) or as the reader writes them (``theta``).

    Returns:
        Names in the order given (inputs sorted by name for ``all``), without repeats.

    Raises:
        VariableError: none given while there are several inputs.
    """
    names = graph.input_names
    if wrt is None or (not isinstance(wrt, str) and len(wrt) == 0):
        if len(names) > 1:
            raise VariableError(
                f"several variables ({', '.join(map(typed_name, names))}): say which to "
                "differentiate by",
                source=graph.source,
                option="wrt",
            )
        return names or (_free_name(graph),)
    asked = [wrt] if isinstance(wrt, str) else list(wrt)
    chosen: list[str] = []
    for name in asked:
        chosen.extend(names if name == "all" else [read_name(name)])
    return tuple(dict.fromkeys(chosen))


def output_name(program: Program, of: str) -> str:
    """The assignment ``of`` names: as typed (``c′``) or read (``c__1``); a reassigned name
    without primes means its last version, as it would after the program ran in code.

    Args:
        program: the parsed program.
        of: the name the user gave.

    Returns:
        The name of the assignment (unchecked: ``decompose`` says when there is none).
    """
    name = read_name(of)
    if NameParts.of(name).version:
        return name
    versions = [
        a.name
        for a in program.assignments
        if a.name is not None and dataclasses.replace(NameParts.of(a.name), version=0).name == name
    ]
    return versions[-1] if versions else name


def _free_name(graph: Graph) -> str:
    """A variable for a constant's derivative (which is 0): x, unless a node is called x."""
    taken = {n.name for n in graph.nodes}
    return next(n for n in ("x", "t", "s", "z", "var") if n not in taken)


def derive_shaped(
    text: str,
    wrt: Sequence[str] | str | None = None,
    *,
    of: str | None = None,
    shapes: Shapes | None = None,
    at: str | Sequence[str] | None = None,
    check: bool = True,
    seed: int = 0,
    points: int | None = None,
) -> ShapedDerivation:
    """The chain rule with vectors and matrices: backprop in order, each step with its shape.

    Args:
        text: a program; shapes may be declared in it (``W1: 3x2``, ``x: 2``, ``W1: n×m``).
        wrt: the variables, ``"all"``, or None for the only one.
        of: the output (the last assignment when None); it must be 1×1.
        shapes: more declarations: name → ``"3x2"``, or ``"W1=3x2"`` strings.
        at: a point, vectors and matrices as lists (``"w=[2,-1]; x=[1,2]; b=[0.5]"``).
        check: cross-check every gradient with numpy central differences (random values
            and sizes, seeded by ``seed``); ``points``: a gradient check reported instead.

    Returns:
        The ShapedDerivation, with ``values`` at ``at`` (or a ``gradcheck``).

    Raises:
        ParseError, ProgramError, VariableError, ShapeError: bad input (exit code 2).
        VerificationError: a gradient disagreed with finite differences (a bug, exit code 70).

    >>> derive_shaped("loss = dot(w, x)", "all", at="w=[2,-1]; x=[1,2]").values.gradients
    (('w', [1.0, 2.0]), ('x', [2.0, -1.0]))
    """
    from chainrule.calculus.shaped.backprop import backprop  # here: scalars never load these
    from chainrule.calculus.shaped.build import SHAPED_FUNCTIONS, build
    from chainrule.calculus.shaped.values import array_values, list_shapes
    from chainrule.check import shaped_numeric as numpy_check
    from chainrule.check.shaped_gradcheck import gradcheck_shaped

    program = parse(text, functions=SHAPED_FUNCTIONS, shaped=True)
    declared = dict(program.shapes) | read_shapes(shapes or ())
    point = None if at is None else array_values(read_array_points(at))
    declared = list_shapes(point or {}) | declared  # a list's shape, unless declared
    inputs, nodes = build(program, declared, of)
    derivation = backprop(text, inputs, nodes, wrt)
    derivation = numpy_check.verify_shaped(derivation, seed=seed) if check else derivation
    if points is not None:
        return gradcheck_shaped(derivation, points=points, seed=seed, at=point)
    return derivation if point is None else numpy_check.values_at(derivation, point)
