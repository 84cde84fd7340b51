"""Program of Terms → Graph of named intermediates.

Rules (documented in the README):

* In a bare expression every function application becomes an intermediate, and so does every
  compound argument of a function and every compound base or exponent of a power:
  ``sin(x**2)`` → u = x², y = sin(u).
* In a program the user's assignments set the granularity: each assignment is one node, and
  chainrule only names what is nested inside a function call on that line
  (``h = sigmoid(W1*x + b1)`` → u = W₁x + b₁, h = σ(u)).
* A subexpression that occurs twice is one node.  Generated names never collide with the
  user's symbols or functions.

The walk over the Term tree is iterative, and every node's definition is a shallow sympy
expression, so a 1000-deep composition never becomes a 1000-deep sympy object.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy

from chainrule.calculus.functions import FUNCTIONS
from chainrule.errors import LimitError, MathError, ProgramError, VariableError
from chainrule.model import FUNCTION_ARITIES, Assignment, Graph, Node, Program, Term

MAX_NODES = 20_000  # intermediates after decomposition
MAX_INLINE_DEPTH = 12  # an inline subexpression deeper than this gets a name of its own
MAX_EXACT_DIGITS = 10_000  # a constant power or factorial larger than this stays unevaluated

_GENERATED = ("u", "v", "w", "p", "q", "r", "s", "t")
_OUTPUT_NAMES = ("y", "f", "g", "L", "F", "out")


def decompose(program: Program, *, of: str | None = None, real: bool = True) -> Graph:
    """Turn a parsed program into a graph of named intermediates in evaluation order.

    Args:
        program: what ``parser.parse`` returned.
        of: the name of the output, for a program; the last assignment when None.
        real: symbols are real (so |x|′ = sign(x)); False leaves them complex.

    Returns:
        The ``Graph``: inputs sorted by name, nodes in topological order, output last.

    Raises:
        ProgramError: a name used before it is defined, defined twice, or no assignment.
        VariableError: ``of`` names no assignment.
        LimitError: more than ``MAX_NODES`` intermediates.
    """
    return _Decomposer(program, real).run(of)


class _Decomposer:
    def __init__(self, program: Program, real: bool = True) -> None:
        self.program = program
        self.assumptions = {"real": True} if real else {}
        self.bare = program.is_expression
        self.assigned: dict[str, Assignment] = {}
        self.symbols: dict[str, sympy.Symbol] = {}
        self.nodes: list[Node] = []  # generated names are placeholders until _rename
        self.by_definition: dict[sympy.Expr, sympy.Symbol] = {}
        self.generated = 0
        self.functions = _function_names(program)
        self.defined: set[str] = set()

    def run(self, of: str | None) -> Graph:
        program = self.program
        if not program.assignments:
            raise ProgramError("the program has no assignment", source=program.source)
        self._check_names()
        for assignment in program.assignments:
            self._assign(assignment)
            if assignment.name is not None:
                self.defined.add(assignment.name)
        output = self._output_name(of)
        nodes = _ancestors(self.nodes, output)
        graph_nodes, renamed = self._rename(nodes, output)
        inputs = sorted(
            {s for n in graph_nodes for s in n.definition.free_symbols} - set(renamed.values()),
            key=lambda s: s.name,
        )
        inputs = [s for s in inputs if s.name in self.symbols]
        table = {s.name: s for s in inputs} | {n.name: n.symbol for n in graph_nodes}
        return Graph(
            source=program.source,
            inputs=tuple(inputs),
            nodes=tuple(graph_nodes),
            output=graph_nodes[-1].name,
            symbols=table,
            notes=program.notes,
        )

    # -- names -------------------------------------------------------------------------------

    def _check_names(self) -> None:
        for a in self.program.assignments:
            if a.name is None:
                if not self.bare:
                    raise ProgramError("expected 'name = expression'", source=self.program.source)
                continue
            if a.name in self.assigned:
                first = self.assigned[a.name]
                raise ProgramError(
                    f"'{a.name}' is defined twice ({self._where(first)} and {self._where(a)})",
                    source=self._line(a),
                    column=a.column,
                )
            self.assigned[a.name] = a

    def _line(self, a: Assignment) -> str:
        lines = self.program.source.splitlines() or [""]
        return lines[min(a.line, len(lines)) - 1]

    def _where(self, a: Assignment, column: int | None = None) -> str:
        """'line 3' in a program of several lines; 'column 12' when it is all on one line."""
        if "\n" in self.program.source.strip():
            return f"on line {a.line}" if column is not None else f"line {a.line}"
        return f"at column {column or a.column}" if column is not None else f"column {a.column}"

    def _output_name(self, of: str | None) -> str:
        if of is None:
            return self.nodes[-1].name
        if self.bare:
            raise VariableError("a single expression has no named output to choose", option="of")
        if of not in self.assigned:
            defined = ", ".join(self.assigned) or "nothing"
            raise VariableError(
                f"no assignment named '{of}' to use as the output; the program defines {defined}"
            )
        return of

    def _symbol(self, name: str) -> sympy.Symbol:
        sym = self.symbols.get(name)
        if sym is None:
            sym = self.symbols[name] = sympy.Symbol(name, **self.assumptions)
        return sym

    # -- the walk ----------------------------------------------------------------------------

    def _assign(self, assignment: Assignment) -> None:
        root = assignment.value
        values: dict[int, tuple[sympy.Expr, int]] = {}  # id(term) → (value, inline depth)
        stack: list[tuple[Term, bool]] = [(root, False)]
        while stack:
            term, ready = stack.pop()
            if not ready:
                stack.append((term, True))
                stack.extend((arg, False) for arg in reversed(term.args))
                continue
            if term.op == "symbol":
                values[id(term)] = (self._use(term, assignment), 0)
                continue
            args = [values[id(a)] for a in term.args]
            try:
                values[id(term)] = self._combine(term, args, is_root=term is root)
                if values[id(term)][0].has(sympy.zoo, sympy.nan):
                    raise MathError(
                        "the expression is undefined: it divides by zero (or is 0/0, ∞ − ∞, …)",
                        source=self.program.source,
                        column=term.column or None,
                    )
            except (ValueError, TypeError, ArithmeticError) as exc:
                # sympy refuses some constant arguments outright (max(0, nan) is "not
                # comparable"): the input's fault, said in one line.
                raise MathError(
                    f"cannot build this expression: {_one_line(exc)}",
                    source=self.program.source,
                    column=term.column or None,
                ) from exc
        value, _ = values[id(root)]
        name = assignment.name or "\0out"
        sym = self._symbol(name) if assignment.name else sympy.Symbol(name, **self.assumptions)
        self._add_node(name, sym, value, by_user=assignment.name is not None)

    def _use(self, term: Term, assignment: Assignment) -> sympy.Expr:
        name = term.text
        if name in self.assigned and name not in self.defined:
            later = self.assigned[name]
            where = "its own definition" if later is assignment else self._where(later)
            raise ProgramError(
                f"'{name}' is used {self._where(assignment, term.column)} before it is defined "
                f"({where})",
                source=self._line(assignment),
                column=term.column,
            )
        return self._symbol(name)

    def _combine(
        self, term: Term, args: list[tuple[sympy.Expr, int]], *, is_root: bool
    ) -> tuple[sympy.Expr, int]:
        op = term.op
        if op == "number":
            return _number(term.text), 0
        if op == "constant":
            return (sympy.pi if term.text == "pi" else sympy.E), 0
        if op in ("call", "apply"):
            vals = [self._name_if_compound(v) for v in args]
            value = self._call(term, vals)
            if not is_root and _has_symbols(value) and not value.is_Symbol:
                return self._generated(value), 0
            return value, 0
        if op == "pow":
            if self.bare:
                args = [(self._name_if_compound(a), 0) for a in args]
            value = _power(args[0][0], args[1][0])
        elif op == "add":
            value = sympy.Add(*(a for a, _ in args))
        elif op == "mul":
            value = sympy.Mul(*(a for a, _ in args))
        elif op == "neg":
            value = -args[0][0]
        elif op == "div":
            value = args[0][0] / args[1][0]
        else:  # pragma: no cover - the parser only makes the ops above
            raise ProgramError(f"unsupported operation '{op}'", source=self.program.source)
        depth = 1 + max((d for _, d in args), default=0)
        if depth > MAX_INLINE_DEPTH and _has_symbols(value) and not is_root:
            return self._generated(value), 0
        return value, depth

    def _name_if_compound(self, arg: tuple[sympy.Expr, int]) -> sympy.Expr:
        value = arg[0]
        if value.is_Atom or not _has_symbols(value):
            return value
        return self._generated(value)

    def _call(self, term: Term, args: list[sympy.Expr]) -> sympy.Expr:
        if term.op == "apply":
            return sympy.Function(term.text, **self.assumptions)(*args)
        constructor, arities = FUNCTIONS[term.text], FUNCTION_ARITIES[term.text]
        if len(args) not in arities:
            raise ProgramError(
                f"{term.text}() takes {_arity_text(arities)}, not {len(args)}",
                source=self.program.source,
                column=term.column,
            )
        if term.text == "factorial" and args[0].is_Integer and abs(args[0]) > 1000:
            return sympy.factorial(args[0], evaluate=False)
        return constructor(*args)

    def _generated(self, value: sympy.Expr) -> sympy.Symbol:
        existing = self.by_definition.get(value)
        if existing is not None:
            return existing
        self.generated += 1
        name = f"\0{self.generated}"
        sym = sympy.Symbol(name, **self.assumptions)
        self._add_node(name, sym, value, by_user=False)
        return sym

    def _add_node(self, name: str, sym: sympy.Symbol, value: sympy.Expr, by_user: bool) -> None:
        if len(self.nodes) >= MAX_NODES:
            raise LimitError(
                f"the computation has more than {MAX_NODES:,} intermediates",
                source=self.program.source,
            )
        parents = tuple(sorted(s.name for s in value.free_symbols))
        self.nodes.append(Node(name, sym, value, parents, by_user))
        if not by_user:
            self.by_definition[value] = sym

    # -- naming the generated intermediates ---------------------------------------------------

    def _rename(self, nodes: list[Node], output: str) -> tuple[list[Node], dict[str, sympy.Symbol]]:
        taken = set(self.symbols) | set(self.functions) | set(FUNCTIONS)
        placeholders = [n.name for n in nodes if not n.named_by_user and n.name != "\0out"]
        names = iter(_fresh_names(len(placeholders), taken))
        new_names = {p: next(names) for p in placeholders}
        if nodes[-1].name == "\0out":
            used = taken | set(new_names.values())
            new_names["\0out"] = next(n for n in _OUTPUT_NAMES if n not in used)
        mapping = {
            n.symbol: sympy.Symbol(new_names[n.name], **self.assumptions)
            for n in nodes
            if n.name in new_names
        }
        renamed: dict[str, sympy.Symbol] = {}
        out: list[Node] = []
        for n in nodes:
            sym = mapping.get(n.symbol, n.symbol)
            definition = n.definition.xreplace(mapping) if mapping else n.definition
            parents = tuple(sorted(s.name for s in definition.free_symbols))
            out.append(Node(sym.name, sym, definition, parents, n.named_by_user))
            renamed[sym.name] = sym
        return out, renamed


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _fresh_names(count: int, taken: set[str]) -> list[str]:
    """Short names for generated intermediates: u, v, w, … while they suffice, else u1, u2, …."""
    short = [n for n in _GENERATED if n not in taken]
    if count <= len(short):
        return short[:count]
    names: list[str] = []
    i = 0
    while len(names) < count:
        i += 1
        candidate = f"u{i}"
        if candidate not in taken:
            names.append(candidate)
    return names


def _ancestors(nodes: list[Node], output: str) -> list[Node]:
    """The nodes the output depends on, in their original order (dead assignments dropped)."""
    index = {n.name: n for n in nodes}
    needed = {output}
    stack = [output]
    while stack:
        node = index[stack.pop()]
        for p in node.parents:
            if p in index and p not in needed:
                needed.add(p)
                stack.append(p)
    kept = [n for n in nodes if n.name in needed]
    # The output is last even when ``of`` picks an earlier assignment.
    return [n for n in kept if n.name != output] + [index[output]]


def _function_names(program: Program) -> set[str]:
    names: set[str] = set()
    for a in program.assignments:
        stack = [a.value]
        while stack:
            t = stack.pop()
            if t.op == "apply":
                names.add(t.text)
            stack.extend(t.args)
    return names


def _has_symbols(value: sympy.Expr) -> bool:
    return bool(value.free_symbols)


def _number(text: str) -> sympy.Expr:
    if "." in text:
        return sympy.Rational(text)
    return sympy.Integer(int(text))


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base**exponent, left unevaluated when evaluating it would make a gigantic number."""
    if base.is_Number and exponent.is_Number and not _small_power(base, exponent):
        return sympy.Pow(base, exponent, evaluate=False)
    if (base.is_Number or base.is_Pow) and exponent.is_Pow and not exponent.free_symbols:
        return sympy.Pow(base, exponent, evaluate=False)
    if base.is_Pow and base.args[0].is_Number and not base.free_symbols and exponent.is_Number:
        return sympy.Pow(base, exponent, evaluate=False)
    return sympy.Pow(base, exponent)


def _small_power(base: sympy.Expr, exponent: sympy.Expr) -> bool:
    if not exponent.is_Rational or base.is_Float:
        return bool(abs(exponent) < 1000)
    try:
        magnitude = abs(float(base))
    except (OverflowError, TypeError):
        return False
    if magnitude in (0.0, 1.0):
        return True
    digits = abs(float(exponent)) * abs(math.log10(magnitude)) if magnitude else 0
    return digits < MAX_EXACT_DIGITS


def _arity_text(arities: Sequence[int]) -> str:
    if len(arities) == 1:
        n = arities[0]
        return f"{n} argument" + ("s" if n != 1 else "")
    return f"{arities[0]} to {arities[-1]} arguments"
