"""Program of Terms → Graph of named intermediates.

Rules (documented in the README):

* In a bare expression every function application becomes an intermediate, and so does every
  compound argument of a function and every compound base or exponent of a power:
  ``sin(x**2)`` → u = x², y = sin(u).  ``e^(…)`` is ``exp(…)``.  A quotient whose denominator
  depends on a variable names its denominator and numerator when they are sums or products,
  so a reciprocal is a power of a node and the quotient rule falls out of the paths:
  ``(x^2+1)/(x^2-1)`` → u = x² + 1, v = x² − 1, y = u/v.  A power whose base and exponent
  depend on the same variable is derived by logarithmic differentiation written as the chain
  rule: ``x^x`` → u = ln(x), v = x·u, y = eᵛ (the node remembers that it was typed xˣ).
* In a program the user's assignments set the granularity: each assignment is one node, and
  chainrule only names what is nested inside a function call on that line
  (``h = sigmoid(W1*x + b1)`` → u = W₁x + b₁, h = σ(u)).
* Every definition is kept as typed (``calculus.typed``), beside the evaluated form the engine
  differentiates.  A subexpression that occurs twice is one node.  Generated names share no
  stem with the user's names (``calculus.names``).
* ``0^u`` with a symbolic exponent is 0 where u > 0, and is taken as that (with a note).

The walk over the Term tree is iterative, and every node's definition is a shallow sympy
expression, so a 1000-deep composition never becomes a 1000-deep sympy object.
"""

from __future__ import annotations

import dataclasses

import sympy

from chainrule.calculus.constants import opaque
from chainrule.calculus.functions import FUNCTIONS
from chainrule.calculus.names import predicted_names, rename, symbol_names
from chainrule.calculus.nodes import NodeTable, Value, same
from chainrule.calculus.shortcuts import applied, product, total
from chainrule.calculus.typed import (
    power,
    typed_add,
    typed_div,
    typed_mul,
    typed_neg,
    typed_pow,
    write_out,
)
from chainrule.errors import MathError, ProgramError, VariableError
from chainrule.model import (
    FUNCTION_ARITIES,
    Assignment,
    Graph,
    Node,
    Note,
    Program,
    Term,
    arity_text,
)

MAX_NODES = 20_000  # intermediates after decomposition
MAX_INLINE_DEPTH = 12  # an inline subexpression deeper than this gets a name of its own


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
        MathError: the expression is undefined (a division by zero among constants).
    """
    return _Decomposer(program, real).run(of)


class _Decomposer:
    def __init__(self, program: Program, real: bool = True) -> None:
        self.program = program
        self.assumptions = {"real": True} if real else {}
        self.bare = program.is_expression
        self.assigned: dict[str, Assignment] = {}
        self.symbols: dict[str, sympy.Symbol] = {}
        self.notes: list[Note] = []
        self.functions = _function_names(program)
        # An expression's intermediates are all kept: past the first few, each is given the
        # name renaming would give it, so that renaming has almost nothing to rewrite.
        self.users = symbol_names(program) | self.functions
        names = predicted_names(self.users, FUNCTIONS) if self.bare else None
        self.table = NodeTable(program.source, self.assumptions, MAX_NODES, names)
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
        nodes = _ancestors(self.table.nodes, output)
        users = set(self.symbols) | self.functions
        assert users <= self.users, "a name the predicted names did not avoid"
        graph_nodes = rename(nodes, users, FUNCTIONS, self.assumptions)
        renamed = {n.symbol for n in graph_nodes}
        inputs = sorted(
            {s for n in graph_nodes for s in n.definition.free_symbols} - renamed,
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
            notes=program.notes + tuple(dict.fromkeys(self.notes)),
            aside=_aside(self.table.nodes, nodes, graph_nodes, set(table)),
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
            return self.table.nodes[-1].name
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
        values: dict[int, Value] = {}  # id(term) → its value
        stack: list[tuple[Term, bool]] = [(root, False)]
        while stack:
            term, ready = stack.pop()
            if not ready:
                stack.append((term, True))
                stack.extend((arg, False) for arg in reversed(term.args))
                continue
            if term.op == "symbol":
                values[id(term)] = same(self._use(term, assignment))
                continue
            args = [values[id(a)] for a in term.args]
            try:
                values[id(term)] = self._combine(term, args, is_root=term is root)
                if values[id(term)].evaluated.has(sympy.zoo, sympy.nan):
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
        value = values[id(root)]
        name = assignment.name or "\0out"
        sym = self._symbol(name) if assignment.name else sympy.Symbol(name, **self.assumptions)
        self.table.add(sym, value, by_user=assignment.name is not None)

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

    def _combine(self, term: Term, args: list[Value], *, is_root: bool) -> Value:
        op = term.op
        if op == "number":
            return same(_number(term.text))
        if op == "constant":
            return same(sympy.pi if term.text == "pi" else sympy.E)
        if op in ("call", "apply"):
            return self._applied(
                self._call(term, [self._name_if_compound(v) for v in args]), is_root
            )
        if op == "pow":
            return self._power(args[0], args[1], is_root)
        if op == "div" and self.bare and _has_symbols(args[1].typed):
            # A quotient: its sides are nodes, so the quotient rule falls out of the paths.
            args = [self._name_value(a) if _is_sum_or_product(a.typed) else a for a in args]
        typed = [a.typed for a in args]
        evaluated = [a.evaluated for a in args]
        if op == "add":
            value = Value(typed_add(typed), total(evaluated))
        elif op == "mul":
            value = Value(typed_mul(typed), product(evaluated))
        elif op == "neg":
            value = Value(typed_neg(typed[0]), -evaluated[0])
        elif op == "div":
            value = Value(typed_div(*typed), evaluated[0] / evaluated[1])
        else:  # pragma: no cover - the parser only makes the ops above
            raise ProgramError(f"unsupported operation '{op}'", source=self.program.source)
        depth = 1 + max(a.depth for a in args)
        return self._inline(value, depth, is_root)

    def _inline(self, value: Value, depth: int, is_root: bool) -> Value:
        """``value`` kept inline, or named when it is deeper than ``MAX_INLINE_DEPTH``."""
        if not _has_symbols(value.typed):
            return same(value.evaluated)  # constants are evaluated (2*3 is 6)
        if depth > MAX_INLINE_DEPTH and not is_root:
            return same(self.table.generated(value))
        return value._replace(depth=depth)

    def _applied(self, value: sympy.Expr, is_root: bool) -> Value:
        """A function application: a node of its own unless it is the whole definition."""
        if not is_root and _has_symbols(value) and not value.is_Symbol:
            return same(self.table.generated(same(value)))
        return same(value)

    def _power(self, base: Value, exponent: Value, is_root: bool) -> Value:
        if base.evaluated is sympy.E:  # e^(…) is exp(…), in a program too
            return self._applied(opaque(sympy.exp, [self._name_if_compound(exponent)]), is_root)
        if self.bare:
            base, exponent = self._name_value(base), self._name_value(exponent)
            if self._share_an_input(base.typed, exponent.typed):
                return self._logarithmic(base.typed, exponent.typed, is_root)
        typed = typed_pow(base.typed, exponent.typed)
        evaluated = power(base.evaluated, exponent.evaluated)
        if evaluated.is_Pow and evaluated.base.is_zero:
            # 0^u, u's sign unknown to sympy, is 0 where u > 0 and undefined where u < 0: taken
            # as 0, which also gives the derivative 0 rather than sympy's nan (0^u·ln 0).
            self.notes.append(Note("zero_power"))
            evaluated = sympy.Integer(0)
        return self._inline(Value(typed, evaluated), 1 + max(base.depth, exponent.depth), is_root)

    def _logarithmic(self, base: sympy.Expr, exponent: sympy.Expr, is_root: bool) -> Value:
        """u^v as e^w with w = v·ln u: the chain rule then shows both of u^v's derivatives."""
        logarithm = self.table.generated(same(sympy.log(base)))
        product = self.table.generated(
            Value(typed_mul([exponent, logarithm]), exponent * logarithm)
        )
        value = sympy.exp(product)
        self.table.written[value] = typed_pow(base, exponent)
        return self._applied(value, is_root)

    def _share_an_input(self, base: sympy.Expr, exponent: sympy.Expr) -> bool:
        return bool(self.table.inputs(base) & self.table.inputs(exponent))

    def _name_value(self, value: Value) -> Value:
        return same(self._name_if_compound(value))

    def _name_if_compound(self, value: Value) -> sympy.Expr:
        # 1·x is x; but x − x, which evaluates to 0, is a node: it still depends on x.
        if value.typed.is_Atom or value.evaluated.is_Symbol or not _has_symbols(value.typed):
            return value.evaluated
        return self.table.generated(value)

    def _call(self, term: Term, args: list[sympy.Expr]) -> sympy.Expr:
        if term.op == "apply":
            return sympy.Function(term.text, **self.assumptions)(*args)
        constructor, arities = FUNCTIONS[term.text], FUNCTION_ARITIES[term.text]
        if len(args) not in arities:
            raise ProgramError(
                f"{term.text}() takes {arity_text(arities)}, not {len(args)}",
                source=self.program.source,
                column=term.column,
            )
        if len(args) == 1 and args[0].is_Symbol:  # sin(u): sympy evaluates it once per kind
            return applied(constructor, args[0])
        return opaque(constructor, args)  # factorial(2000) is held, not evaluated


def _is_sum_or_product(expr: sympy.Expr) -> bool:
    return bool(expr.is_Add or expr.is_Mul) and _has_symbols(expr)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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


def _aside(
    nodes: list[Node], kept: list[Node], renamed: list[Node], known: set[str]
) -> tuple[Node, ...]:
    """The user's assignments the output does not use, each written only in names the graph
    knows (or earlier such assignments): softmax's ``p2 = exp(z2)/s`` beside ``L = -ln(p1)``,
    its exp(z₂) the graph's own node.  One that holds an input the output never uses, or a
    subexpression the graph does not name, is left out."""
    names_of = {old.symbol: new.symbol for old, new in zip(kept, renamed, strict=True)}
    used = {n.name for n in kept}
    aside: list[Node] = []
    for node in nodes:
        if not node.named_by_user or node.name in used:
            continue
        by_name = {old.name: new.name for old, new in names_of.items()}
        node = dataclasses.replace(
            node,
            definition=write_out(node.definition, names_of),
            parents=tuple(by_name.get(p, p) for p in node.parents),
            evaluated=None if node.evaluated is None else node.evaluated.xreplace(names_of),
        )
        names = {s.name for s in node.definition.free_symbols | node.value.free_symbols}
        if names <= known:
            aside.append(node)
            known = known | {node.name}
    return tuple(aside)


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
