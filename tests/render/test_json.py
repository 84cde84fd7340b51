"""The JSON renderer: the schema-1 contract, JSON Lines, and strings sympy reads back."""

from __future__ import annotations

import dataclasses
import json

import sympy

from chainrule.model import Derivation
from chainrule.render.json import render_json, to_dict
from tests.render.samples import example

CONTRACT_KEYS = {"schema", "input", "expression", "intermediates", "output", "derivatives"}
DERIVATIVE_KEYS = {"wrt", "factors", "paths", "in_intermediates", "result", "result_size"}
NEW_KEYS = {"adjoints", "partial", "notes", "verified", "expression_size"}


def test_json_contract_for_sin_x2() -> None:
    data = json.loads(render_json(example("sin_x2")))
    assert CONTRACT_KEYS | NEW_KEYS <= set(data)
    assert {k: data[k] for k in CONTRACT_KEYS} == {
        "schema": 1,
        "input": "sin(x**2)",
        "expression": "sin(x**2)",
        "intermediates": [
            {"name": "u", "definition": "x**2"},
            {"name": "y", "definition": "sin(u)"},
        ],
        "output": "y",
        "derivatives": data["derivatives"],
    }
    (entry,) = data["derivatives"]
    assert DERIVATIVE_KEYS <= set(entry)
    assert entry["factors"] == [
        {"of": "y", "wrt": "u", "derivative": "cos(u)"},
        {"of": "u", "wrt": "x", "derivative": "2*x"},
    ]
    assert entry["paths"] == [{"nodes": ["y", "u", "x"], "product": "2*x*cos(u)"}]
    assert entry["in_intermediates"] == "2*x*cos(u)"
    assert entry["result"] == "2*x*cos(x**2)"
    assert "simplified" not in entry and "paths_omitted" not in entry
    assert data["adjoints"][1] == {
        "of": "y",
        "wrt": "x",
        "expression": "2*x*cos(u)",
        "recurrence": "2*x*dy_du",
        "expanded": True,
        "reuses": ["u"],
    }


def test_render_json_is_one_line_and_several_make_json_lines() -> None:
    d = example("x_sin_x")
    line = render_json(d)
    assert "\n" not in line and json.loads(line) == to_dict(d)
    lines = render_json([d, example("sin_x2")]).split("\n")
    assert [json.loads(one)["input"] for one in lines] == ["x*sin(x)", "sin(x**2)"]


def test_every_json_expression_parses_back() -> None:
    data = to_dict(example("program_all"))
    strings = [data["expression"]] + [i["definition"] for i in data["intermediates"]]
    for entry in data["derivatives"]:
        strings += [f["derivative"] for f in entry["factors"]]
        strings += [p["product"] for p in entry["paths"]]
        strings += [entry["in_intermediates"], entry["result"]]
    strings += [a[k] for a in data["adjoints"] for k in ("expression", "recurrence")]
    local = {"sigmoid": sympy.Function("sigmoid"), "Heaviside": sympy.Heaviside}
    for text in strings:
        sympy.parse_expr(text, local_dict=dict(local))


def test_json_simplified_and_omitted_result() -> None:
    d = example("sin_x2")
    rule = d.chain_rules[0]
    changed = dataclasses.replace(rule, result=None, simplified=sympy.Symbol("s"))
    d = dataclasses.replace(d, steps=(*d.steps[:-1], changed))
    (entry,) = to_dict(d)["derivatives"]
    assert entry["result"] is None and entry["result_size"] == rule.result_size
    assert entry["simplified"] == "s"


def test_deep_derivation_json(deep: Derivation) -> None:
    data = to_dict(deep)
    (entry,) = data["derivatives"]
    assert entry["paths"] == [] and entry["paths_omitted"] is True and entry["path_count"] == 1
    assert entry["result"] is None and entry["result_size"] == 502501
    assert data["expression"] is None and data["expression_size"] == 1001
    assert len(data["adjoints"]) == 1000


def test_json_names_read_back_and_say_what_they_were() -> None:
    from chainrule.api import derive

    d = derive("ŷ = sigmoid(λ*x); c = ŷ - y; c = c^2; beta = c/2", "all")
    data = to_dict(d)
    assert data["inputs"] == data["wrt"] == ["lamda", "x", "y"]
    assert [i["name"] for i in data["intermediates"]][-3:] == ["c", "c_v1", "beta_"]
    assert data["intermediates"][0]["definition"] == "lamda*x"
    assert data["renamed"] == {"lamda": "λ", "yhat": "ŷ", "c_v1": "c′", "beta_": "β"}
    # Every name an expression holds is one the JSON lists, each read back as a symbol.
    nodes = {i["name"] for i in data["intermediates"]}
    upstream = {f"d{a['of']}_d{a['wrt']}" for a in data["adjoints"]}
    texts = [a[k] for a in data["adjoints"] for k in ("expression", "recurrence")]
    for entry in data["derivatives"]:
        texts += [entry["result"], entry["in_intermediates"]]
        texts += [f["derivative"] for f in entry["factors"]]
    local = {"sigmoid": sympy.Function("sigmoid")}
    for text in texts:
        symbols = sympy.parse_expr(text, local_dict=dict(local)).free_symbols
        assert all(isinstance(s, sympy.Symbol) for s in symbols), text
        assert {s.name for s in symbols} <= set(data["inputs"]) | nodes | upstream, text
    assert all(
        a["of"] in nodes and a["wrt"] in nodes | set(data["inputs"]) for a in data["adjoints"]
    )


def test_json_without_renamed_names_has_no_renamed_key() -> None:
    assert "renamed" not in to_dict(example("sin_x2"))


def test_json_adds_cached_factors_forms_in_nodes_and_aside_lines() -> None:
    data = to_dict(example("softmax_ce"))
    factor = next(f for f in data["local_derivatives"] if (f["of"], f["wrt"]) == ("e1", "z1"))
    assert (factor["derivative"], factor["cached"]) == ("exp(z1)", "e1")
    assert "cached" not in data["local_derivatives"][0]  # ∂L/∂u = −1: nothing to name
    adjoints = {a["wrt"]: a for a in data["adjoints"]}
    assert (adjoints["z1"]["in_nodes"], adjoints["z2"]["in_nodes"]) == ("p1 - 1", "p2")
    assert "in_nodes" not in adjoints["u"]
    derivatives = {d["wrt"]: d for d in data["derivatives"]}
    assert derivatives["z2"]["in_nodes"] == "p2"
    assert data["aside"] == [{"name": "p2", "definition": "e2/s"}]
    for text in [a["in_nodes"] for a in adjoints.values() if "in_nodes" in a]:
        sympy.parse_expr(text)
    assert "aside" not in to_dict(example("program_all"))
