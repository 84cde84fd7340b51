"""What the runner takes and gives: a ``Job`` and its ``Outcome``; no sympy, so the command
line's parent process can unpickle an Outcome that a worker sent without loading the library."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from chainrule.errors import ChainruleError, InternalError, LimitError

if TYPE_CHECKING:
    from chainrule.model import Note


@dataclass(frozen=True)
class Job:
    """One input to derive and render, and the budgets to do it in.  Callable from Python:

    >>> from chainrule.runner import run
    >>> outcome = run(Job("sin(x**2)", fmt="json", isolate=False))
    >>> outcome.exit_code, '"result": "2*x*cos(x**2)"' in outcome.output
    (0, True)
    """

    text: str
    wrt: tuple[str, ...] = ()  # empty: the only variable
    of: str | None = None  # a program's output; its last assignment when None
    syntax: str = "auto"  # "auto", "math" or "latex"
    functions: tuple[str, ...] = ()  # names read as abstract functions
    real: bool = True  # variables are real
    at: tuple[str, ...] = ()  # a point, as typed ("x=1.5, W1=0.3"): values there too
    shapes: tuple[str, ...] = ()  # declared shapes, as typed ("W1=3x2"): the shaped path
    fmt: str = "text"  # one of render.FORMATS, or "rich" for a terminal (ANSI styled)
    standalone: bool = False  # LaTeX: a whole document
    width: int = 100  # "rich" only: the terminal's width
    timeout: float = 5.0  # seconds of wall clock for the whole input
    memory_mb: int = 1024  # address space of the worker
    isolate: bool = True  # run in a forked worker with hard limits (where fork exists)
    answer: str | None = None  # a learner's derivative to judge instead (``api.check_answer``)
    # A gradient check instead (``api.gradcheck``): this many random points (or the point
    # ``at``), drawn with ``seed``.
    gradcheck: int | None = None
    seed: int = 0


class Said(NamedTuple):
    """A note as it travels from a worker: its code and data, worded (``render.notes``), and
    whether a command line shows it on stderr.  Plain data: reading it loads no sympy."""

    code: str
    data: tuple[tuple[str, str], ...]
    text: str
    stderr: bool


@dataclass
class Outcome:
    """What one input produced: rendered output, or the error it ended in; and its notes."""

    output: str = ""
    error: ChainruleError | None = None
    said: tuple[Said, ...] = ()
    status: int = 0  # without an error: 1 for a negative answer (a wrong answer judged)

    @property
    def exit_code(self) -> int:
        return self.error.exit_code if self.error is not None else self.status

    @property
    def notes(self) -> list[Note]:
        """The notes as the library's ``Note`` objects (this loads the model, and sympy)."""
        from chainrule.model import Note

        return [Note(s.code, s.data) for s in self.said]


def from_messages(messages: list[dict[str, Any]], *, finished: bool, job: Job) -> Outcome:
    """The Outcome of a job from the messages its worker sent.

    Args:
        messages: ``{"output", "said"}`` or ``{"error"}`` dicts, in the order sent; each
            output message carries the notes that hold if it is the last one (the exact result
            carries the note that simplifying ran out of time).
        finished: the worker finished the job (False: it was stopped, or died).
        job: the job, for its budgets.

    Returns:
        The last message's output or error; without any message, the budget that stopped it.
    """
    if not messages:
        return Outcome(error=no_answer(finished, job))
    last = messages[-1]
    if "error" in last:
        return Outcome(error=last["error"])
    return Outcome(output=last["output"], said=tuple(last["said"]), status=last.get("status", 0))


def no_answer(finished: bool, job: Job) -> ChainruleError:
    """Why a worker gave no answer: the wall clock, or the memory or CPU budget that killed it.

    Args:
        finished: the worker ended by itself (else the wall clock stopped it).
        job: the job, for its budgets.

    Returns:
        The LimitError to report, its ``option`` naming the budget.
    """
    if not finished:
        return LimitError(f"gave up after {job.timeout:g} s (the time budget)", option="timeout")
    return LimitError(
        f"the derivation was stopped by its memory or CPU budget ({job.memory_mb} MB)",
        option="budget",
    )


def internal(exc: BaseException) -> InternalError:
    """A bug, as the error the user sees: where it happened, and a request to report it.

    Args:
        exc: the unexpected exception.

    Returns:
        An InternalError (exit code 70) whose ``option`` suggests the debug setting.
    """
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" at {where[0].name}" if where else ""
    return InternalError(
        f"internal error: {type(exc).__name__}{place}: {exc}; please report this input",
        option="debug",
    )
