"""chainrule: the chain rule at work, factor by factor.

The library API is three calls in one direction::

    >>> from chainrule import derive
    >>> d = derive("sin(x**2)")
    >>> str(d.chain_rules[0].result)
    '2*x*cos(x**2)'

``derive`` parses, decomposes, applies the chain rule and cross-checks the result;
``simplify`` adds a checked ``simplified`` form of each result where sympy finds a shorter one;
``check_answer`` judges a learner's derivative (a ``Verdict`` first among the steps);
``gradcheck`` compares each derivative with a finite difference (a ``GradCheck`` last).
Importing this package is cheap: sympy is loaded on first use, and neither click nor rich ever is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from chainrule.api import check_answer as check_answer
    from chainrule.api import derive as derive
    from chainrule.api import derive_shaped as derive_shaped
    from chainrule.api import gradcheck as gradcheck
    from chainrule.api import parse_points as parse_points
    from chainrule.api import simplify as simplify
    from chainrule.calculus.decompose import decompose as decompose
    from chainrule.calculus.engine import differentiate as differentiate
    from chainrule.read.program import parse as parse

_LAZY = {
    "derive": "chainrule.api",
    "derive_shaped": "chainrule.api",
    "simplify": "chainrule.api",
    "check_answer": "chainrule.api",
    "parse_points": "chainrule.api",
    "gradcheck": "chainrule.api",
    "parse": "chainrule.read.program",
    "decompose": "chainrule.calculus.decompose",
    "differentiate": "chainrule.calculus.engine",
}

__all__ = [
    "derive",
    "derive_shaped",
    "simplify",
    "check_answer",
    "parse_points",
    "gradcheck",
    "parse",
    "decompose",
    "differentiate",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # Lazy so that ``chainrule --help`` (which imports this package) never loads sympy.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
