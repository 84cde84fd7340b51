"""Run derivations inside a time and memory budget, and render them: one input (``run``) or a
stream of them over a pool of workers (``run_many``).

Timers inside one Python process can fire late while sympy is deep in big-integer arithmetic,
so inputs are derived in forked workers with hard resource limits (RLIMIT_AS for memory,
RLIMIT_CPU as a backstop) while their parent keeps the wall clock.  A worker sends the exact
derivation first, then tries to simplify it; if the budget runs out in between, the exact,
unsimplified result is the answer, with a note.  Where ``fork`` does not exist the work runs
in-process without the hard limits.

* ``job``: ``Job`` and ``Outcome`` (no sympy: the command line's process reads them);
* ``work``: what a worker does, its budgets, and the frames that cross the pipes;
* ``worker``: a forked worker's loop and its parent's handle on it;
* ``pool``: ``run_many``, a supervisor process that forks its workers once the library is
  loaded and reuses them, answering in input order.
"""

from __future__ import annotations

import os
import select
import time

from chainrule.errors import ChainruleError
from chainrule.runner import work
from chainrule.runner.job import Job, Outcome, Said, from_messages
from chainrule.runner.pool import run_many
from chainrule.runner.work import render_output
from chainrule.runner.worker import Worker

__all__ = ["Job", "Outcome", "Said", "render_output", "run", "run_many"]


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
    messages: list[dict[str, object]] = []
    if not debug:
        work.attempt(job, messages.append)
        return from_messages(messages, finished=True, job=job)
    try:
        work.work(job, messages.append)
    except ChainruleError as err:
        return Outcome(error=err)
    return from_messages(messages, finished=True, job=job)


def _in_child(job: Job) -> Outcome:
    # The parent never needs sympy: the worker loads it and leaves through os._exit, while a
    # parent that had imported sympy would spend ~80 ms tearing it down at exit.
    worker = Worker()
    try:
        worker.start(job)
        while worker.busy:
            remaining = worker.deadline - time.monotonic()
            if remaining <= 0 or not select.select([worker.fd], [], [], remaining)[0]:
                worker.kill()
                break
            worker.read()
        return worker.outcome()
    finally:
        worker.stop()
