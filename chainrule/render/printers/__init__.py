"""Printers for one shallow sympy expression, one class per style as sympy has one printer per
language: Python syntax (``python``), one-line Unicode (``unicode``) and LaTeX (``latex``);
``common`` holds what they share.

Each printer subclasses a sympy printer and overrides ``_print_<Class>`` methods, the dispatch
of ``sympy/printing/printer.py``.  The engine keeps every expression it hands us shallow, so the
sympy printers' own recursion is safe; we add none over depth.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> to_unicode(2 * x * sympy.cos(x**2)), to_python(2 * x * sympy.cos(x**2))
('2x·cos(x²)', '2*x*cos(x**2)')
>>> to_latex(2 * x * sympy.cos(x**2))
'2 x \\\\cos{\\\\left(x^{2} \\\\right)}'
"""

from chainrule.render.printers.latex import name_latex, to_latex
from chainrule.render.printers.python import to_python
from chainrule.render.printers.unicode import name_unicode, to_unicode

__all__ = ["name_latex", "name_unicode", "to_latex", "to_python", "to_unicode"]
