"""Run one derivation inside a time and memory budget, and render it.

Timers inside one Python process can fire late while sympy is deep in big-integer arithmetic,
so each input is derived in a forked child with hard resource limits (RLIMIT_AS for memory,
RLIMIT_CPU as a backstop) while the parent keeps the wall clock.  The child sends the exact
derivation first, then tries to simplify it; if the budget runs out in between, the parent
prints the exact, unsimplified result with a note.  Where ``fork`` does not exist the work
runs in-process without the hard limits.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule.errors import EXIT_INTERNAL, EXIT_OK, ChainruleError, InternalError, LimitError

if TYPE_CHECKING:
    from chainrule.model import Derivation, Note

_HEADER = struct.Struct("!I")


@dataclass(frozen=True)
class Job:
    """One input to derive and render, and the budgets to do it in.  Callable from Python:

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
    fmt: str = "text"  # one of render.FORMATS, or "rich" for a terminal (ANSI styled)
    standalone: bool = False  # LaTeX: a whole document
    width: int = 100  # "rich" only: the terminal's width
    timeout: float = 5.0  # seconds of wall clock for the whole input
    memory_mb: int = 1024  # address space of the worker
    isolate: bool = True  # run in a forked worker with hard limits (where fork exists)


@dataclass
class Outcome:
    """What one input produced: rendered output, or the error it ended in; and notes."""

    output: str = ""
    error: ChainruleError | None = None
    notes: list[Note] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.error.exit_code if self.error is not None else 0


def run(job: Job, *, debug: bool = False) -> Outcome:
    """Derive and render ``job.text`` within the job's time and memory budget.

    Args:
        job: the input, the variables, the output format and the budgets.
        debug: run in this process and let unexpected exceptions propagate.

    Returns:
        The Outcome; never raises for bad input.  When simplifying ran out of time the exact
        result is the output, with the note ``simplify_timeout``.
    """
    if debug or not job.isolate or not hasattr(os, "fork"):
        return _in_process(job, debug)
    return _in_child(job)


def _in_process(job: Job, debug: bool) -> Outcome:
    messages: list[dict[str, Any]] = []
    try:
        _work(job, messages.append)
    except ChainruleError as err:
        return Outcome(error=err)
    except Exception as exc:
        if debug:
            raise
        return Outcome(error=_internal(exc))
    return _from_messages(messages, finished=True)


def _work(job: Job, send: Any) -> None:
    """Parse, derive, check and render; ``send`` each finished output (exact, then simpler)."""
    from chainrule.api import derive, simplify

    derivation = derive(
        job.text,
        job.wrt or None,
        of=job.of,
        syntax=job.syntax,
        functions=job.functions,
        real=job.real,
    )
    # The derivation's notes go with it: the command line prints some on stderr.
    send({"output": render_output(derivation, job), "notes": derivation.notes})
    simpler = simplify(derivation)
    if simpler is not derivation:
        send({"output": render_output(simpler, job), "notes": simpler.notes})


def render_output(derivation: Derivation, job: Job) -> str:
    """The derivation in the job's format, as the text to write to stdout.

    Args:
        derivation: a checked Derivation.
        job: ``fmt``, ``standalone`` and ``width``.

    Returns:
        The output; ANSI-styled only for ``fmt="rich"``.
    """
    if job.fmt == "rich":
        import io

        from rich.console import Console

        from chainrule.render.terminal import render_rich

        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=job.width)
        console.print(render_rich(derivation))
        return buffer.getvalue()
    from chainrule.render import render

    return render(derivation, job.fmt, standalone=job.standalone)


def _from_messages(messages: list[dict[str, Any]], *, finished: bool) -> Outcome:
    if not messages:
        return Outcome(error=InternalError("internal error: no output was produced"))
    last = messages[-1]
    if "error" in last:
        return Outcome(error=last["error"])
    outcome = Outcome(output=last["output"], notes=list(last["notes"]))
    if not finished and len(messages) == 1:
        from chainrule.model import Note  # here only: the model loads sympy (see _in_child)

        outcome.notes.append(Note("simplify_timeout"))
    return outcome


def _internal(exc: BaseException) -> InternalError:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" at {where[0].name}" if where else ""
    return InternalError(
        f"internal error: {type(exc).__name__}{place}: {exc}; please report this input",
        option="debug",
    )


# -- the forked worker ------------------------------------------------------------------------


def _in_child(job: Job) -> Outcome:
    # The parent never needs sympy: the child loads it, derives and exits through os._exit,
    # while a parent that had imported sympy would spend ~80 ms tearing it down at exit.
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    try:
        messages, finished = _collect(read_fd, pid, job.timeout)
    finally:
        os.close(read_fd)
    if not messages:
        return Outcome(error=_why_no_answer(finished, job))
    return _from_messages(messages, finished=finished)


def _child(job: Job, fd: int) -> None:
    code = EXIT_OK
    try:
        import resource

        limit = job.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(job.timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        sys.setrecursionlimit(10_000)

        def send(message: dict[str, Any]) -> None:
            data = pickle.dumps(message)
            os.write(fd, _HEADER.pack(len(data)))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]

        try:
            _work(job, send)
        except ChainruleError as err:
            send({"error": err})
        except MemoryError:
            message = f"ran out of memory (the budget is {job.memory_mb} MB)"
            send({"error": LimitError(message, option="memory")})
        except RecursionError:
            send({"error": LimitError("the input is nested too deeply to derive")})
        except Exception as exc:  # a bug: report it, never a traceback
            send({"error": _internal(exc)})
    except BaseException:  # noqa: BLE001 - the child must always leave through os._exit
        code = EXIT_INTERNAL
    finally:
        os._exit(code)


def _collect(fd: int, pid: int, timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """Read the child's messages until it exits (finished=True) or the deadline passes."""
    deadline = time.monotonic() + timeout
    buffer = b""
    messages: list[dict[str, Any]] = []
    finished = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            break
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            finished = True
            break
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            messages.append(pickle.loads(buffer[_HEADER.size : _HEADER.size + size]))
            buffer = buffer[_HEADER.size + size :]
    if not finished:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if finished and os.WIFSIGNALED(status):
        finished = False
    return messages, finished


def _why_no_answer(finished: bool, job: Job) -> ChainruleError:
    if not finished:
        return LimitError(f"gave up after {job.timeout:g} s (the time budget)", option="timeout")
    return LimitError(
        f"the derivation was stopped by its memory or CPU budget ({job.memory_mb} MB)",
        option="budget",
    )
