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
from typing import Any

from chainrule.errors import ChainruleError, InternalError, LimitError

_HEADER = struct.Struct("!I")


@dataclass
class Outcome:
    """What one input produced: rendered output, or an error with its exit code."""

    output: str = ""
    error: dict[str, Any] | None = None
    exit_code: int = 0
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, err: ChainruleError) -> Outcome:
        from chainrule.parser import format_error

        error = err.to_dict() | {"text": format_error(err)}
        return cls(error=error, exit_code=err.exit_code)

    @property
    def error_text(self) -> str:
        return str(self.error["text"]) if self.error else ""

    def error_json(self, source: str) -> str:
        import json

        assert self.error is not None
        error = {k: v for k, v in self.error.items() if k != "text"}
        return json.dumps({"schema": 1, "input": source, "error": error}, ensure_ascii=False)


def run(text: str, options: Any, *, debug: bool = False) -> Outcome:
    """Derive and render ``text`` with ``options`` (a ``cli.Options``) within its budget.

    Args:
        text: the user's expression or program.
        options: output format, variables and budgets.
        debug: run in this process and let unexpected exceptions propagate.

    Returns:
        The Outcome; never raises for bad input.
    """
    if debug or not options.isolate or not hasattr(os, "fork"):
        return _in_process(text, options, debug)
    return _in_child(text, options)


def _in_process(text: str, options: Any, debug: bool) -> Outcome:
    messages: list[dict[str, Any]] = []
    try:
        _work(text, options, messages.append)
    except ChainruleError as err:
        return Outcome.failed(err)
    except Exception as exc:
        if debug:
            raise
        return Outcome.failed(_internal(exc))
    return _from_messages(messages, finished=True)


def _work(text: str, options: Any, send: Any) -> None:
    """Parse, derive, check and render; ``send`` each finished output (exact, then simpler)."""
    from chainrule.api import derive
    from chainrule.simplify import simplify_results
    from chainrule.verify import verify

    derivation = derive(
        text,
        options.wrt or None,
        of=options.of,
        syntax=options.syntax,
        functions=options.functions,
        real=options.real,
    )
    send({"output": render_output(derivation, options)})
    simpler = simplify_results(derivation)
    if simpler is not derivation:
        send({"output": render_output(verify(simpler), options)})


def render_output(derivation: Any, options: Any) -> str:
    """The derivation in the requested format, as the text to write to stdout.

    Args:
        derivation: a checked Derivation.
        options: ``fmt``, ``standalone``, ``rich`` and ``width``.

    Returns:
        The output; ANSI-styled only when ``options.rich``.
    """
    if options.rich:
        import io

        from rich.console import Console

        from chainrule.render.terminal import render_rich

        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=options.width)
        console.print(render_rich(derivation))
        return buffer.getvalue()
    from chainrule.render import render

    return render(derivation, options.fmt, standalone=options.standalone)


def _from_messages(messages: list[dict[str, Any]], *, finished: bool) -> Outcome:
    if not messages:
        return Outcome.failed(InternalError("internal error: no output was produced"))
    last = messages[-1]
    if "error" in last:
        return Outcome(error=last["error"], exit_code=last["exit_code"])
    outcome = Outcome(output=last["output"])
    if not finished and len(messages) == 1:
        outcome.warnings.append(
            "simplification ran out of time (--timeout); the result shown is exact but unsimplified"
        )
    return outcome


def _internal(exc: BaseException) -> InternalError:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" at {where[0].name}" if where else ""
    return InternalError(
        f"internal error: {type(exc).__name__}{place}: {exc}; please report this input "
        "(run again with --debug for the traceback)"
    )


# -- the forked worker ------------------------------------------------------------------------


def _in_child(text: str, options: Any) -> Outcome:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(text, options, write_fd)
    os.close(write_fd)
    try:
        messages, finished = _collect(read_fd, pid, options.timeout)
    finally:
        os.close(read_fd)
    if not messages:
        return Outcome.failed(_why_no_answer(finished, options))
    return _from_messages(messages, finished=finished)


def _child(text: str, options: Any, fd: int) -> None:
    code = 0
    try:
        import resource

        limit = options.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(options.timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        sys.setrecursionlimit(10_000)

        def send(message: dict[str, Any]) -> None:
            data = pickle.dumps(message)
            os.write(fd, _HEADER.pack(len(data)))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]

        try:
            _work(text, options, send)
        except ChainruleError as err:
            send(_error_message(err))
        except MemoryError:
            send(
                _error_message(
                    LimitError(
                        f"ran out of memory (the budget is {options.memory_mb} MB; see --memory)"
                    )
                )
            )
        except RecursionError:
            send(_error_message(LimitError("the input is nested too deeply to derive")))
        except Exception as exc:  # a bug: report it, never a traceback
            send(_error_message(_internal(exc)))
    except BaseException:  # noqa: BLE001 - the child must always leave through os._exit
        code = 70
    finally:
        os._exit(code)


def _error_message(err: ChainruleError) -> dict[str, Any]:
    outcome = Outcome.failed(err)
    return {"error": outcome.error, "exit_code": outcome.exit_code}


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


def _why_no_answer(finished: bool, options: Any) -> ChainruleError:
    if not finished:
        return LimitError(f"gave up after {options.timeout:g} s (the time budget; see --timeout)")
    return LimitError(
        f"the derivation was stopped by its memory or CPU budget ({options.memory_mb} MB; "
        "see --memory and --timeout)"
    )
