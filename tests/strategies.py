"""Hypothesis strategies shared by the property tests, and the Printer that writes Terms as text.

* ``ATOMS``: pieces of text, valid and hostile, for token soup; ``SYNTAXES`` the parse modes.
* ``TERMS``: well-formed Terms of every kind the parser makes; ``Printer`` writes one the way a
  person might type it, so that parsing it back must mean the same.
* ``oracle_terms`` and ``oracle_programs``: expressions and programs whose derivatives are
  compared with ``sympy.diff``.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from chainrule.model import FUNCTION_ARITIES, Term
from tests.helpers import call, num, op, sym

# -- text for the parser ---------------------------------------------------------------------------

ATOMS = [
    *"xyzabefgh0123456789.,;=+-*/^!()[]{}|#_ \n\t'\"`:@<>%$&~?\\",
    "**", "==", ":=", "sin", "cos", "log", "log_2", "ln", "exp", "sqrt", "max", "sigmoid",
    "relu", "sigma", "gamma", "factorial", "abs", "pi", "e", "E", "lambda", "__import__",
    "eval", "1e5", "2.5", "1e-3", "W_", "W_{", "_{12}",
    "²", "³", "⁻", "¹", "ⁿ", "⁽", "⁾", "₁", "₂", "√", "∛", "π", "θ", "σ", "α", "Γ", "·", "×",
    "÷", "−", "∗", "\u00a0", "\u2009", "ｘ", "１", "𝑥", "\x00", "\x1b", "\ud800", "\u202e",
    "\u200b", "\r", "\ufeff", "é", "€", "中", "\u0301",
    "\\frac", "\\dfrac", "\\sqrt", "\\sqrt[3]", "\\left(", "\\right)", "\\left|", "\\right|",
    "\\left[", "\\right]", "\\left.", "\\left\\{", "\\right\\}", "\\lvert", "\\rvert", "\\vert",
    "\\cdot", "\\times", "\\sin", "\\ln", "\\log_", "\\exp", "\\sigma", "\\theta", "\\pi",
    "\\operatorname{", "\\mathrm{relu}", "\\,", "\\;", "\\!", "\\\\", "\\input", "\\big",
    "\\", "{", "}", "^{", "_{", "%",
]  # fmt: skip
SYNTAXES = st.sampled_from(["auto", "math", "latex"])


# -- well-formed Terms, and text that means them ----------------------------------------------


def _t(op: str, *args: Term, text: str = "") -> Term:
    return Term(op, tuple(args), text)


SYMBOLS = ["x", "y", "z", "a", "b", "h", "W_1", "theta", "xy", "lambda"]
LEAVES = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "7", "12", "2.5", "0.25"]).map(
        lambda n: _t("number", text=n)
    ),
    st.sampled_from(SYMBOLS).map(lambda n: _t("symbol", text=n)),
    st.sampled_from(["pi", "E"]).map(lambda n: _t("constant", text=n)),
)
SMALL_EXPONENTS = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "4"]).map(lambda n: _t("number", text=n)),
    st.sampled_from(["1", "2", "3"]).map(lambda n: _t("neg", _t("number", text=n))),
    st.sampled_from(SYMBOLS).map(lambda n: _t("symbol", text=n)),
)
UNARY = [name for name, counts in FUNCTION_ARITIES.items() if 1 in counts]
UNARY = [name for name in UNARY if name not in ("factorial", "gamma")]  # huge values


def _extend(children: st.SearchStrategy[Term]) -> st.SearchStrategy[Term]:
    symbol = st.sampled_from(SYMBOLS).map(lambda n: _t("symbol", text=n))
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda a: _t("add", *a)),
        st.lists(children, min_size=2, max_size=3).map(lambda a: _t("mul", *a)),
        children.map(lambda c: _t("neg", c)),
        st.tuples(children, children).map(lambda p: _t("div", *p)),
        st.tuples(children, SMALL_EXPONENTS).map(lambda p: _t("pow", *p)),
        st.tuples(st.sampled_from(UNARY), children).map(lambda p: _t("call", p[1], text=p[0])),
        st.tuples(st.sampled_from(["Max", "Min", "log"]), children, children).map(
            lambda p: _t("call", p[1], p[2], text=p[0])
        ),
        st.tuples(st.sampled_from(["factorial", "gamma"]), symbol).map(
            lambda p: _t("call", p[1], text=p[0])
        ),
        st.tuples(st.sampled_from("fg"), st.lists(children, min_size=1, max_size=2)).map(
            lambda p: _t("apply", *p[1], text=p[0])
        ),
    )


TERMS = st.recursive(LEAVES, _extend, max_leaves=10)

ADD, MUL, PREFIX, POW, ATOM = 1, 2, 3, 4, 5
SPELLINGS = {
    "asin": ["asin", "arcsin"], "acos": ["acos", "arccos"], "atan": ["atan", "arctan"],
    "asec": ["asec", "arcsec"], "acsc": ["acsc", "arccsc"], "acot": ["acot", "arccot"],
    "asinh": ["asinh", "arcsinh", "arsinh"], "acosh": ["acosh", "arccosh", "arcosh"],
    "atanh": ["atanh", "arctanh", "artanh"], "sign": ["sign", "sgn"], "Abs": ["abs", "Abs"],
    "Heaviside": ["Heaviside", "heaviside"], "Max": ["max", "Max"], "Min": ["min", "Min"],
    "relu": ["relu", "ReLU"], "sigmoid": ["sigmoid", "σ", "sigma"],
}  # fmt: skip
LATEX_COMMANDS = {"sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "coth", "exp"}
SUPERSCRIPT = {"2": "²", "3": "³"}


class Printer:
    """Writes a Term as text a person might type; ``rng`` picks among equivalent spellings."""

    def __init__(self, rng: random.Random, latex: bool) -> None:
        self.rng = rng
        self.latex = latex

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def text(self, term: Term) -> str:
        return self.show(term, 0)

    def show(self, term: Term, need: int) -> str:
        text, level = self.node(term)
        if level < need or (level < ATOM and self.rng.random() < 0.1):
            return self.group(text)
        return text

    def group(self, text: str) -> str:
        if self.latex:
            return self.pick(["(" + text + ")", r"\left(" + text + r"\right)", "{" + text + "}"])
        return "(" + text + ")"

    def space(self) -> str:
        return self.pick(["", " "])

    def node(self, term: Term) -> tuple[str, int]:
        op, args = term.op, term.args
        if op == "number":
            return term.text, ATOM
        if op == "symbol":
            return self.symbol(term.text), ATOM
        if op == "constant":
            if term.text == "pi":
                return self.pick([r"\pi", "pi"] if self.latex else ["pi", "π"]), ATOM
            return self.pick(["e", "E"]), ATOM
        if op == "add":
            out = self.show(args[0], MUL)
            for arg in args[1:]:
                if arg.op == "neg":
                    minus = self.pick(["-", "−"]) if not self.latex else "-"
                    out += self.space() + minus + self.space() + self.show(arg.args[0], MUL)
                else:
                    out += self.space() + "+" + self.space() + self.show(arg, MUL)
            return out, ADD
        if op == "mul":
            out = self.show(args[0], MUL)
            for arg in args[1:]:
                right = self.show(arg, MUL)
                out += self.times(right) + right
            return out, MUL
        if op == "neg":
            return "-" + self.show(args[0], POW), PREFIX
        if op == "div":
            if self.latex and self.rng.random() < 0.5:
                return r"\frac{" + self.text(args[0]) + "}{" + self.text(args[1]) + "}", ATOM
            return self.show(args[0], MUL) + self.space() + "/" + self.space() + self.show(
                args[1], PREFIX + 1
            ), MUL
        if op == "pow":
            return self.power(args[0], args[1]), POW
        if op == "apply":
            return term.text + "(" + ", ".join(self.text(a) for a in args) + ")", ATOM
        return self.call(term.text, args), ATOM

    def times(self, right: str) -> str:
        explicit = [r" \cdot ", r"\times ", "*"] if self.latex else ["*", "·", "×", " * "]
        # A bracket right after a name reads as a call (xy(…), xy{…} are unknown functions):
        # the printer multiplies explicitly there, as the notation asks a person to.
        if right[0] in "({|-−.0123456789" or right.startswith(r"\left"):
            return self.pick(explicit)
        return self.pick([*explicit, " ", " "])

    def symbol(self, name: str) -> str:
        if name == "W_1":
            return self.pick(["W_1", "W_{1}"] + ([] if self.latex else ["W₁"]))
        if name == "theta":
            return self.pick([r"\theta", "theta"] if self.latex else ["theta", "θ"])
        return name

    def power(self, base: Term, exponent: Term) -> str:
        if (
            base.op == "call"
            and len(base.args) == 1
            and base.text in ("sin", "cos", "tan", "exp", "tanh", "log", "erf")
            and exponent.op == "number"
            and exponent.text in ("2", "3")
            and self.rng.random() < 0.5
        ):
            name = self.function_name(base.text)
            return f"{name}^{exponent.text}(" + self.text(base.args[0]) + ")"
        left = self.show(base, ATOM)
        if exponent.op == "number" and exponent.text in SUPERSCRIPT and not self.latex:
            if self.rng.random() < 0.4:
                return left + SUPERSCRIPT[exponent.text]
        if self.latex and self.rng.random() < 0.5:
            return left + "^{" + self.text(exponent) + "}"
        return left + self.pick(["^", "**"]) + self.show(exponent, PREFIX)

    def function_name(self, name: str) -> str:
        if self.latex and name in LATEX_COMMANDS:
            return "\\" + name
        if self.latex and name == "log":
            return self.pick([r"\ln", r"\log", "ln"])
        if name == "log":
            return self.pick(["log", "ln"])
        return self.pick(SPELLINGS.get(name, [name]))

    def call(self, name: str, args: tuple[Term, ...]) -> str:
        inner = ", ".join(self.text(a) for a in args)
        roll = self.rng.random()
        if name == "Abs" and roll < 0.5 and "|" not in inner:
            if self.latex:
                return self.pick([r"\lvert " + inner + r"\rvert", r"\left|" + inner + r"\right|"])
            return "|" + inner + "|"
        if name == "factorial" and roll < 0.5:
            return self.show(args[0], ATOM) + "!"
        if name in ("sqrt", "cbrt") and roll < 0.5:
            if self.latex:
                return (r"\sqrt{" if name == "sqrt" else r"\sqrt[3]{") + inner + "}"
            return ("√(" if name == "sqrt" else "∛(") + inner + ")"
        if name == "sigmoid" and self.latex and roll < 0.5:
            return r"\sigma(" + inner + ")"
        if name == "log" and len(args) == 2 and args[1].op == "number" and "." not in args[1].text:
            if roll < 0.5:
                sub = self.pick([args[1].text, "{" + args[1].text + "}"])
                return f"log_{sub}(" + self.text(args[0]) + ")"
        return self.function_name(name) + "(" + inner + ")"


# -- expressions and programs for the engine's oracle --------------------------------------------

ORACLE_VARIABLES = ("x", "y", "z")
ORACLE_UNARY = ("sin", "cos", "exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "atan", "cosh")


# The named activations, each with the optional parameters a call may give (PyTorch's order).
ACTIVATION_PARAMETERS: dict[str, list[list[str]]] = {
    "silu": [], "gelu": [], "gelu_tanh": [], "mish": [], "selu": [], "softsign": [],
    "logsigmoid": [], "leaky_relu": [["0.2"], ["2"], ["y"]], "elu": [["0.5"], ["2"], ["z"]],
    "hardtanh": [["-2"], ["-0.5", "0.25"], ["-2", "3"], ["y", "z"]],
}  # fmt: skip


def _parameter(text: str) -> Term:
    if text in ORACLE_VARIABLES:
        return sym(text)
    return op("neg", num(text[1:])) if text.startswith("-") else num(text)


def activation_calls(argument: st.SearchStrategy[Term]) -> st.SearchStrategy[Term]:
    """A named activation applied to ``argument``, its optional parameters given or not."""

    @st.composite
    def build(draw: st.DrawFn) -> Term:
        name = draw(st.sampled_from(sorted(ACTIVATION_PARAMETERS)))
        params = draw(st.sampled_from([[], *ACTIVATION_PARAMETERS[name]]))
        return call(name, draw(argument), *map(_parameter, params))

    return build()


def oracle_terms(depth: int, *, activations: bool = False) -> st.SearchStrategy[Term]:
    """Random expression trees: sums, products, quotients, powers and functions, to ``depth``;
    with ``activations``, the named activations of ``calculus.activations`` too."""
    leaf = st.one_of(
        st.sampled_from(ORACLE_VARIABLES).map(sym),
        st.integers(1, 5).map(num),
        st.just(Term("constant", text="pi")),
    )
    if depth == 0:
        return leaf
    sub = oracle_terms(depth - 1, activations=activations)
    return st.one_of(
        *([activation_calls(sub), activation_calls(sub)] if activations else []),
        leaf,
        st.lists(sub, min_size=2, max_size=3).map(lambda a: op("add", *a)),
        st.lists(sub, min_size=2, max_size=3).map(lambda a: op("mul", *a)),
        sub.map(lambda a: op("neg", a)),
        st.tuples(sub, sub).map(lambda a: op("div", *a)),
        st.tuples(sub, st.sampled_from(["2", "3", "-1", "0.5"])).map(
            lambda a: (
                op("pow", a[0], Term("number", text=a[1].lstrip("-")))
                if not a[1].startswith("-")
                else op("pow", a[0], op("neg", num(1)))
            )
        ),
        st.tuples(sub, sub).map(lambda a: op("pow", a[0], a[1])),
        st.tuples(st.sampled_from(ORACLE_UNARY), sub).map(lambda a: call(a[0], a[1])),
    )


def oracle_programs() -> st.SearchStrategy[list[tuple[str, Term]]]:
    """Random programs whose later lines reuse earlier names (shared intermediates)."""

    @st.composite
    def build(draw: st.DrawFn) -> list[tuple[str, Term]]:
        lines: list[tuple[str, Term]] = []
        count = draw(st.integers(1, 5))
        for i in range(count):
            pool = list(ORACLE_VARIABLES) + [n for n, _ in lines]
            leaf = st.one_of(st.sampled_from(pool).map(sym), st.integers(1, 3).map(num))
            small = st.one_of(
                leaf,
                st.tuples(leaf, leaf).map(lambda a: op("mul", *a)),
                st.tuples(leaf, leaf).map(lambda a: op("add", *a)),
                st.tuples(st.sampled_from(ORACLE_UNARY), leaf).map(lambda a: call(a[0], a[1])),
            )
            parts = draw(st.lists(small, min_size=1, max_size=3))
            value = (
                parts[0] if len(parts) == 1 else op(draw(st.sampled_from(["add", "mul"])), *parts)
            )
            lines.append((f"n{i}", value))
        return lines

    return build()


ML_ACTIVATIONS = ("sigmoid", "tanh", "exp", "softplus")


def ml_programs() -> st.SearchStrategy[list[tuple[str, Term]]]:
    """Small networks written as programs, the way ML texts write them: affine layers,
    activations, ``1 − p``, quotients (softmax's e/s), sums, logs and a squared or
    cross-entropy loss, each line over earlier names; sometimes a line the output never uses
    (softmax's p₂).  What ``calculus.identities`` re-expresses gradients in."""

    @st.composite
    def build(draw: st.DrawFn) -> list[tuple[str, Term]]:
        lines: list[tuple[str, Term]] = []
        for i in range(draw(st.integers(2, 6))):
            names = [n for n, _ in lines]
            pool = st.sampled_from(list(ORACLE_VARIABLES) + names).map(sym)
            recent = st.sampled_from(names[-2:]).map(sym) if names else pool
            template = draw(
                st.sampled_from(["affine", "act", "one_minus", "quotient", "sum", "log", "loss"])
            )
            a, b = draw(recent), draw(pool)
            value = {
                "affine": op("add", op("mul", draw(pool), a), b),
                "act": call(draw(st.sampled_from(ML_ACTIVATIONS)), a),
                "one_minus": op("add", num(1), op("neg", a)),
                "quotient": op("div", a, op("add", a, b)),
                "sum": op("add", a, b),
                "log": call("log", op("add", num(2), call("sigmoid", a))),
                "loss": op("div", op("pow", op("add", a, op("neg", b)), num(2)), num(2)),
            }[template]
            lines.append((f"n{i}", value))
        if len(lines) > 2 and draw(st.booleans()):  # an aside line, before the output
            aside = (f"m{len(lines)}", op("div", sym(lines[0][0]), sym(lines[1][0])))
            lines.insert(len(lines) - 1, aside)
        return lines

    return build()
