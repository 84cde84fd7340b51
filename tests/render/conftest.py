"""Fixtures of the render tests: the deep chain (built once), the hostile derivation, and
pdflatex (skipped where it is missing, except on CI, which installs it)."""

from __future__ import annotations

import os
import shutil

import pytest

from chainrule.model import Derivation
from chainrule.render.notes import WORDING
from tests.render import samples


@pytest.fixture(scope="session")
def deep() -> Derivation:
    return samples.deep_chain(1000)


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> Derivation:
    # A note that quotes user text as it is (notes that name the user's symbols will).
    monkeypatch.setitem(WORDING, "echo", "{text}")
    return samples.hostile()


@pytest.fixture(scope="session")
def pdflatex() -> str:
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (the CI script installs texlive)")
        pytest.skip("pdflatex is not installed")
    return found
