"""A forked worker process: the loop it runs (``serve``) and its handle in the parent
(``Worker``), which sends it jobs, reads its answers and stops it.

A worker first loads the library and says ``"ready"``; then it reads a job, sets its own
budgets (``work.limit_self``), sends the exact output, then the simplified one, then
``"done"``, and waits for the next job; it leaves when its job pipe closes, or after a job that
broke a budget (``"retire"`` instead of ``"done"``).  The parent keeps the wall clock and kills
a worker that runs past it.  The clock starts when the worker is ready: loading sympy (half a
second, in a worker forked by a command that never loads it itself) is no input's cost, and a
pipeline's workers, forked after the library is loaded, are ready at once.
"""

from __future__ import annotations

import math
import os
import signal
import time
from collections.abc import Sequence
from typing import Any

from chainrule.errors import EXIT_INTERNAL, EXIT_OK
from chainrule.runner import work
from chainrule.runner.job import Job, Outcome, from_messages

DONE, RETIRE, READY = "done", "retire", "ready"
READY_GRACE = 60.0  # seconds a worker may take to load the library before its job's clock


def serve(jobs: int, results: int, close: Sequence[int] = ()) -> None:
    """The worker's life, in a forked child: never returns.

    Args:
        jobs: the pipe jobs arrive on, one frame each.
        results: the pipe for messages and ``"done"``/``"retire"`` frames.
        close: the parent's descriptors this child inherited and must not hold open.
    """
    code = EXIT_OK
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the supervisor's handler
        for fd in close:
            os.close(fd)
        try:
            import chainrule.api  # noqa: F401 - loaded before the clock starts (module doc)
        except Exception:  # noqa: BLE001, S110 - the job imports it again and reports why
            pass
        work.write_all(results, work.frame(READY))
        frames = work.Frames()
        pending: list[Any] = []
        while True:
            while not pending:
                chunk = os.read(jobs, 1 << 16)
                if not chunk:
                    return
                pending = frames.feed(chunk)
            job = pending.pop(0)
            work.limit_self(job)
            retire = work.attempt(job, lambda m: work.write_all(results, work.frame(m)))
            work.write_all(results, work.frame(RETIRE if retire else DONE))
            if retire:
                return
    except BaseException:  # noqa: BLE001 - a worker always leaves through os._exit
        code = EXIT_INTERNAL
    finally:
        os._exit(code)


class Worker:
    """The parent's handle on one forked worker.

    ``start`` a job, ``read`` whenever ``fd`` is readable until it returns True, then take the
    ``outcome``; or ``kill`` it when ``deadline`` passes.  ``stop`` ends the process.
    """

    def __init__(self, close: Sequence[int] = ()) -> None:
        """Fork the worker.

        Args:
            close: descriptors of the parent's that the child must close (other workers').
        """
        job_read, self._jobs = os.pipe()
        self.fd, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            serve(job_read, result_write, [self._jobs, self.fd, *close])
        os.close(job_read)
        os.close(result_write)
        self.pid = pid
        self.job: Job | None = None
        self.key: Any = None
        self.deadline = math.inf
        self.ready = False  # it has loaded the library: a job's clock runs from then
        self.retiring = False  # it leaves after this job, or has left
        self._frames = work.Frames()
        self._messages: list[dict[str, Any]] = []
        self._over = False
        self._status: int | None = None  # the wait status, once reaped
        self._killed = False

    @property
    def busy(self) -> bool:
        return self.job is not None and not self._over

    @property
    def descriptors(self) -> list[int]:
        """The parent's ends of this worker's pipes (a later fork must close them)."""
        return [fd for fd in (self._jobs, self.fd) if fd >= 0]

    def start(self, job: Job, key: Any = None) -> None:
        """Send ``job``; its wall clock starts now, or once the worker is ready.

        Args:
            job: the job.
            key: anything, kept with the job for the caller.

        Raises:
            OSError: the worker is gone.
        """
        self.job, self.key, self._messages, self._over = job, key, [], False
        work.write_all(self._jobs, work.frame(job))
        self.deadline = time.monotonic() + job.timeout + (0.0 if self.ready else READY_GRACE)

    def read(self) -> bool:
        """Read what the worker sent (``fd`` must be readable).

        Returns:
            True once the job is over: answered, or the worker died.
        """
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:  # the worker died (a budget, or a bug) or left
            self._reap()
            self._over = self.retiring = True
            return True
        for item in self._frames.feed(chunk):
            if item == READY:
                self.ready = True
                if self.job is not None and not self._over:
                    self.deadline = time.monotonic() + self.job.timeout
            elif item in (DONE, RETIRE):
                self._over = True
                self.retiring = item == RETIRE
            else:
                self._messages.append(item)
        return self._over

    def kill(self) -> None:
        """Stop the worker now: its job ran past the deadline."""
        self._killed = self.retiring = self._over = True
        self.stop()

    def outcome(self) -> Outcome:
        """The Outcome of the job just over (after ``read`` returned True, or ``kill``)."""
        assert self.job is not None
        status = self._status if self._status is not None else 0
        # Killed by the wall clock, or by the CPU-time backstop: the time budget either way.
        by_cpu = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
        timed_out = self._killed or by_cpu
        return from_messages(self._messages, finished=not timed_out, job=self.job)

    def stop(self) -> None:
        """End the worker: an idle one leaves when its job pipe closes, a busy one is killed;
        reap it and close its pipes."""
        if self._status is None and (self.busy or self._killed):
            os.kill(self.pid, signal.SIGKILL)
        for fd in (self._jobs, self.fd):
            if fd >= 0:
                os.close(fd)
        self._jobs = self.fd = -1
        self._reap()

    def _reap(self) -> None:
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
