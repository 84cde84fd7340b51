"""The base renderer: dispatch on the step's class, settings, one derivation or several, and
the steps × renderers test that fails until every renderer handles every step type."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import subprocess
import sys
from typing import Any, ClassVar

import pytest
import sympy

import chainrule.render
from chainrule.check.gradcheck import gradcheck
from chainrule.model import (
    Adjoint,
    ChainRule,
    Decomposition,
    Derivation,
    GradCheck,
    LocalDerivative,
    Mistake,
    Step,
    Values,
    Verdict,
)
from chainrule.render import FORMATS, render
from chainrule.render.base import Renderer
from chainrule.render.json import render_json
from chainrule.render.latex import LatexRenderer, render_latex
from chainrule.render.markdown import MarkdownRenderer, render_markdown
from chainrule.render.text import TextRenderer, render_text
from tests.render.samples import deep_chain, example, rich_text, shallow_stack

# --- every step type in every format ------------------------------------------------------------


def _subclasses(cls: type) -> list[type]:
    """Every subclass defined in chainrule (not in a test), depth first, by name."""
    found, stack = set(), list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        stack.extend(sub.__subclasses__())
        if sub.__module__.startswith("chainrule."):
            found.add(sub)
    return sorted(found, key=lambda c: c.__name__)


def _renderer_classes() -> list[type[Renderer[Any, Any]]]:
    for module in pkgutil.iter_modules(chainrule.render.__path__, "chainrule.render."):
        importlib.import_module(module.name)
    return _subclasses(Renderer)


def _samples(d: Derivation) -> dict[type[Step], Step]:
    """One instance of each step type.  A new step type fails the test below until it has one."""
    return {
        Decomposition: d.steps[0],
        LocalDerivative: d.local_derivatives[0],
        Adjoint: d.adjoints[1],
        ChainRule: d.chain_rules[0],
        Values: example("program_W1_at").steps[-1],
        Verdict: Verdict("W1", "x", sympy.Symbol("x"), False, "numeric", (Mistake("sign"),)),
        GradCheck: gradcheck(d, [dict.fromkeys(d.graph.input_names, sympy.Rational(1, 2))]),
    }


@pytest.fixture(scope="module")
def network() -> Derivation:
    # Several variables: every section is shown, the reverse pass included.
    return example("program_all")


def _shown(renderer: Renderer[Any, Any], d: Derivation) -> str:
    out = renderer.render(d)
    return out if isinstance(out, str) else rich_text(out, width=80)


@pytest.mark.parametrize("renderer", _renderer_classes(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("step_class", _subclasses(Step), ids=lambda c: c.__name__)
def test_every_renderer_shows_every_step_type(
    step_class: type[Step], renderer: type[Renderer[Any, Any]], network: Derivation
) -> None:
    samples = _samples(network)
    assert step_class in samples, f"add a sample {step_class.__name__} to _samples"
    without = dataclasses.replace(network, steps=())
    with_step = dataclasses.replace(network, steps=(samples[step_class],))
    assert _shown(renderer(), with_step) != _shown(renderer(), without)


def test_the_renderers_are_the_formats_and_the_terminal() -> None:
    names = {c.__name__ for c in _renderer_classes()}
    assert names == {
        "TextRenderer",
        "LatexRenderer",
        "JsonRenderer",
        "MarkdownRenderer",
        "RichRenderer",
    }


@dataclasses.dataclass(frozen=True)
class Unknown(Step):
    """A step type no renderer knows."""

    title: ClassVar[str] = "Unknown"


@pytest.mark.parametrize("renderer", _renderer_classes(), ids=lambda c: c.__name__)
def test_a_step_without_a_method_is_not_implemented(renderer: type[Renderer[Any, Any]]) -> None:
    d = dataclasses.replace(example("sin_x2"), steps=(Unknown(),))
    message = f"{renderer.__name__} cannot render a Unknown step: it has no _render_Unknown"
    with pytest.raises(NotImplementedError, match=message):
        renderer().render(d)


@dataclasses.dataclass(frozen=True)
class NamedChainRule(ChainRule):
    """A refinement of a known step type: renderers fall back to the parent's method."""


def test_dispatch_walks_the_class_hierarchy() -> None:
    d = example("sin_x2")
    rule = d.chain_rules[0]
    refined = NamedChainRule(**{f.name: getattr(rule, f.name) for f in dataclasses.fields(rule)})
    same = dataclasses.replace(d, steps=(*d.steps[:-1], refined))
    assert render_text(same) == render_text(d)
    assert render_json(same) == render_json(d)


# --- settings ----------------------------------------------------------------------------------


def test_settings_are_validated() -> None:
    assert LatexRenderer(standalone=True).render(example("sin_x2")).startswith("\\documentclass")
    with pytest.raises(ValueError, match=r"^LatexRenderer takes no setting 'colour' "):
        LatexRenderer(colour=True)
    with pytest.raises(ValueError, match=r"\(it takes standalone\)$"):
        LatexRenderer(colour=True)
    with pytest.raises(ValueError, match=r"^TextRenderer takes no setting 'standalone' \(it "):
        TextRenderer(standalone=True)
    with pytest.raises(ValueError, match="MarkdownRenderer takes no setting 'standalone'"):
        MarkdownRenderer(standalone=True)


def test_render_dispatch_and_options() -> None:
    d = example("sin_x2")
    assert FORMATS == ("text", "latex", "json", "markdown")
    assert render(d, "text") == render_text(d)
    assert render(d, "latex", standalone=True).startswith("\\documentclass{article}")
    assert render(d, "json", standalone=False) == render_json(d)  # the CLI passes it to all
    with pytest.raises(ValueError, match="unknown format"):
        render(d, "html")
    with pytest.raises(ValueError, match="unknown render option"):
        render(d, "text", colour=True)


def test_renderers_do_not_import_rich_or_click() -> None:
    code = (
        "import sys, chainrule.render as r\n"
        "import chainrule.render.text, chainrule.render.latex, chainrule.render.json\n"
        "import chainrule.render.markdown, chainrule.render.printers, chainrule.render.equations\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'click')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- sections, and one derivation or several ----------------------------------------------------


def test_backpropagation_shown_for_several_variables() -> None:
    out = render_text(example("program_all"))
    assert "\nBackpropagation\n" in out
    assert "∂L/∂h = ∂L/∂z · ∂z/∂h    (reuses ∂L/∂z)" in out
    assert "Backpropagation" not in render_text(example("program_W1"))


def test_sections_take_their_titles_from_the_step_classes() -> None:
    d = example("program_all")
    titles = [title for title, _ in TextRenderer().sections(d)]
    assert titles == [Decomposition.title, LocalDerivative.title, Adjoint.title, ChainRule.title]


def test_several_derivations_render_one_after_another() -> None:
    ds = [example("sin_x2"), example("x_sin_x")]
    assert render_text(ds) == render_text(ds[0]) + "\n" + render_text(ds[1])
    assert render_latex(ds).count("\\begin{align*}") == 2
    assert render_markdown(ds).count("\n## ") == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_deep_derivation_renders_without_recursion_and_linearly(deep: Derivation, fmt: str) -> None:
    out: str = shallow_stack(lambda: render(deep, fmt))
    smaller: str = render(deep_chain(300), fmt)
    # 3.3 times the depth, at most about 3.3 times the output (never quadratic).
    assert len(out) < 4 * len(smaller)
