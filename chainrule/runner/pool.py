"""Many inputs over a pool of long-lived workers, answered in input order (``run_many``).

The caller's process forks one supervisor and streams jobs to it from a feeder thread; the
supervisor loads the library once, then forks its workers from itself (so none imports sympy
again, and a replacement costs a fork), hands each idle worker the next job, keeps every
job's wall clock, and sends the answers back in input order.  A worker runs job after job; one
that breaks a budget (killed at its deadline, out of memory, out of stack, dead) is replaced
by a fresh fork, and the jobs after it go on.  The caller's process never loads sympy.

    caller ─jobs─▶ supervisor ─job─▶ worker 1 … worker N
           ◀─answers, in order─   ◀─exact, simplified, done─
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import os
import queue
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import Any, TypeVar

from chainrule.errors import EXIT_INTERNAL, EXIT_OK, ChainruleError, InternalError
from chainrule.runner import work
from chainrule.runner.job import Job, Outcome
from chainrule.runner.work import Frames, frame, write_all
from chainrule.runner.worker import Worker

K = TypeVar("K")
_END = "end"  # the feeder has sent every job
_BACKLOG = 256  # answers waiting for an earlier one before the supervisor stops taking jobs
_OUT_MAX = 1 << 20  # bytes of answers queued for the caller before the supervisor waits


def run_many(
    items: Iterable[tuple[K, Job | ChainruleError]], *, workers: int = 0, debug: bool = False
) -> Generator[tuple[K, Outcome], None, None]:
    """Derive and render many inputs, each within its job's budgets, ``workers`` at a time.

    Every job runs in a pool worker (its ``isolate`` is not consulted); a worker that breaks a
    budget costs only its own job.  Close the iterator (``contextlib.closing``) to stop early.

    Args:
        items: (key, job) pairs, read as the answers are wanted (stdin may feed them); a
            ChainruleError in place of a job (an input that could not be read) is answered
            with that error, in its place.  Keys are the caller's, never pickled.
        workers: how many inputs to derive at once; 0 for the CPUs this process may use.
        debug: derive in this process, one after another, letting bugs raise (see ``run``).

    Returns:
        An iterator of (key, Outcome), one per item, in the order given, each as soon as it
        and every earlier one are answered.  No process starts before the first job.
    """
    iterator = iter(items)
    for key, item in iterator:
        if isinstance(item, ChainruleError):  # answered here while no job has come yet
            yield key, Outcome(error=item)
            continue
        stream = itertools.chain([(key, item)], iterator)
        if debug or not hasattr(os, "fork"):
            yield from _one_by_one(stream, debug)
        else:
            yield from _pooled(stream, workers or cpu_count())
        return


def _one_by_one(
    stream: Iterator[tuple[K, Job | ChainruleError]], debug: bool
) -> Iterator[tuple[K, Outcome]]:
    from chainrule.runner import run

    for key, item in stream:
        yield (
            key,
            Outcome(error=item) if isinstance(item, ChainruleError) else run(item, debug=debug),
        )


def cpu_count() -> int:
    """The number of CPUs this process may run on (its affinity, where the OS tells it)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def _pooled(
    stream: Iterator[tuple[K, Job | ChainruleError]], size: int
) -> Iterator[tuple[K, Outcome]]:
    job_read, job_write = os.pipe()
    answer_read, answer_write = os.pipe()
    pid = os.fork()  # before the feeder thread starts: a process forks only while it has one
    if pid == 0:
        _supervise(job_read, answer_write, size, close=(job_write, answer_read))
    os.close(job_read)
    os.close(answer_write)
    order: queue.SimpleQueue[Any] = queue.SimpleQueue()
    stop = threading.Event()
    feeder = threading.Thread(
        target=_feed, args=(stream, job_write, order, stop), name="chainrule-feeder", daemon=True
    )
    feeder.start()
    frames, answers, lost = Frames(), deque[Outcome](), False
    finished = False
    try:
        while (entry := order.get()) != _END:
            if isinstance(entry, BaseException):
                raise entry  # reading the items failed: the caller's own error
            key, error = entry
            while error is None and not answers and not lost:
                chunk = os.read(answer_read, 1 << 16)
                lost = not chunk
                answers.extend(frames.feed(chunk))
            if error is not None:
                yield key, Outcome(error=error)
            elif answers:
                yield key, answers.popleft()
            else:  # the supervisor died: a bug
                message = "internal error: the worker pool stopped; please report this input"
                yield key, Outcome(error=InternalError(message, option="debug"))
        finished = True
    finally:
        stop.set()
        os.close(answer_read)
        if finished:
            os.waitpid(pid, 0)
            feeder.join()
        else:  # stopped early (closed, or an error here): the supervisor stops its workers
            _stop(pid)


def _stop(pid: int, grace: float = 2.0) -> None:
    """Ask the supervisor to stop (it kills its busy workers first), then make sure it has."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return
        time.sleep(0.005)


def _feed(
    stream: Iterator[tuple[Any, Job | ChainruleError]],
    fd: int,
    order: queue.SimpleQueue[Any],
    stop: threading.Event,
) -> None:
    """The feeder thread: each item's key goes on ``order``, each job to the supervisor."""
    broken = False
    try:
        for key, item in stream:
            if stop.is_set():
                break
            if isinstance(item, ChainruleError):
                order.put((key, item))
                continue
            order.put((key, None))
            if not broken:
                try:
                    write_all(fd, frame(item))
                except OSError:  # the supervisor is gone; the reader answers for it
                    broken = True
    except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
        order.put(exc)
    finally:
        os.close(fd)
        order.put(_END)


def _supervise(jobs: int, answers: int, size: int, close: tuple[int, ...]) -> None:
    """The supervisor process: never returns."""
    code = EXIT_OK
    try:
        signal.signal(signal.SIGTERM, _terminate)
        for fd in close:
            os.close(fd)
        # Nothing here or in a worker reads the caller's stdin or writes its stdout.
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)
        _Supervisor(jobs, answers, size).run()
    except BaseException:  # noqa: BLE001 - it always leaves through os._exit
        code = EXIT_INTERNAL
    finally:
        os._exit(code)


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(EXIT_OK)  # unwinds through the supervisor's loop, which stops the workers


class _Supervisor:
    """Hands jobs to workers, keeps their wall clocks, replaces the ones that break a budget,
    and writes the answers in input order."""

    def __init__(self, jobs: int, answers: int, size: int) -> None:
        self.jobs, self.answers, self.size = jobs, answers, size
        self.incoming = Frames()
        self.queue: deque[tuple[int, Job]] = deque()
        self.workers: list[Worker] = []
        self.done: dict[int, Outcome] = {}
        self.received = self.sent = 0  # jobs read; answers queued for the caller
        self.out = bytearray()
        self.eof = self.loaded = False

    def run(self) -> None:
        os.set_blocking(self.answers, False)
        try:
            while not (self.eof and self.sent == self.received and not self.out):
                self._dispatch()
                busy = [w for w in self.workers if w.busy]
                reading = [w.fd for w in busy]
                if not self.eof and len(self.queue) < 2 * self.size and len(self.done) < _BACKLOG:
                    reading.append(self.jobs)
                deadline = min((w.deadline for w in busy), default=None)
                timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
                writing = [self.answers] if self.out else []
                readable, writable, _ = select.select(reading, writing, [], timeout)
                if self.jobs in readable:
                    self._receive()
                for worker in busy:
                    if worker.fd in readable and worker.read():
                        self._answered(worker)
                    elif time.monotonic() >= worker.deadline:
                        worker.kill()
                        self._answered(worker)
                self._queue_answers()
                if writable:
                    self._write()
        finally:
            for worker in self.workers:
                worker.stop()

    def _dispatch(self) -> None:
        while self.queue:
            worker = next((w for w in self.workers if not w.busy), None)
            if worker is None:
                if len(self.workers) >= self.size:
                    return
                worker = self._fork()
            key, job = self.queue.popleft()
            try:
                worker.start(job, key)
            except OSError:  # it died while idle: replace it, the job goes first again
                self.queue.appendleft((key, job))
                self._retire(worker)

    def _fork(self) -> Worker:
        if not self.loaded:
            _load_library(self.queue[0][1])
            self.loaded = True
        inherited = [self.jobs, self.answers]
        for other in self.workers:
            inherited += other.descriptors
        worker = Worker(close=inherited)
        self.workers.append(worker)
        return worker

    def _receive(self) -> None:
        chunk = os.read(self.jobs, 1 << 16)
        if not chunk:
            self.eof = True
        for job in self.incoming.feed(chunk):
            self.queue.append((self.received, job))
            self.received += 1

    def _answered(self, worker: Worker) -> None:
        self.done[worker.key] = worker.outcome()
        if worker.retiring:
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        worker.stop()
        self.workers.remove(worker)

    def _queue_answers(self) -> None:
        while self.sent in self.done and len(self.out) < _OUT_MAX:
            self.out += frame(self.done.pop(self.sent))
            self.sent += 1

    def _write(self) -> None:
        try:
            written = os.write(self.answers, self.out)
        except BlockingIOError:
            return
        del self.out[:written]


def _load_library(job: Job) -> None:
    """Load what every worker needs, once, before the first fork: the library, by deriving and
    rendering a small fixed input in the job's format (which also loads what sympy and mpmath
    import on first use; nothing that could take long, as no budget holds here).  Then freeze
    it all, so that the workers' garbage collections skip these objects and leave their pages
    shared."""
    from chainrule.api import derive

    try:
        sample = dataclasses.replace(job, text="sin(x**2)", wrt=(), of=None, functions=())
        work.render_output(derive(sample.text), sample)
    except Exception:  # noqa: BLE001, S110 - a worker meets the same failure and reports it
        pass
    gc.collect()
    gc.freeze()
