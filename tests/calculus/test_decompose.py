"""Program of Terms → Graph (``calculus.decompose``): which subexpressions get a name, what the
names are, the program's errors, and that the graph means what the Terms mean."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

import chainrule.calculus.decompose as decompose_module
from chainrule.calculus.decompose import MAX_INLINE_DEPTH, decompose
from chainrule.calculus.functions import sigmoid
from chainrule.errors import LimitError, MathError, ProgramError, VariableError
from chainrule.model import (
    Assignment,
    Constant,
    Graph,
    Note,
    Program,
    Term,
    TypedAdd,
    TypedMul,
)
from chainrule.read.program import parse
from chainrule.render.printers import name_unicode, to_unicode
from tests.helpers import (
    call,
    expression,
    num,
    numeric_value,
    op,
    points,
    program,
    real,
    sym,
    to_sympy,
)
from tests.strategies import oracle_terms

x = real("x")


def nodes(text: str, **kwargs: object) -> list[tuple[str, sympy.Expr]]:
    """Each node's name and definition, the definition as sympy evaluates it."""
    graph = decompose(parse(text), **kwargs)  # type: ignore[arg-type]
    return [(n.name, n.value) for n in graph.nodes]


def shown(text: str) -> list[str]:
    """Each node as a reader sees it: ``name = definition`` as typed."""
    graph = decompose(parse(text))
    return [f"{name_unicode(n.name)} = {to_unicode(n.definition)}" for n in graph.nodes]


def written_out(graph: Graph, *, typed: bool = False) -> sympy.Expr:
    """The output with every intermediate substituted back, in evaluation order: from sympy's
    evaluated forms, or from the typed ones (evaluated first: sympy's functions assume their
    arguments are in its canonical form, and π·π·x as typed is not)."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for node in graph.nodes:
        form = node.definition.doit() if typed else node.value
        values[node.symbol] = form.xreplace(values)
    return values[graph.symbols[graph.output]]


def test_every_function_application_and_compound_argument_is_named() -> None:
    u, v, w = real("u"), real("v"), real("w")
    assert nodes("sin(x**2)") == [("u", x**2), ("y", sympy.sin(u))]
    assert nodes("sqrt(1 + tan(3x)^2)") == [
        ("u", 3 * x),
        ("v", sympy.tan(u)),
        ("w", v**2 + 1),
        ("y", sympy.sqrt(w)),
    ]


def test_compound_base_and_exponent_of_a_power_are_named_in_an_expression() -> None:
    u, v = real("u"), real("v")
    assert nodes("(x+1)^(2y)") == [("u", x + 1), ("v", 2 * real("y")), ("f", u**v)]


# Each classic exercise of a chain-rule section shows at least one chain: the table of what a
# bare expression becomes, as a reader sees it.
DECOMPOSITIONS = [
    ("sin(x**2)", ["u = x²", "y = sin(u)"]),
    ("sqrt(1 + tan(3x)^2)", ["u = 3x", "v = tan(u)", "w = 1 + v²", "y = √w"]),
    ("(3x^2+1)^5", ["u = 3x² + 1", "y = u⁵"]),
    ("|x|^3", ["u = |x|", "y = u³"]),
    ("2x sin(3x)", ["u = 3x", "v = sin(u)", "y = 2x·v"]),
    # a reciprocal is a power of a node; a quotient's sides are nodes
    ("1/(x^2+1)", ["u = x² + 1", "y = 1/u"]),
    ("1/(x^2+1)^3", ["u = x² + 1", "y = 1/u³"]),
    ("3/(2x)", ["u = 2x", "y = 3/u"]),
    ("(x^2+1)/(x^2-1)", ["u = x² + 1", "v = x² − 1", "y = u/v"]),
    ("x/(x+1)", ["u = x + 1", "y = x/u"]),
    ("x^2/(x+1)", ["u = x + 1", "y = x²/u"]),
    ("sin(x)/x", ["u = sin(x)", "y = u/x"]),
    ("(x^2+1)/2", ["y = (x² + 1)/2"]),  # dividing by a constant is no quotient rule
    # e^(…) is exp(…)
    (r"\frac{1}{1+e^{-x}}", ["u = −x", "v = eᵘ", "w = 1 + v", "y = 1/w"]),
    ("x e^(x^2)", ["u = x²", "v = eᵘ", "y = x·v"]),
    ("e^x", ["y = eˣ"]),
    # u^v with the variable on both sides: logarithmic differentiation as the chain rule
    ("x^x", ["u = ln(x)", "v = x·u", "y = eᵛ"]),
    ("(x+1)^x", ["u = x + 1", "v = ln(u)", "w = x·v", "y = eʷ"]),
    ("sin(x)^cos(x)", ["u = sin(x)", "v = cos(x)", "w = ln(u)", "p = v·w", "y = eᵖ"]),
    ("x^y", ["f = xʸ"]),  # different variables: one node, two edges
    ("2^x", ["y = 2ˣ"]),
    # what sympy would rewrite stays as typed
    ("x - x", ["y = x − x"]),
    ("(x^2)^3", ["u = x²", "y = u³"]),
    ("x*x + 1", ["y = x·x + 1"]),
]


@pytest.mark.parametrize(("text", "expected"), DECOMPOSITIONS, ids=[d[0] for d in DECOMPOSITIONS])
def test_what_a_bare_expression_becomes(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


PROGRAMS = [
    ("a1 = w1*x + b1; L = a1^2", ["a₁ = w₁·x + b₁", "L = a₁²"]),
    ("h = w*x; z = w*h", ["h = w·x", "z = w·h"]),
    ("z = 1 + x; L = (z - y)^2/2", ["z = 1 + x", "L = (z − y)²/2"]),
    # a program keeps its granularity: no quotient sides, no logarithmic differentiation ...
    ("q = (x^2+1)/(x^2-1)", ["q = (x² + 1)/(x² − 1)"]),
    ("p = x^x", ["p = xˣ"]),
    # ... but e^(…) is exp(…) there too, a node with its compound argument named
    ("p = 1/(1 + e^(-a))", ["u = −a", "v = eᵘ", "p = 1/(1 + v)"]),
]


@pytest.mark.parametrize(("text", "expected"), PROGRAMS, ids=[d[0] for d in PROGRAMS])
def test_what_a_program_becomes(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


def test_definitions_keep_the_order_typed_beside_the_evaluated_form() -> None:
    graph = decompose(parse("a1 = w1*x + b1; z = w*a1"))
    a1, z = graph.nodes
    assert isinstance(a1.definition, TypedAdd) and a1.definition.args[1] == real("b1")
    assert a1.value == real("w1") * x + real("b1") and a1.evaluated == a1.value
    assert isinstance(z.definition, TypedMul) and z.definition.args == (real("w"), real("a1"))
    sine = decompose(parse("sin(x)")).nodes[0]
    assert sine.evaluated is None and sine.value is sine.definition  # nothing to keep twice


def test_a_power_derived_by_logarithms_remembers_how_it_was_typed() -> None:
    graph = decompose(parse("(x+1)^x"))
    *_, y = graph.nodes
    assert y.definition == sympy.exp(real("w"))
    assert y.written is not None and to_unicode(y.written) == "uˣ"
    assert [n.written for n in graph.nodes[:-1]] == [None, None, None]


def test_a_subexpression_typed_twice_in_either_order_is_one_node() -> None:
    assert shown("sin(x+1) + cos(1+x)") == ["u = x + 1", "v = sin(u)", "w = cos(u)", "y = v + w"]
    # ... but two that only evaluate alike stay apart: x − x and y − y still depend on x and y
    assert shown("sin(x-x) + sin(y-y)")[:3] == ["u = x − x", "v = sin(u)", "w = y − y"]
    assert decompose(parse("sin(x-x) + sin(y-y)")).input_names == ("x", "y")


def test_zero_to_a_symbolic_power_is_zero_with_a_note() -> None:
    graph = decompose(parse("0^x + 0^(2x)"))
    assert graph.notes == (Note("zero_power"),)  # once, however often
    assert graph.nodes[-1].value == 0 and graph.input_names == ("x",)
    assert to_unicode(graph.nodes[-1].definition) == "0ˣ + 0ᵘ"  # u = 2x
    assert decompose(parse("0^2 + x")).notes == ()


def test_a_program_line_is_one_node_and_only_call_arguments_are_named() -> None:
    graph = decompose(parse("h = sigmoid(W1*x + b1); L = (h - t)^2/2"))
    u, h, t = real("u"), real("h"), real("t")
    assert [(n.name, n.value, n.named_by_user) for n in graph.nodes] == [
        ("u", real("W1") * x + real("b1"), False),
        ("h", sigmoid(u), True),
        ("L", (h - t) ** 2 / 2, True),  # the power's base is not named in a program
    ]
    assert graph.output == "L"
    assert graph.input_names == ("W1", "b1", "t", "x")  # sorted by name
    assert [n.parents for n in graph.nodes] == [("W1", "x", "b1"), ("u",), ("h", "t")]  # as typed
    assert set(graph.symbols) == {"W1", "b1", "t", "x", "u", "h", "L"}


def test_shared_subexpression_is_one_node() -> None:
    x = sym("x")
    s = op("add", op("pow", call("sin", x), num(2)), call("sin", call("sin", x)))
    graph = decompose(expression(s))
    sins = [n for n in graph.nodes if n.value == sympy.sin(real("x"))]
    assert len(sins) == 1


def test_generated_names_never_collide_with_user_symbols() -> None:
    t = call("sin", op("mul", sym("u"), sym("v"), sym("y")))
    graph = decompose(expression(t))
    names = [n.name for n in graph.nodes]
    assert not set(names) & {"u", "v", "y"}
    assert len(set(names)) == len(names)


def test_generated_names_and_the_output_name_skip_what_is_taken() -> None:
    assert [name for name, _ in nodes("u*sin(v*x)")] == ["w", "p", "y"]
    assert [name for name, _ in nodes("y*sin(x)")] == ["u", "f"]  # y is a variable: f
    assert [name for name, _ in nodes("f(y) + g(x)")][-1] == "L"  # f and g are functions


def test_generated_names_share_no_stem_with_the_users() -> None:
    residual = "h1 = sigmoid(w1*x); h2 = h1 + sigmoid(w2*h1); L = (h2 - y)^2"
    assert [n.name for n in decompose(parse(residual)).nodes] == ["u", "h1", "v", "p", "h2", "L"]
    softmax = "s = exp(z1) + exp(z2); p1 = exp(z1)/s; L = -ln(p1)"
    assert [n.name for n in decompose(parse(softmax)).nodes] == ["u", "v", "s", "p1", "w", "L"]
    assert [name for name, _ in nodes("sin(y1*x)")] == ["u", "f"]  # no y beside y₁


def test_more_intermediates_than_short_names_are_numbered() -> None:
    short = nodes("sin(cos(tan(exp(log(sqrt(sinh(cosh(tanh(x)))))))))")
    assert [name for name, _ in short] == ["u", "v", "w", "p", "q", "r", "s", "t", "y"]
    many = nodes("+".join(f"sin({i}x)" for i in range(2, 12)))
    names = [name for name, _ in many]
    assert names[:-1] == [f"u{i}" for i in range(1, 21)] and names[-1] == "y"
    assert [name for name, _ in nodes("sin(1x)")] == ["y"]  # 1·x is x: no node for it


def test_of_picks_the_output_and_drops_what_it_does_not_need() -> None:
    a = real("a")
    assert nodes("a = x^2; b = sin(a); c = a + 1") == [("a", x**2), ("c", a + 1)]
    assert shown("a = x^2; b = sin(a); c = a + 1") == ["a = x²", "c = a + 1"]
    assert nodes("a = x^2; b = sin(a); c = a + 1", of="a") == [("a", x**2)]
    assert nodes("a = x^2; b = sin(a); c = a + 1", of="b")[-1] == ("b", sympy.sin(a))


def test_of_errors() -> None:
    with pytest.raises(VariableError) as bare:
        decompose(parse("sin(x)"), of="y")
    assert bare.value.message == "a single expression has no named output to choose"
    assert bare.value.option == "of"
    with pytest.raises(VariableError) as unknown:
        decompose(parse("a = x; b = a"), of="q")
    assert unknown.value.message == (
        "no assignment named 'q' to use as the output; the program defines a, b"
    )


def _program(source: str, *lines: tuple[str, Term, int, int]) -> Program:
    """A program as a reader might hand it over: (name, value, column, line) per assignment."""
    return Program(source, tuple(Assignment(n, t, column=c, line=i) for n, t, c, i in lines))


# The reader gives each reassignment a version of its own (c = c + 1); a program built by other
# means still gets decompose's own errors.
@pytest.mark.parametrize(
    ("prog", "message", "column", "source"),
    [
        (_program("a = 1; a = 2", ("a", num(1), 1, 1), ("a", num(2), 8, 1)),
         "'a' is defined twice (column 1 and column 8)", 8, "a = 1; a = 2"),
        (_program("a = 1\na = 2", ("a", num(1), 1, 1), ("a", num(2), 1, 2)),
         "'a' is defined twice (line 1 and line 2)", 1, "a = 2"),
        (_program("a = b + 1; b = 2", ("a", op("add", Term("symbol", text="b", column=5), num(1)),
                                         1, 1), ("b", num(2), 12, 1)),
         "'b' is used at column 5 before it is defined (column 12)", 5, "a = b + 1; b = 2"),
        (_program("a = b + 1\nb = 2", ("a", op("add", Term("symbol", text="b", column=5), num(1)),
                                          1, 1), ("b", num(2), 1, 2)),
         "'b' is used on line 1 before it is defined (line 2)", 5, "a = b + 1"),
        (_program("a = a + 1", ("a", op("add", Term("symbol", text="a", column=5), num(1)), 1, 1)),
         "'a' is used at column 5 before it is defined (its own definition)", 5, "a = a + 1"),
    ],
)  # fmt: skip
def test_program_errors_name_the_place(
    prog: Program, message: str, column: int, source: str
) -> None:
    with pytest.raises(ProgramError) as caught:
        decompose(prog)
    assert (caught.value.message, caught.value.column, caught.value.source) == (
        message,
        column,
        source,
    )


def test_programs_built_by_hand_that_the_parser_never_makes() -> None:
    with pytest.raises(ProgramError, match="the program has no assignment"):
        decompose(Program("", ()))
    mixed = program([("a", sym("x"))])
    mixed = Program("a = x; x", (*mixed.assignments, *expression(sym("x")).assignments))
    with pytest.raises(ProgramError, match="expected 'name = expression'"):
        decompose(mixed)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("x/0", "the expression is undefined: it divides by zero (or is 0/0, ∞ − ∞, …)", 1),
        ("max(0, 0/0)", "the expression is undefined: it divides by zero (or is 0/0, ∞ − ∞, …)", 8),
        ("x + gamma(-1)", "the expression is undefined: it divides by zero (or is 0/0, ∞ − ∞, …)",
         5),
        ("max(1, sqrt(-1))", "cannot build this expression: The argument 'I' is not comparable.",
         1),
    ],
)  # fmt: skip
def test_undefined_constants_are_a_math_error(text: str, message: str, column: int) -> None:
    with pytest.raises(MathError) as caught:
        decompose(parse(text))
    assert (caught.value.message, caught.value.column) == (message, column)
    assert "\n" not in caught.value.message


def test_enormous_constants_stay_unevaluated() -> None:
    # Held as opaque atoms showing what was typed (``calculus.constants``).
    ((_, tower),) = nodes("2**2**2**99")
    assert isinstance(tower, Constant)
    assert isinstance(tower.shown, sympy.Pow) and tower.shown.base == 2
    ((_, factorial),) = nodes("factorial(2000)")
    assert isinstance(factorial, Constant)
    assert isinstance(factorial.shown, sympy.factorial) and factorial.shown.args == (2000,)
    ((_, small),) = nodes("2**10 + factorial(5)")
    assert small == 1024 + 120


def test_deep_inline_arithmetic_gets_a_name() -> None:
    term = sym("x")
    for i in range(3 * MAX_INLINE_DEPTH):
        term = op("add", sym(f"a{i}"), op("mul", sym(f"b{i}"), term))
    graph = decompose(program([("y", term)]))
    assert len(graph.nodes) > 2
    for node in graph.nodes:
        depth, stack = 0, [(node.definition, 1)]
        while stack:
            expr, d = stack.pop()
            depth = max(depth, d)
            stack.extend((arg, d + 1) for arg in expr.args)
        assert depth <= 2 * MAX_INLINE_DEPTH + 2, node.name  # a Mul and an Add per level
    assert sympy.expand(written_out(graph) - to_sympy(term)) == 0


def test_too_many_intermediates_is_a_limit_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decompose_module, "MAX_NODES", 5)
    assert len(decompose(parse("sin(cos(tan(exp(sinh(x)))))")).nodes) == 5
    with pytest.raises(LimitError, match="more than 5 intermediates"):
        decompose(parse("sin(cos(tan(exp(sinh(cosh(x))))))"))


def test_real_and_complex_symbols() -> None:
    assert decompose(parse("abs(x)")).inputs[0].is_real
    complex_graph = decompose(parse("abs(x)"), real=False)
    assert complex_graph.inputs[0].is_real is None
    assert complex_graph.nodes[-1].definition == sympy.Abs(sympy.Symbol("x"))


def test_abstract_functions_are_nodes_too() -> None:
    u = real("u")
    g = sympy.Function("g", real=True)
    f = sympy.Function("f", real=True)
    assert nodes("f(g(x))") == [("u", g(x)), ("y", f(u))]


def test_a_thousand_fold_composition_has_shallow_nodes() -> None:
    term = sym("x")
    for _ in range(1000):
        term = call("sin", term)
    graph = decompose(expression(term))
    assert len(graph.nodes) == 1000
    assert all(len(n.parents) == 1 and n.definition.func == sympy.sin for n in graph.nodes)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_terms(5))
def test_the_graph_means_what_the_terms_mean(term: object) -> None:
    meaning = to_sympy(term)  # type: ignore[arg-type]
    try:
        graph = decompose(expression(term))  # type: ignore[arg-type]
    except MathError:
        return  # undefined constants: test_engine checks sympy agrees
    if any(note.code == "zero_power" for note in graph.notes):
        return  # 0^u read as 0 (u > 0) on purpose, with a note: tested on its own
    for rebuilt in (written_out(graph), written_out(graph, typed=True)):
        # A huge constant is an opaque atom: it means what it shows (``calculus.constants``).
        rebuilt = rebuilt.xreplace({c: c.shown for c in rebuilt.atoms(Constant)})
        compared = 0
        for point in points(graph.inputs, 3):
            expected = numeric_value(meaning, point, allow_complex=True)
            got = numeric_value(rebuilt, point, allow_complex=True)
            if expected is None or got is None:
                assert (expected is None) == (got is None) or meaning.has(sympy.zoo, sympy.nan)
                continue
            assert abs(got - expected) <= 1e-9 * max(1.0, abs(expected)), (meaning, rebuilt)
            compared += 1
        if not compared and not meaning.has(sympy.zoo, sympy.nan):
            assert rebuilt == meaning or sympy.simplify(rebuilt - meaning) == 0


def test_a_product_typed_with_a_repeated_constant_means_what_it_says() -> None:
    # Found by a fresh draw: −(−(−sin(x·π·π))) rebuilt by xreplace from the typed π·π·x gave
    # −sin(πx), sympy's sin reading the unevaluated product wrongly.  The typed forms are
    # for reading; the maths (and this oracle) uses the evaluated ones.
    term = op("neg", op("neg", op("neg", call("sin", op("mul", sym("x"), *[Term("constant",
              text="pi")] * 2)))))  # fmt: skip
    graph = decompose(expression(term))
    xs = real("x")
    assert written_out(graph) == -sympy.sin(sympy.pi**2 * xs)
    assert written_out(graph, typed=True) == -sympy.sin(sympy.pi**2 * xs)
    assert to_unicode(graph.nodes[0].definition) == "π·π·x"  # constants first


def test_assignments_the_output_does_not_use_are_kept_aside() -> None:
    graph = decompose(
        parse("e1 = exp(z1); e2 = exp(z2); s = e1 + e2; p1 = e1/s; p2 = e2/s; L = -ln(p1)")
    )
    assert "p2" not in [n.name for n in graph.nodes]
    (p2,) = graph.aside
    assert (p2.name, p2.value, p2.named_by_user) == ("p2", real("e2") / real("s"), True)
    # Not one that holds an input the output never uses (t), nor a name chainrule generates
    # (the sum inside sigmoid), nor one that is an output's ancestor.
    graph = decompose(parse("a = x + 1; b = a*t; c = sigmoid(a + x); L = a^2"))
    assert graph.aside == ()
