"""The ``chainrule`` command: arguments, stdin, formats and exit codes.  No maths here.

Only click and chainrule's sympy-free modules (errors, the notation summary) are imported at
module level, so ``chainrule --help`` stays fast and never loads sympy; the runner is imported
inside the command, and it loads the library in its forked worker only.
"""

from __future__ import annotations

import click

from chainrule import __version__
from chainrule.cli.check import check
from chainrule.cli.common import NOTE_FLAGS, OPTION_HINTS
from chainrule.cli.derive import derive
from chainrule.cli.gradcheck import gradcheck

__all__ = ["NOTE_FLAGS", "OPTION_HINTS", "check", "derive", "gradcheck", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chainrule")
def main() -> None:
    """chainrule: see the chain rule at work, factor by factor."""


main.add_command(derive)
main.add_command(check)
main.add_command(gradcheck)


if __name__ == "__main__":  # pragma: no cover
    main()
