"""Fixtures of the render tests: the deep chain (built once) and the hostile derivation."""

from __future__ import annotations

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
