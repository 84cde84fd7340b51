"""Every exception chainrule raises, each carrying the exit code the CLI uses for it.

The library raises these; only the CLI turns them into messages and exit codes
(the habit of click's ``exceptions.py`` and sqlite-utils' CLI over a library).

Exit codes: 0 success, 1 a negative answer, 2 bad input or usage, 70 internal error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class ChainruleError(Exception):
    """Base of every chainrule error: a message a person can act on, and an exit code."""

    exit_code = EXIT_USAGE
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: int | None = None,
        hint: str | None = None,
        option: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.column = column  # 1-based column in ``source``, when the error has a place
        self.hint = hint
        # The setting that would help, named as the library's parameter ("wrt", "functions",
        # "timeout", …) with the value to give it, if any.  The library never names a
        # command-line flag; the CLI turns ``option`` into a hint that does.
        self.option = option
        self.value = value


class ParseError(ChainruleError):
    """The text is not an expression or program chainrule can read."""

    kind = "parse"


class ProgramError(ChainruleError):
    """The program reads, but its names do not fit together (used before defined, ...)."""

    kind = "program"


class MathError(ChainruleError):
    """The expression reads, but sympy cannot build it (max(0, 0/0), a comparison with nan)."""

    kind = "math"


class VariableError(ChainruleError):
    """A variable to differentiate by, or a program's output, is unknown, missing or ambiguous."""

    kind = "variable"


class LimitError(ChainruleError):
    """The input is past one of chainrule's documented limits (size, depth, time, memory)."""

    kind = "limit"


class InternalError(ChainruleError):
    """A bug in chainrule: the message asks the user to report it."""

    exit_code = EXIT_INTERNAL
    kind = "internal"


class VerificationError(InternalError):
    """The engine's result disagreed with an independent computation; never printed as a result."""

    kind = "verification"


class ShapeError(ChainruleError):
    """Shapes that do not fit: a product, sum or function given operands of the wrong shapes."""

    kind = "shape"
