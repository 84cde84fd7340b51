"""Shared test settings.

Under CI (``CI`` set) hypothesis runs derandomized, so a submission's CI result does not
depend on the luck of the draw; local runs keep exploring new examples, and a failure found
there is replayed from hypothesis's example database until it is fixed.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The atheris harness runs on its own (see tests/fuzz/README.md); --doctest-modules would
# import it, and atheris is not a test dependency.
collect_ignore = ["fuzz"]
