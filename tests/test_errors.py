"""Errors: each class's exit code, and everything an error carries survives the worker's pipe."""

from __future__ import annotations

import pickle

import pytest

from chainrule.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    ChainruleError,
    InternalError,
    LimitError,
    MathError,
    ParseError,
    ProgramError,
    VariableError,
    VerificationError,
)


@pytest.mark.parametrize(
    ("cls", "kind", "code"),
    [
        (ParseError, "parse", EXIT_USAGE),
        (ProgramError, "program", EXIT_USAGE),
        (MathError, "math", EXIT_USAGE),
        (VariableError, "variable", EXIT_USAGE),
        (LimitError, "limit", EXIT_USAGE),
        (InternalError, "internal", EXIT_INTERNAL),
        (VerificationError, "verification", EXIT_INTERNAL),
    ],
)
def test_each_error_has_its_kind_and_exit_code(cls: type[ChainruleError], kind: str, code: int):
    err = cls("boom")
    assert (err.kind, err.exit_code, str(err)) == (kind, code, "boom")


def test_an_error_crosses_the_worker_pipe_whole() -> None:
    # The runner's forked worker sends errors to the parent pickled.
    err = ParseError(
        "unknown function 'xy'", source="xy(x)", column=1, hint="h", option="functions", value="xy"
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ParseError
    fields = ("message", "source", "column", "hint", "option", "value", "kind", "exit_code")
    assert [getattr(back, f) for f in fields] == [getattr(err, f) for f in fields]
