"""Layering: the library pulls in neither click nor rich; ``--help`` never loads sympy; each
layer imports only the layers before it; only the CLI names command-line flags."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split()[-1:] and out.split())


def test_library_api_imports_neither_click_nor_rich() -> None:
    loaded = _modules_after(
        "import chainrule\n"
        "d = chainrule.derive('sin(x**2)')\n"
        "from chainrule.render import render\n"
        "for f in ('text', 'latex', 'json', 'markdown'): render(d, f)"
    )
    assert "sympy" in loaded
    assert not {m for m in loaded if m == "click" or m.startswith("click.")}
    assert not {m for m in loaded if m == "rich" or m.startswith("rich.")}


def test_help_does_not_import_sympy() -> None:
    loaded = _modules_after(
        "import sys\nfrom chainrule.cli import main\n"
        "try:\n    main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['derive', '--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert "click" in loaded
    assert not {m for m in loaded if m == "sympy" or m.startswith("sympy.")}
    assert "mpmath" not in loaded


def test_the_command_line_parent_process_never_loads_sympy() -> None:
    # The forked worker loads sympy and leaves through os._exit; a parent that had loaded it
    # would spend a noticeable part of every run tearing it down at exit.
    loaded = _modules_after(
        "from chainrule.cli import main\n"
        "try:\n    main(['derive', 'sin(x**2)', '--json'], standalone_mode=False)\n"
        "except SystemExit as stop:\n    assert stop.code == 0, stop.code"
    )
    assert "chainrule.runner" in loaded
    assert not {m for m in loaded if m == "sympy" or m.startswith("sympy.")}


# -- the layers ----------------------------------------------------------------------------------

PACKAGE = Path(chainrule.__file__).parent
# What each layer may import from chainrule, besides itself: one direction of flow.
ALLOWED = {
    "model": set(),
    "errors": set(),
    "read": {"model", "errors"},
    "calculus": {"model", "errors"},
    "check": {"model", "errors", "calculus"},
    "render": {"model", "errors"},
    "api": {"model", "errors", "read", "calculus", "check"},
    "runner": {"model", "errors", "api", "render"},
    "cli": {"model", "errors", "read", "render", "runner", "__init__"},
    "__init__": {"api", "read", "calculus"},
    "__main__": {"cli"},
}


def _layer(module: str) -> str:
    """``chainrule.read.lexer`` → ``read``; ``chainrule`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found.update(n for n in names[:1] if n.split(".")[0] == "chainrule")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "chainrule")
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_layer_imports_only_the_layers_before_it(path: Path) -> None:
    relative = path.relative_to(PACKAGE).with_suffix("")
    layer = relative.parts[0]
    for imported in _imports(path):
        target = _layer(imported)
        assert target == layer or target in ALLOWED[layer], f"{relative} imports {imported}"


def test_every_module_belongs_to_a_known_layer() -> None:
    layers = {p.relative_to(PACKAGE).with_suffix("").parts[0] for p in _modules()}
    assert layers == set(ALLOWED)


# Flags appear only in the command line's own modules; the library names its parameters.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_library_messages_name_no_command_line_flag(path: Path) -> None:
    if path.relative_to(PACKAGE).parts[0] == "cli":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings or node.value.startswith("Notation ("):
                continue  # documentation, and the notation summary --help shows
            assert not FLAG.search(node.value), f"{path.name}: {node.value!r}"
