"""Published chain-rule exercises (tests/data/textbook_chain_rule.tsv) against their answers.

Two independent checks per exercise, at three points of the common real domain:

* the data: each published answer is sympy's derivative of the function as transcribed, and
  chainrule reads the exercise as typed to that same function (so a slip in either column of
  the corpus fails here, and is fixed in the corpus, never in the check);
* chainrule: its final answer (``simplified`` when present, else ``result``) equals the
  published answer.

Each exercise is derived once.  How *short* chainrule's answers are is measured, not asserted:
``python bench/bench_textbook.py``.
"""

from __future__ import annotations

import pytest
import sympy

from chainrule.api import derive, simplify
from tests.textbook import Exercise, close, final_answer, load, sample_points, value

EXERCISES = load()

# Published exercises chainrule cannot read yet; strict, so fixing one fails until it is removed.
KNOWN_GAPS: dict[str, str] = {}


def cases() -> list[object]:
    return [
        pytest.param(e, id=e.id, marks=pytest.mark.xfail(reason=KNOWN_GAPS[e.id], strict=True))
        if e.id in KNOWN_GAPS
        else pytest.param(e, id=e.id)
        for e in EXERCISES
    ]


def test_the_corpus_cites_every_exercise_once() -> None:
    assert len(EXERCISES) >= 130
    assert len({e.id for e in EXERCISES}) == len(EXERCISES)
    for exercise in EXERCISES:
        assert exercise.url.startswith("https://"), exercise.id
        assert exercise.source and exercise.section and exercise.item, exercise.id


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_the_published_answer_is_the_derivative_of_the_function(exercise: Exercise) -> None:
    function, published = exercise.function(), exercise.answer()
    truth = sympy.diff(function, exercise.variable())
    points = sample_points(exercise, function, published)
    assert len(points) == 3, f"too few real points for {exercise.id}"
    for point in points:
        assert close(value(published, point), value(truth, point)), (
            f"transcription of {exercise.cite()}: {published} is not d/d{exercise.variable()} "
            f"{function} at {point}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("exercise", cases())
def test_chainrule_answers_as_the_source_does(exercise: Exercise) -> None:
    derivation = simplify(derive(exercise.expression, exercise.wrt or None))
    function, published, ours = exercise.function(), exercise.answer(), final_answer(derivation)
    points = sample_points(exercise, function, published, ours)
    assert len(points) == 3, (
        f"{exercise.id}: chainrule's answer {ours} is not real where {function} is"
    )
    for point in points:
        assert close(value(derivation.expression, point), value(function, point)), (
            f"{exercise.expression!r} was read as {derivation.expression}, not {function}"
        )
        assert close(value(ours, point), value(published, point)), (
            f"{exercise.cite()}: chainrule's {ours} differs from the published {published} "
            f"at {point}"
        )
