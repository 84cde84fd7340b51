"""The library's front door (``api``): ``derive`` from text to a checked Derivation, and
``resolve_wrt``, which turns what was asked for into the variables to differentiate by."""

from __future__ import annotations

import pytest
import sympy

from chainrule.api import derive, resolve_wrt
from chainrule.calculus.decompose import decompose
from chainrule.errors import ParseError, VariableError
from chainrule.model import Graph
from chainrule.read.program import parse
from tests.helpers import real


def graph(text: str) -> Graph:
    return decompose(parse(text))


@pytest.mark.parametrize(
    ("text", "wrt", "resolved"),
    [
        ("sin(x)", None, ("x",)),
        ("sin(x)", [], ("x",)),
        ("x*y + z", "y", ("y",)),
        ("x*y + z", ["z", "x"], ("z", "x")),  # in the order given
        ("x*y + z", ["x", "x", "y", "x"], ("x", "y")),  # without repeats
        ("x*y + z", "all", ("x", "y", "z")),  # inputs sorted by name
        ("z*y + x", ["all"], ("x", "y", "z")),
        ("x*y + z", ["y", "all"], ("y", "x", "z")),
        ("a = W*x; h = sin(a)", ["h", "W"], ("h", "W")),  # an intermediate may be asked for
        ("x*y", ["q"], ("q",)),  # unknown names are the engine's to refuse
        ("2^3", None, ("x",)),  # a constant: derivative by a free name
        ("x = 2^3", None, ("t",)),  # ... which is never a node's name
    ],
)
def test_resolve_wrt(text: str, wrt: object, resolved: tuple[str, ...]) -> None:
    assert resolve_wrt(graph(text), wrt) == resolved  # type: ignore[arg-type]


@pytest.mark.parametrize("wrt", [None, [], ()])
def test_several_variables_and_none_chosen_is_an_error(wrt: object) -> None:
    with pytest.raises(VariableError) as caught:
        resolve_wrt(graph("x*y + sin(z)"), wrt)  # type: ignore[arg-type]
    err = caught.value
    assert err.message == "several variables (x, y, z): say which to differentiate by"
    assert (err.option, err.value) == ("wrt", None)
    assert err.source == "x*y + sin(z)"
    assert "--" not in err.message  # the library names no command-line flag


def test_derive_is_checked_and_equals_sympy() -> None:
    d = derive("exp(sin(x**2))")
    x = real("x")
    assert d.verified == "numeric"
    assert d.chain_rules[0].result == sympy.diff(sympy.exp(sympy.sin(x**2)), x)
    assert derive("exp(sin(x**2))", check=False).verified == "unchecked"


def test_derive_passes_its_options_on() -> None:
    program = "a = W1*x + b1; h = sigmoid(a); L = (h - y)^2"
    assert derive(program, "all", of="h").output == "h"
    assert derive(program, "all", of="h").wrt == ("W1", "b1", "x")
    assert derive(r"\sin{x}").chain_rules[0].result == sympy.cos(real("x"))
    with pytest.raises(ParseError):
        derive(r"\sin{x}", syntax="math")
    h = sympy.Function("h", real=True)
    assert derive("h(x)", functions=["h"]).expression == h(real("x"))
    # the expression is kept as typed (h·x, unevaluated); doit() gives sympy's form
    assert derive("h(x)", "all").expression.doit() == real("h") * real("x")
    x = sympy.Symbol("x")
    assert derive("abs(x)", real=False).chain_rules[0].result == sympy.diff(sympy.Abs(x), x)
    assert derive("abs(x)").chain_rules[0].result == sympy.sign(real("x"))


def test_derive_refuses_ambiguity_like_resolve_wrt() -> None:
    with pytest.raises(VariableError, match="several variables"):
        derive("x*y")
    # A name that does not occur is no error: its derivative is 0, with a note.
    d = derive("x*y", "q")
    assert [c.result for c in d.chain_rules] == [0]
    assert [n.code for n in d.notes] == ["absent_variable"]


def test_simplify_is_exported_lazily_and_adds_the_simplified_form() -> None:
    import chainrule
    from chainrule import api

    assert chainrule.simplify is api.simplify and "simplify" in chainrule.__all__
    d = chainrule.simplify(chainrule.derive("sin(x)*cos(x)"))
    x = real("x")
    assert d.chain_rules[0].simplified == sympy.cos(2 * x)
    assert d.verified == "numeric"


def test_variables_and_outputs_are_named_as_typed() -> None:
    hat = derive("h = sigmoid(w*x); L = (h - ŷ)^2", "ŷ")
    assert hat.wrt == ("y__hat",)
    assert derive("sin(θ)", "θ").wrt == ("theta",)
    program = "c = x^2; c = c + 1; d = 2*c"
    assert derive(program, of="c").output == "c__1"  # the last version, as code would have it
    assert derive(program, of="c′").output == "c__1"
    assert derive(program, of="c").chain_rules[0].result == 2 * sympy.Symbol("x", real=True)


def test_several_variables_are_listed_as_typed() -> None:
    with pytest.raises(VariableError, match=r"several variables \(theta, ŷ\)"):
        derive("θ*ŷ")
