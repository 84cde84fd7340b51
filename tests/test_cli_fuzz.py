"""Random text through the whole pipeline: a derivation or a chainrule error, never a crash.

The parser's own fuzz tests (tests/read/test_parser_fuzz.py) throw thousands of inputs at
``parse``; these throw fewer at everything behind it — decompose, engine, cross-check and every
renderer — the way the CLI runs them (in-process here, so hypothesis can shrink a failure).
Strategies and the Printer come from tests/strategies.py.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule.render.errors import format_error
from chainrule.runner import Job, Outcome, run
from tests.strategies import ATOMS, TERMS, Printer

PIPELINE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMATS = st.sampled_from(["text", "latex", "json", "markdown"])


def _run(text: str, fmt: str) -> Outcome:
    outcome = run(Job(text, wrt=("all",), fmt=fmt, isolate=False, timeout=30))
    error = "" if outcome.error is None else format_error(outcome.error)
    assert outcome.exit_code != 70, f"{text!r}: {error}"
    assert (outcome.error is None) == (outcome.exit_code == 0)
    if outcome.error is not None:
        assert error.startswith("error: ")
    else:
        assert outcome.output.strip()
    return outcome


@PIPELINE
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join), FORMATS)
def test_token_soup_through_the_whole_pipeline(text: str, fmt: str) -> None:
    _run(text, fmt)


@PIPELINE
@given(TERMS, st.randoms(use_true_random=False), st.booleans(), FORMATS)
def test_well_formed_expressions_always_derive(
    term: object, rng: random.Random, latex: bool, fmt: str
) -> None:
    text = Printer(rng, latex=latex).text(term)
    outcome = _run(text, fmt)
    # Well-formed text always derives, unless its constants are undefined (max(0, 0/0)).
    assert outcome.error is None or outcome.error.kind == "math", (text, outcome.error)
