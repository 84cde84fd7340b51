"""Coverage-guided fuzzing of ``chainrule.read.program.parse`` with atheris (not run by pytest).

Run:  pip install atheris && python tests/fuzz/fuzz_parser.py -max_total_time=240
Anything other than a Program or a ChainruleError escaping ``parse`` is a crash.
"""

from __future__ import annotations

import sys

import atheris

from chainrule.errors import ChainruleError
from chainrule.model import Program  # loads sympy first: instrumenting all of it is slow and idle

with atheris.instrument_imports(include=["chainrule"]):
    from chainrule.read.program import parse
    from chainrule.render.errors import format_error

SYNTAXES = ("auto", "math", "latex")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris looks for
    # Invalid UTF-8 becomes lone surrogates, which the parser must refuse cleanly too.
    text = data.decode("utf-8", errors="surrogateescape")
    for syntax in SYNTAXES:
        try:
            program = parse(text, syntax=syntax)
        except ChainruleError as err:
            rendered = format_error(err)
            rendered.encode("utf-8")  # a lone surrogate echoed raw would fail here
            if any(not ch.isprintable() and ch != "\n" for ch in rendered):
                raise AssertionError(f"unescaped character in {rendered!r}") from None
            continue
        if not isinstance(program, Program) or not program.assignments:
            raise AssertionError(f"parse returned {program!r}")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
