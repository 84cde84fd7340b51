"""Depth without limits, end to end: text in through the parser, every output format out."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chainrule.cli import main

FORMATS = ["text", "latex", "json", "markdown"]


def sin_chain(n: int) -> str:
    return "sin(" * n + "x" + ")" * n


def sigmoid_chain(n: int) -> str:
    lines = ["h1 = sigmoid(w1*x)"]
    lines += [f"h{i} = sigmoid(w{i}*h{i - 1})" for i in range(2, n + 1)]
    lines.append(f"L = (h{n} - y)^2/2")
    return "\n".join(lines)


def _derive(text: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["derive", text, "--timeout", "60", *args])
    assert result.exit_code == 0, result.output[-2000:]
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_thousand_layer_sigmoid_chain_every_gradient(fmt: str) -> None:
    out = _derive(sigmoid_chain(1000), "--wrt", "all", "--format", fmt)
    half = _derive(sigmoid_chain(500), "--wrt", "all", "--format", fmt)
    # Twice the depth, about twice the output: never the quadratic written-out gradients.
    assert len(out) < 2.3 * len(half)
    if fmt == "json":
        record = json.loads(out)
        assert len(record["derivatives"]) == 1002
        w1 = next(d for d in record["derivatives"] if d["wrt"] == "w1")
        assert w1["result"] is None and w1["result_size"] > 10**5
        # 2000 intermediates below L (h and the generated w·h nodes), 1002 inputs
        assert len(record["adjoints"]) == 2000 + 1002


@pytest.mark.parametrize("fmt", FORMATS)
def test_thousand_fold_sin(fmt: str) -> None:
    out = _derive(sin_chain(1000), "--format", fmt)
    assert len(out) < 2.3 * len(_derive(sin_chain(500), "--format", fmt))
    if fmt == "json":
        assert len(json.loads(out)["intermediates"]) == 1000


def test_a_result_within_the_size_limit_is_given_however_deep() -> None:
    # sin⁹⁵(x)'s derivative: 4,656 nodes, 96 levels (once withheld past depth 60).
    record = json.loads(_derive(sin_chain(95), "--json"))
    derivative = record["derivatives"][0]
    assert derivative["result_size"] == 4656
    assert derivative["result"].startswith("cos(x)*cos(sin(x))*")
    assert derivative["result"].count("cos(") == 95


@pytest.mark.parametrize("fmt", ["json", "latex"])
def test_a_thin_deep_expression_is_printed_in_every_format(fmt: str) -> None:
    # sin(x + sin(x + …)): 1,652 nodes and 1,101 levels, printed by sympy's recursive
    # printers inside the worker's recursion limit.
    n = 550
    text = "sin(" + "x + sin(" * n + "x" + ")" * (n + 1)
    out = _derive(text, "--format", fmt)
    if fmt == "json":
        record = json.loads(out)
        assert record["expression_size"] == 1652
        assert record["expression"].count("sin(") == n + 1
    else:
        assert out.count(r"\sin") >= n
