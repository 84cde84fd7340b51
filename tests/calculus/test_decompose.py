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
from chainrule.model import Graph, Program
from chainrule.read.program import parse
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
    graph = decompose(parse(text), **kwargs)  # type: ignore[arg-type]
    return [(n.name, n.definition) for n in graph.nodes]


def written_out(graph: Graph) -> sympy.Expr:
    """The output with every intermediate substituted back, in evaluation order."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for node in graph.nodes:
        values[node.symbol] = node.definition.xreplace(values)
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
    assert nodes("(x+1)^(2x)") == [("u", x + 1), ("v", 2 * x), ("y", u**v)]


def test_a_program_line_is_one_node_and_only_call_arguments_are_named() -> None:
    graph = decompose(parse("h = sigmoid(W1*x + b1); L = (h - t)^2/2"))
    u, h, t = real("u"), real("h"), real("t")
    assert [(n.name, n.definition, n.named_by_user) for n in graph.nodes] == [
        ("u", real("W1") * x + real("b1"), False),
        ("h", sigmoid(u), True),
        ("L", (h - t) ** 2 / 2, True),  # the power's base is not named in a program
    ]
    assert graph.output == "L"
    assert graph.input_names == ("W1", "b1", "t", "x")  # sorted by name
    assert [n.parents for n in graph.nodes] == [("W1", "b1", "x"), ("u",), ("h", "t")]
    assert set(graph.symbols) == {"W1", "b1", "t", "x", "u", "h", "L"}


def test_shared_subexpression_is_one_node() -> None:
    x = sym("x")
    s = op("add", op("pow", call("sin", x), num(2)), call("sin", call("sin", x)))
    graph = decompose(expression(s))
    sins = [n for n in graph.nodes if n.definition == sympy.sin(real("x"))]
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


def test_more_intermediates_than_short_names_are_numbered() -> None:
    short = nodes("sin(cos(tan(exp(log(sqrt(sinh(cosh(tanh(x)))))))))")
    assert [name for name, _ in short] == ["u", "v", "w", "p", "q", "r", "s", "t", "y"]
    many = nodes("+".join(f"sin({i}x)" for i in range(1, 11)))
    names = [name for name, _ in many]
    assert names[:-1] == [f"u{i}" for i in range(1, 20)] and names[-1] == "y"


def test_of_picks_the_output_and_drops_what_it_does_not_need() -> None:
    a = real("a")
    assert nodes("a = x^2; b = sin(a); c = a + 1") == [("a", x**2), ("c", a + 1)]
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


@pytest.mark.parametrize(
    ("text", "message", "column", "source"),
    [
        ("a = 1; a = 2", "'a' is defined twice (column 1 and column 8)", 8, "a = 1; a = 2"),
        ("a = 1\na = 2", "'a' is defined twice (line 1 and line 2)", 1, "a = 2"),
        ("a = b + 1; b = 2", "'b' is used at column 5 before it is defined (column 12)", 5,
         "a = b + 1; b = 2"),
        ("a = b + 1\nb = 2", "'b' is used on line 1 before it is defined (line 2)", 5, "a = b + 1"),
        ("a = a + 1", "'a' is used at column 5 before it is defined (its own definition)", 5,
         "a = a + 1"),
    ],
)  # fmt: skip
def test_program_errors_name_the_place(text: str, message: str, column: int, source: str) -> None:
    with pytest.raises(ProgramError) as caught:
        decompose(parse(text))
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
    ((_, tower),) = nodes("2**2**2**99")
    assert isinstance(tower, sympy.Pow) and tower.base == 2
    ((_, factorial),) = nodes("factorial(2000)")
    assert isinstance(factorial, sympy.factorial) and factorial.args == (2000,)
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
    rebuilt = written_out(graph)
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
