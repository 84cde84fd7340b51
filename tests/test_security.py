"""Attempts to break out of the parser (after simpleeval's tests/test_security.py).

The parser is a whitelist: it never evaluates user text, so every payload must come back as a
clean ParseError, nothing may run, and huge numbers stay unevaluated Terms.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sympy
import sympy.parsing.sympy_parser

import chainrule.read
from chainrule.errors import ChainruleError, LimitError, ParseError
from chainrule.read.lexer import Lexer
from chainrule.read.notation import MAX_INPUT_CHARS
from chainrule.read.program import parse
from tests.helpers import walk

PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    '__import__("os").system("touch {marker}")',
    "import os; os.system('touch {marker}')",
    "exec(\"open('{marker}', 'w')\")",
    'eval(\'open("{marker}", "w")\')',
    "open('{marker}', 'w')",
    "compile('1', '{marker}', 'exec')",
    "getattr(x, '__class__')",
    "x.__class__.__bases__[0].__subclasses__()",
    "().__class__.__base__.__subclasses__()[-1].__init__.__globals__['sys'].exit(1)",
    "True.__class__.__class__.__base__.__subclasses__()",
    "(1).real",
    "x.real",
    "x[0]",
    "x['a']",
    "lambda x: x",
    "(lambda: 0)()",
    "[x for x in (1, 2)]",
    "{{x for x in y}}",
    "(x for x in y)",
    'f"{{x}}"',
    "f'{{x.__class__}}'",
    "'text' * 50000",
    '"{{string.__class__}}".format(string="things")',
    "(y := 2)",
    "sin(x=1)",
    "foo(x=1)",
    "max(0, x=1)",
    "print(x)",
    "print('{marker}')",
    "breakpoint()",
    "globals()",
    "locals()['x']",
    "vars(x)",
    "setattr(x, 'y', 1)",
    "delattr(x, 'y')",
    "input()",
    "os.system('touch {marker}')",
    "sys.exit(1)",
    "__builtins__",
    "x.__dict__",
    "__class__",
    "x__class__",
    "_x",
    "`x`",
    "x @ y",
    "x; import os",
    "x = 1;; import os",
    "y = 1; __import__('os')",
    "x if y else z",
    "not x",
    "x and y",
    "x or y",
    "x is y",
    "x in y",
    "x % 2",
    "x & y",
    "x | y | z |",
    "x << 2",
    "~x",
    "x = yield",
    "def f(x): return x",
    "class A: pass",
    "async def f(): pass",
    "b'bytes'",
    "r'raw'",
    "x\\\\y",
    "\\input{{{marker}}}",
    "\\include{{/etc/passwd}}",
    "\\write18{{touch {marker}}}",
    "\\immediate\\write18{{touch {marker}}}",
    "\\def\\x{{1}}",
    "\\catcode`\\^=7",
    "\\newcommand{{\\x}}{{1}}",
    "\\operatorname{{__import__}}(x)",
    "\\mathrm{{eval}}(x)",
    "\\text{{os}}",
    "x\x00",
    "x\ud800",
    "x\x1b[2J",
    "x\x7f",
    "x\u202e + 1",
    "x\u200b",
    "x\r+1",
    "x\x0c",
]


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


@pytest.mark.parametrize("template", PAYLOADS)
def test_payload_is_refused_and_nothing_runs(template: str, marker: Path) -> None:
    payload = template.format(marker=marker)
    with pytest.raises(ParseError) as caught:
        parse(payload)
    err = caught.value
    assert err.message and "\n" not in err.message
    assert not marker.exists()
    if err.column is not None and err.source is not None:
        assert 1 <= err.column <= len(err.source) + 1


@pytest.mark.parametrize("template", ["\\input{{{marker}}}", "x = {marker}"])
def test_latex_syntax_refuses_payloads(template: str, marker: Path) -> None:
    with pytest.raises(ParseError):
        parse(template.format(marker=marker), syntax="latex")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "column"),
    [("x\x00", 2), ("ab\ud800", 3), ("\x1b[31mx", 1), ("y = x\u202e", 6), ("x +\x07", 4)],
)
def test_invisible_characters_are_refused_with_their_column(text: str, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.column == column
    assert caught.value.message.isprintable()


@pytest.mark.parametrize(
    "name",
    ["eval", "exec", "open", "getattr", "compile", "globals", "locals", "vars", "setattr",
     "delattr", "input", "breakpoint", "os", "sys", "import", "__import__", "__x__", "for",
     "None", "True"],
)  # fmt: skip
def test_dangerous_names_are_refused_everywhere(name: str) -> None:
    for text in (name, f"{name} + 1", f"{name}(x)", f"{name} = 2", f"y = 2*{name}"):
        with pytest.raises(ParseError) as caught:
            parse(text)
        assert name in caught.value.message


def test_harmless_lookalike_names_are_fine() -> None:
    assert parse("lambda^2").assignments[0].value.op == "pow"
    assert parse("dL_dz + dy_dx").assignments[0].value.op == "add"
    assert parse("evaluate + opens").assignments[0].value.op == "add"


# -- resource limits -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2**2**2**99", "10**10**10", "factorial(10**9)", "9**9**9**9"])
def test_huge_powers_parse_into_small_terms(text: str) -> None:
    term = parse(text).assignments[0].value
    assert all(len(t.text) < 10 for t in walk(term))


def test_huge_scientific_literal_is_never_expanded() -> None:
    term = parse("1e100000000000 * x").assignments[0].value
    assert max(len(t.text) for t in walk(term)) == len("100000000000")


def test_ten_thousand_parentheses_are_a_limit_error() -> None:
    with pytest.raises(LimitError):
        parse("(" * 10_000 + "x" + ")" * 10_000)
    with pytest.raises(LimitError):
        parse("sin(" * 10_000 + "x" + ")" * 10_000)
    with pytest.raises(LimitError):
        parse("|" * 10_000 + "x" + "|" * 10_000)
    with pytest.raises(LimitError):
        parse("{" * 10_000 + "x" + "}" * 10_000, syntax="latex")
    with pytest.raises(LimitError):
        parse("-" * 10_000 + "x")
    with pytest.raises(LimitError):
        parse("x" + "^x" * 10_000)
    with pytest.raises(LimitError):
        parse("sin " * 10_000 + "x")


def test_megabyte_input_is_refused_before_tokenising(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(self: Lexer) -> None:  # pragma: no cover - must not be called
        raise AssertionError("the lexer ran")

    monkeypatch.setattr(Lexer, "run", never)
    with pytest.raises(LimitError) as caught:
        parse("x+" * 500_000)
    assert str(MAX_INPUT_CHARS) in caught.value.message.replace(",", "")


def test_huge_literals_are_limit_errors() -> None:
    with pytest.raises(LimitError):
        parse("9" * 100_000)
    with pytest.raises(LimitError):
        parse("1e" + "9" * 5000)


# -- nothing evaluates ---------------------------------------------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "sympify", "S", "parse_expr", "literal_eval",
                   "__import__", "import_module", "getattr", "system", "popen"}  # fmt: skip


# Every module of the read layer, found on disk so that a new one is checked too.
READ_MODULES = [
    importlib.import_module(f"chainrule.read.{path.stem}")
    for path in sorted(Path(chainrule.read.__file__).parent.glob("*.py"))
]


@pytest.mark.parametrize("module", READ_MODULES)
def test_parser_source_calls_nothing_that_evaluates(module: Any) -> None:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if ast.unparse(func) == "re.compile":
                continue  # a regular expression of our own, not Python's compile()
            assert name not in FORBIDDEN_CALLS, f"{module.__name__} calls {name}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names] + [getattr(node, "module", "") or ""]
            assert not any("sympy" in n or n in ("ast", "importlib") for n in names)


class _TrippedError(Exception):
    pass


@pytest.mark.parametrize(
    "template", PAYLOADS[:30] + ["sin(x)^2 + e^x", r"\frac{{1}}{{1+e^{{-x}}}}"]
)
def test_parsing_trips_no_evaluator(template: str, marker: Path) -> None:
    calls: list[str] = []

    def wire(name: str) -> Callable[..., Any]:
        def tripped(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise _TrippedError(name)

        return tripped

    text = template.format(marker=marker)
    with pytest.MonkeyPatch.context() as patch:  # undone before pytest itself needs compile()
        for name in ("eval", "exec", "compile"):
            patch.setattr(builtins, name, wire(name))
        patch.setattr(sympy, "sympify", wire("sympify"))
        patch.setattr(sympy.parsing.sympy_parser, "parse_expr", wire("parse_expr"))
        try:
            parse(text)
        except (ChainruleError, _TrippedError):
            pass
    assert calls == []
