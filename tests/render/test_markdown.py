"""The Markdown renderer: user text escaped, LaTeX rows gathered into aligned blocks."""

from __future__ import annotations

from chainrule.model import Derivation
from chainrule.render.markdown import markdown_text, render_markdown
from tests.render.samples import example


def test_markdown_escapes_user_text(hostile: Derivation) -> None:
    out = render_markdown(hostile)
    heading = out.splitlines()[0]
    assert heading.startswith("## d/dx \\[bold\\]x\\[/bold\\] \\_\\* \\$x\\$ \\# \\[/\\]")


def test_markdown_text_escapes_every_special_character() -> None:
    assert markdown_text(r"a_b *c* `d` [e](f) <g> #h $i$ ~j \k") == (
        r"a\_b \*c\* \`d\` \[e\](f) \<g\> \#h \$i\$ \~j \\k"
    )


def test_local_derivatives_and_backprop_are_one_block_each_chain_rule_its_own() -> None:
    out = render_markdown(example("program_all"))
    sections = out.split("\n### ")
    blocks = {s.splitlines()[0]: s.count("\\begin{aligned}") for s in sections[1:]}
    assert blocks == {
        "Intermediates": 0,
        "Local derivatives": 1,
        "Backpropagation": 1,
        "Chain rule": 4,
    }


def test_a_cached_factor_row_carries_its_note_in_markdown() -> None:
    md = render_markdown(example("tanh_cached"))
    assert r"&= 1 - h^{2} && \text{reuses } h \text{ from the forward pass} \\" in md.splitlines()
