"""Layering: the library pulls in neither click nor rich; ``--help`` never loads sympy."""

from __future__ import annotations

import subprocess
import sys


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
