"""Golden files: every example in every format, byte for byte.

The files live in ``tests/golden/``; regenerate them with ``CHAINRULE_UPDATE_GOLDEN=1 pytest
tests/render/test_golden.py`` and read every changed file before accepting it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from chainrule.model import Derivation
from chainrule.render.json import to_dict
from chainrule.render.latex import render_latex
from chainrule.render.markdown import render_markdown
from chainrule.render.terminal import render_rich
from chainrule.render.text import render_text
from tests.render.samples import EXAMPLES, example, rich_text

GOLDEN = Path(__file__).parent.parent / "golden"
UPDATE = os.environ.get("CHAINRULE_UPDATE_GOLDEN") == "1"


def _json_pretty(d: Derivation) -> str:
    return json.dumps(to_dict(d), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Derivation], str]] = {
    "txt": render_text,
    "tex": render_latex,
    "json": _json_pretty,
    "md": render_markdown,
    "rich.txt": lambda d: rich_text(render_rich(d)),
}


@pytest.mark.parametrize("ext", list(RENDERERS))
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_golden(name: str, ext: str) -> None:
    out = RENDERERS[ext](example(name))
    path = GOLDEN / f"{name}.{ext}"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {path.name}; read it, then rerun")
    assert out == path.read_text(encoding="utf-8")
