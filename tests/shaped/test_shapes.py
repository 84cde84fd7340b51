"""Reading shapes: ``3x2``, ``n×m``, a bare size as a column vector, ``--shape`` pairs and
``W1: 3x2`` declarations in a program; lists in a point."""

from __future__ import annotations

import pytest

from chainrule.errors import ParseError
from chainrule.model import Shape
from chainrule.read.arrays import read_array_points
from chainrule.read.shapes import is_shaped, read_shape, read_shape_specs, split_declarations


@pytest.mark.parametrize(
    ("text", "shape"),
    [("3x2", Shape(3, 2)), ("3×2", Shape(3, 2)), ("n×m", Shape("n", "m")), ("2", Shape(2, 1)),
     ("m", Shape("m", 1)), (" k x 1 ", Shape("k", 1)), ("nxm", Shape("n", "m")),
     ("n0xn1", Shape("n0", "n1")), ("x", Shape("x", 1))],
)  # fmt: skip
def test_read_shape(text: str, shape: Shape) -> None:
    assert read_shape(text) == shape


@pytest.mark.parametrize("text", ["", "0x2", "3x", "3x2x1", "__import__('os')", "-2"])
def test_not_a_shape(text: str) -> None:
    with pytest.raises(ParseError, match="is not a shape"):
        read_shape(text)


def test_specs_and_declarations() -> None:
    assert read_shape_specs(["W1=3x2", "x=2; b=n"]) == {
        "W1": Shape(3, 2), "x": Shape(2, 1), "b": Shape("n", 1)}  # fmt: skip
    with pytest.raises(ParseError, match="two shapes"):
        read_shape_specs(["x=2", "x=3"])
    text, shapes = split_declarations("W1: 3x2; x: 2  # the input\na = W1*x")
    assert shapes == {"W1": Shape(3, 2), "x": Shape(2, 1)}
    assert text.split("\n")[1] == "a = W1*x"
    assert len(text.split("\n")[0]) == len("W1: 3x2; x: 2  # the input")


def test_scalar_text_is_not_shaped() -> None:
    assert not is_shaped("a = W1*x + b1; L = a^2")
    assert not is_shaped("sin(x**2)", at=["x=1.5"])
    assert is_shaped("L = sum(x)", at="x=[1,2]")
    assert is_shaped("x: 2\nL = sum(x)")
    assert is_shaped("L = sum(x)", shapes=["x=2"])


def test_array_points() -> None:
    point = read_array_points("W=[[1,2],[3,4]]; x=[1, -2]")
    assert [len(point["W"]), len(point["x"])] == [2, 2]  # type: ignore[arg-type]
    for bad in ("W=[[1,2],[3]]", "x=[]", "x=[1,[2]]", "x=[y]", "x=[1,2"):
        with pytest.raises(ParseError):
            read_array_points(bad)


def test_attacks() -> None:
    # Blanks inside a would-be declaration or pair: linear, not quadratic, in their number.
    blanks = " " * 100_000
    assert split_declarations(f"a: x{blanks}y")[1] == {}
    with pytest.raises(ParseError, match="is not a shape"):
        read_shape_specs([f"a=x{blanks}y"])
    # Lists nested past a matrix are refused before anything recurses over them.
    with pytest.raises(ParseError, match="deeper than a matrix"):
        read_array_points("x=" + "[" * 5000 + "1" + "]" * 5000)
    with pytest.raises(ParseError, match="deeper than a matrix"):
        read_array_points("x=[[[1]]]")


def test_the_parser_carries_declared_shapes() -> None:
    from chainrule.read.program import parse

    program = parse("W1: n×m; x: m\nL = sum(W1 @ x)", functions=["sum"], shaped=True)
    assert dict(program.shapes) == {"W1": Shape("n", "m"), "x": Shape("m", 1)}
    assert program.source.startswith("W1: n×m") and len(program.assignments) == 1
    assert parse("a = W1*x").shapes == ()
