"""``chainrule gradcheck`` with shapes: every gradient entry against central differences at
seeded random sizes and values (or at --at), reported per point; exit 1 when one disagrees
(an injected bug in tanh's backward rule)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chainrule.api import derive_shaped
from chainrule.calculus.shaped import algebra as alg
from chainrule.calculus.shaped import rules
from chainrule.cli import main

PROGRAM = "h = tanh(W @ x); L = sum(h^2)"
SHAPES = ["--shape", "W=n×m", "--shape", "x=m"]


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["gradcheck", *args], catch_exceptions=False)


def test_every_gradient_agrees_at_random_sizes() -> None:
    result = _cli(PROGRAM, *SHAPES, "--wrt", "all", "--points", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Gradient check, every entry against central differences, at 2 random")
    assert out.count("agrees") == 4 and "point 2: m = " in out
    assert out.endswith("All 4 gradients agree with their central differences.\n")
    again = _cli(PROGRAM, *SHAPES, "--wrt", "all", "--points", "2", "--seed", "3").stdout
    assert again == out  # the same seed, the same points


def test_at_a_point_and_json() -> None:
    result = _cli("L = dot(w, x)", "--wrt", "all", "--at", "w=[2,-1]; x=[1,2]", "--json")
    check = json.loads(result.stdout)["gradcheck"]
    assert check["agree"] and check["seed"] is None and len(check["entries"]) == 2
    assert {e["wrt"]: e["chain_rule"] for e in check["entries"]} == {"w": 2.0, "x": 2.0}


def test_a_wrong_rule_is_reported_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = dict(rules.DERIVATIVES, tanh=lambda a: alg.fn("tanh", a))  # tanh′ = tanh: wrong
    monkeypatch.setattr(rules, "DERIVATIVES", wrong)
    result = _cli(PROGRAM, *SHAPES, "--wrt", "W", "--debug")
    assert result.exit_code == 1, result.output
    assert "DISAGREES" in result.stdout and "∂L/∂W disagrees at point 1" in result.stdout
    d = derive_shaped(PROGRAM, "W", shapes=["W=n×m", "x=m"], check=False, points=1)
    assert d.gradcheck is not None and not d.gradcheck.agree


@pytest.mark.parametrize("fmt", ["--markdown", "--latex"])
def test_other_formats(fmt: str) -> None:
    result = _cli(PROGRAM, *SHAPES, "--wrt", "W", fmt)
    assert result.exit_code == 0
    assert "Gradient check" in result.stdout and "agrees" in result.stdout
