"""The work itself, as every worker does it (in this process, a forked child or a pool's
worker): derive, render, simplify; the budgets a worker sets on itself; and the frames that
carry jobs and messages over pipes."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import struct
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chainrule.errors import ChainruleError, LimitError
from chainrule.runner.job import Job, Said, internal

if TYPE_CHECKING:
    from chainrule.model import Derivation, Note

Send = Callable[[dict[str, Any]], None]
_HEADER = struct.Struct("!I")
GC_THRESHOLD = 10_000  # allocations between young-generation collections, in a worker
# The terminal view of a derivation with more steps than this is the plain text layout: rich
# draws its panels at about a thousand steps a second, slower than chainrule derives them
# (a sum of 3,000 terms has 15,000 steps: 16 s of drawing, 2 s of deriving).
RICH_MAX_STEPS = 2_000


def reading(job: Job) -> dict[str, Any]:
    """How ``job``'s text is read, as the api's keyword arguments (``of``, ``syntax``,
    ``functions``, ``real``): the same for derive, check and gradcheck."""
    return {"of": job.of, "syntax": job.syntax, "functions": job.functions, "real": job.real}


def work(job: Job, send: Send) -> None:
    """Parse, derive, check and render ``job``; ``send`` each finished output.

    The exact output goes first, with the note that simplifying ran out of time: it is the
    answer if the worker is stopped while simplifying.  Then the final output, simplified
    when a simpler form was found.

    Args:
        job: what to derive and how to render it.
        send: called with ``{"output", "said", "final"}`` messages.

    Raises:
        ChainruleError: bad input, a limit, or a failed cross-check.
    """
    from chainrule.api import derive, is_shaped, simplify
    from chainrule.model import Note

    if job.answer is not None:
        check(job, send)
        return
    if is_shaped(job.text, job.shapes, job.at or None):
        shaped(job, send)  # derived or gradient-checked with shapes
        return
    if job.gradcheck is not None:
        gradcheck(job, send)
        return
    derivation = derive(job.text, job.wrt or None, at=job.at or None, **reading(job))
    layout: list[Note] = []
    if job.fmt == "rich" and len(derivation.steps) > RICH_MAX_STEPS:
        job = dataclasses.replace(job, fmt="text")
        layout = [Note("plain_layout", (("steps", f"{len(derivation.steps):,}"),))]
    exact = render_output(derivation, job)
    notes = said(derivation.notes) + said(layout)
    send({"output": exact, "said": notes + said([Note("simplify_timeout")]), "final": False})
    simpler = simplify(derivation)
    if simpler is derivation:
        send({"output": exact, "said": notes, "final": True})
    else:
        output = render_output(simpler, job)
        send({"output": output, "said": said(simpler.notes) + said(layout), "final": True})


def shaped(job: Job, send: Send) -> None:
    """Derive ``job`` with vectors and matrices (``api.derive_shaped``), or check its gradients
    (``job.gradcheck``: status 1 when one disagrees); ``send`` the output."""
    from chainrule.api import derive_shaped
    from chainrule.render.shaped import render_shaped

    checking = job.gradcheck is not None  # chainrule gradcheck: the check, reported
    derivation = derive_shaped(
        job.text,
        job.wrt or None,
        of=job.of,
        shapes=job.shapes,
        at=job.at or None,
        check=not checking,
        seed=job.seed,
        points=job.gradcheck,
    )
    if job.fmt == "rich" and not checking:
        output = _rich(derivation, job.width)
    else:
        fmt = "text" if job.fmt == "rich" else job.fmt
        output = render_shaped(derivation, fmt, standalone=job.standalone, check_only=checking)
    status = int(derivation.gradcheck is not None and not derivation.gradcheck.agree)
    send({"output": output, "said": (), "final": True, "status": status})


def _rich(derivation: Any, width: int) -> str:
    """A shaped derivation drawn for a terminal (ANSI styled)."""
    import io

    from rich.console import Console

    from chainrule.render.terminal_shaped import render_shaped_rich

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, width=width).print(render_shaped_rich(derivation))
    return buffer.getvalue()


def check(job: Job, send: Send) -> None:
    """Judge ``job.answer`` as the derivative of ``job.text``; ``send`` the verdict, rendered,
    with ``status`` 1 when the answer is wrong.

    Args:
        job: what to check and how to render it.
        send: called once, with ``{"output", "said", "final", "status"}``.

    Raises:
        ChainruleError: bad input (in the expression or the answer), or a limit.
    """
    from chainrule.api import check_answer
    from chainrule.model import Verdict

    assert job.answer is not None
    derivation = check_answer(
        job.text,
        job.answer,
        job.wrt or None,
        **reading(job),
    )
    correct = all(s.correct for s in derivation.steps if isinstance(s, Verdict))
    output = render_output(derivation, job)
    send(
        {
            "output": output,
            "said": said(derivation.notes),
            "final": True,
            "status": int(not correct),
        }
    )


def gradcheck(job: Job, send: Send) -> None:
    """Compare each derivative of ``job.text`` with a finite difference; ``send`` the check,
    rendered (only the check, but JSON carries the whole derivation), with ``status`` 1 when
    a derivative disagrees.

    Args:
        job: what to check, where (``at``, or ``gradcheck`` random points and ``seed``), and
            how to render it.
        send: called once, with ``{"output", "said", "final", "status"}``.

    Raises:
        ChainruleError: bad input, a point that does not read, or a limit.
    """
    import dataclasses

    from chainrule.api import gradcheck as check_gradients
    from chainrule.model import GradCheck

    assert job.gradcheck is not None
    derivation = check_gradients(
        job.text,
        job.wrt or None,
        **reading(job),
        at=job.at or None,
        points=job.gradcheck,
        seed=job.seed,
    )
    steps = [s for s in derivation.steps if isinstance(s, GradCheck)]
    shown = derivation if job.fmt == "json" else dataclasses.replace(derivation, steps=tuple(steps))
    send(
        {
            "output": render_output(shown, job),
            "said": said(derivation.notes),
            "final": True,
            "status": int(not all(s.agree for s in steps)),
        }
    )


def attempt(job: Job, send: Send) -> bool:
    """``work``, with every failure sent as an error message instead of raised.

    Args:
        job: the job.
        send: as for ``work``; an error is sent as ``{"error", "final"}``.

    Returns:
        True when the process that ran it should not run another job: it ran out of memory,
        of stack, or into a bug that may have left its state broken.
    """
    try:
        work(job, send)
    except ChainruleError as err:
        send({"error": err, "final": True})
    except MemoryError:
        message = f"ran out of memory (the budget is {job.memory_mb} MB)"
        send({"error": LimitError(message, option="memory"), "final": True})
        return True
    except RecursionError:
        send({"error": LimitError("the input is nested too deeply to derive"), "final": True})
        return True
    except Exception as exc:  # a bug: report it, never a traceback
        send({"error": internal(exc), "final": True})
        return True
    return False


def said(notes: tuple[Note, ...] | list[Note]) -> tuple[Said, ...]:
    """Notes worded, as they travel to the command line.

    Args:
        notes: the library's notes.

    Returns:
        One ``Said`` per note, in order.
    """
    from chainrule.render.notes import note_text, stderr_notes

    shown = stderr_notes(notes)
    return tuple(Said(n.code, n.data, note_text(n), n in shown) for n in notes)


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


def limit_self(job: Job) -> None:
    """Set this process's memory budget, and a CPU-time backstop for one more job; and its
    garbage collector's threshold (``GC_THRESHOLD``), the same for every job.

    The parent keeps the wall clock; RLIMIT_CPU (soft, counted from the CPU time used so far,
    so that a long-lived worker can run job after job) is for a parent that cannot.  Memory and
    CPU get soft limits only, so the next job can set its own; no core is ever dumped.

    Args:
        job: ``memory_mb`` and ``timeout``.
    """
    import resource  # here: it exists only where fork does

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    # On top of what the worker already maps: forked from a large process (a notebook with
    # torch loaded maps gigabytes), a budget of the whole address space would refuse everything.
    memory = _mapped_bytes() + job.memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + job.timeout) + 2
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would dump a worker's core
    sys.setrecursionlimit(10_000)
    # A derivation allocates hundreds of thousands of small sympy objects, nearly all acyclic
    # and long-lived: at Python's default threshold (700) the collector scans the whole heap
    # again and again as it grows, 13% of a 3,000-term input's time (bench_linear).
    gc.set_threshold(GC_THRESHOLD, 10, 10)


def _mapped_bytes() -> int:
    """This process's address space in bytes (Linux's /proc); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


# -- frames: a length, then a pickle --------------------------------------------------------------


def frame(message: object) -> bytes:
    """``message`` as one frame: its pickle's length, then the pickle."""
    data = pickle.dumps(message)
    return _HEADER.pack(len(data)) + data


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to a blocking file descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Frames:
    """Collects bytes read from a pipe and returns the whole frames among them."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[Any]:
        """Add ``chunk``; return the messages completed by it, in order."""
        self._buffer += chunk
        out = []
        while len(self._buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._buffer)
            end = _HEADER.size + size
            if len(self._buffer) < end:
                break
            out.append(pickle.loads(self._buffer[_HEADER.size : end]))
            del self._buffer[:end]
        return out
