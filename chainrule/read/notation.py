"""What chainrule reads: the notation summary, the name tables and the input limits.

Imports neither sympy nor the model, so ``chainrule --help`` can show ``NOTATION_HELP`` without
loading sympy.  Every spelling a user may type maps onto a canonical function name, a key of
``model.FUNCTION_ARITIES``.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import NoReturn

NOTATION_HELP = """\
Notation (LaTeX is read instead when the input contains a backslash):
  x^2  x**2  x²  x⁻¹  x^(1/2)   powers; x^2^3 = x^(2^3); -x^2 = -(x^2); 2^-x is fine
  2x  3(x+1)  (x+1)(x-1)  x y  2πx   implicit multiplication, same rank as * and /: 1/2x = x/2
  xy  W1  W_1  W₁  W_{12}  theta  θ   each is one name (write x y or x*y for a product)
  ŷ  x̄  ẋ  \\hat{y}  \\bar{x}  \\dot{x}   accented names; in JSON yhat xbar xdot (and λ is lamda)
  e  E  pi  π   constants (e is Euler's number); 1e-3 is scientific notation
  sin cos tan sec csc cot  asin/arcsin …  sinh … coth  asinh/arsinh …  exp  ln  log (= ln)
  cosec cotan tg ctg arctg arcctg  argsinh argcosh argtanh   the names other textbooks print
  log(x, b)  log_2(x)  log_{10} x  log2(x)  log10(x)   logarithms to a base
  ( )  [ ]  { }   all group: cos[(π/12)(x − 2)];  W[1] is refused (write W_1 or W1)
  sqrt √x  cbrt ∛x  abs |x|  sigmoid σ  relu  softplus  max min  sign sgn  Heaviside
  silu swish gelu gelu_tanh mish selu softsign logsigmoid  leaky_relu(x, 0.01)  elu(x, 1)
    hardtanh(x, -1, 1): PyTorch's activations; the parameters shown are the defaults
  factorial x!  gamma  erf;   x!^2 = (x!)^2
  sin^2(x) = sin²(x) = (sin x)^2;  sin^-1(x) is refused as ambiguous: write asin(x)
  sin x: without parentheses a function takes the product that follows, up to + - * / , )
    or the next function: sin 2x = sin(2x), sin x cos x = sin(x)·cos(x), ln x^2 = ln(x^2),
    e^sin x = e^(sin x).  √x takes one factor: √x y = √(x)·y
  f and g, and any name given with --func, are functions when followed by '(' (a name the
    program assigns never is); other one-letter names multiply: x(x+1) = x·(x+1), h(x) = h·x
  σ(a) and sigma(a) are the sigmoid, σ alone the symbol sigma (gamma(x) likewise)
  sinx = sin x, cost = cos t, xsinx = x·sin x, xe^x = x·e^x, pix = π·x (not in assigned names);
    a note on stderr says how a trap was read: e^2x = e²·x, 1/2x = x/2, x^1/2 = x/2, log = ln
  programs: 'name = expression' per line or separated by ';'; '#' starts a comment;
    c = c + 1, c += 1, d *= 2 make new versions c′, c″; assigning e makes e a variable
"""


# Longer input is refused before it is read; a 1000-layer program is about 30 kB.
MAX_INPUT_CHARS = 200_000
# Caps both open brackets/calls/prefixes and the depth of the Term tree, so later layers can
# rely on it; a 1000-fold composition needs 1001.
MAX_DEPTH = 2500

# Every spelling a user may type → a canonical function name (a key of FUNCTION_ARITIES).
ALIASES: dict[str, str] = {n: n for n in "sin cos tan sec csc cot sinh cosh tanh sech csch coth "
                           "exp log sqrt cbrt sign Heaviside factorial erf sigmoid relu softplus "
                           "asin acos atan asec acsc acot asinh acosh atanh "
                           "acoth".split()}  # fmt: skip
ALIASES.update({f"arc{n}": f"a{n}" for n in ("sin", "cos", "tan", "sec", "csc", "cot")})
ALIASES.update({f"arc{n}": f"a{n}" for n in ("sinh", "cosh", "tanh", "coth")})
ALIASES.update({f"ar{n}": f"a{n}" for n in ("sinh", "cosh", "tanh", "coth")})
ALIASES.update({"ln": "log", "abs": "Abs", "Abs": "Abs", "sgn": "sign", "heaviside": "Heaviside"})
ALIASES.update({"max": "Max", "Max": "Max", "min": "Min", "Min": "Min"})
ALIASES.update({"ReLU": "relu", "Relu": "relu", "Softplus": "softplus", "SoftPlus": "softplus"})
# The other names textbooks print: British, French, German and Russian texts.
ALIASES.update({"cosec": "csc", "cotan": "cot", "ctg": "cot", "tg": "tan", "cosech": "csch"})
ALIASES.update({"arctg": "atan", "arcctg": "acot", "arccotan": "acot", "arccosec": "acsc"})
ALIASES.update({f"arg{n}": f"a{n}" for n in ("sinh", "cosh", "tanh", "coth")} | {"cotanh": "coth"})
# numpy's and C's names of the logarithms to a base: log2(x) = log_2(x).
LOG_NAMES = {"log2": "2", "log10": "10"}
# The activations by PyTorch's function and module names, and the spellings others use.
ALIASES.update({n: n for n in "silu gelu gelu_tanh mish elu selu leaky_relu softsign "
                "logsigmoid hardtanh".split()})  # fmt: skip
ALIASES.update({"SiLU": "silu", "swish": "silu", "Swish": "silu", "GELU": "gelu", "Mish": "mish"})
ALIASES.update({"ELU": "elu", "SELU": "selu", "LeakyReLU": "leaky_relu", "leakyrelu": "leaky_relu"})
ALIASES.update({"Softsign": "softsign", "soft_sign": "softsign", "LogSigmoid": "logsigmoid"})
ALIASES.update({"log_sigmoid": "logsigmoid", "Hardtanh": "hardtanh", "hard_tanh": "hardtanh"})
# Greek names that are a function only when "(" follows: σ(a) is the sigmoid, σ alone a symbol.
DUALS = {"sigma": "sigmoid", "gamma": "gamma", "Gamma": "gamma"}
CONSTANTS = {"e": "E", "E": "E", "pi": "pi"}
ABSTRACT_FUNCTIONS = ("f", "g")
INVERSES = {n: f"a{n}" for n in "sin cos tan sec csc cot sinh cosh tanh".split()} | {
    "exp": "log",
    "log": "exp",
}

MAX_LITERAL_DIGITS = 4000  # longer integer literals are refused (Python's own str→int cap is 4300)

_GREEK_LOWER = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega"
).split()
GREEK: dict[str, str] = {chr(0x3B1 + i): n for i, n in enumerate(_GREEK_LOWER[:17])}
GREEK.update({chr(0x3C3 + i): n for i, n in enumerate(_GREEK_LOWER[17:])})
GREEK.update({chr(0x391 + i): n.capitalize() for i, n in enumerate(_GREEK_LOWER[:17])})
GREEK.update({chr(0x3A3 + i): n.capitalize() for i, n in enumerate(_GREEK_LOWER[17:])})
GREEK.update({"ς": "sigma", "ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi", "ϱ": "rho", "µ": "mu"})
GREEK_NAMES = frozenset(GREEK.values())
# Combining accents read on a one-letter name (ŷ, x̄, ẋ; LaTeX \hat{y}): the mark → its name, a
# key of ``model.ACCENTS``.  U+0305 (overline) is a bar too.
ACCENT_MARKS = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0307": "dot",
                "\u0308": "ddot", "\u0303": "tilde", "\u20d7": "vec"}  # fmt: skip

# Names refused outright: they can only be an attempt to reach Python.  ``lambda`` is a fine
# variable name here (the Greek letter), every other Python keyword is refused.
FORBIDDEN_NAMES = frozenset(
    "eval exec compile open input print getattr setattr delattr hasattr globals locals vars "
    "breakpoint help exit quit os sys subprocess builtins system popen".split()
)
KEYWORDS = frozenset(keyword.kwlist) - {"lambda"}
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def is_function_name(name: str) -> bool:
    """Whether ``name`` can name a built-in function (σ and Γ only when "(" follows).

    Args:
        name: a name as read.

    Returns:
        True for sin, ln, log_2, log10, sigma …; False for variables and constants.
    """
    return name in ALIASES or name in DUALS or name in LOG_NAMES or name.startswith("log_")


Fail = Callable[[str, int, str | None], NoReturn]


def check_name(name: str, fail: Fail, col: int) -> None:
    """Refuse names that are reserved, dangerous or malformed.

    Args:
        name: the name as read, subscripts already joined ("W_1").
        fail: called with (message, column, hint) to raise the error.
        col: the name's column.
    """
    if name.startswith("_") or "__" in name:
        why = "names starting with '_' are reserved" if name[0] == "_" else "'__' is reserved"
        fail(f"name '{name}' is not allowed: {why}", col, None)
    if name in KEYWORDS:
        fail(f"name '{name}' is not allowed: it is a Python keyword", col, None)
    if name in FORBIDDEN_NAMES:
        fail(f"name '{name}' is not allowed: it is reserved", col, "choose another name")
    if name.endswith("_"):
        fail(f"name '{name}' ends with '_'", col, f"write a subscript like {name}1")
