"""The data between layers: step classes carry their section titles; defaults say the truth."""

from __future__ import annotations

import dataclasses

import pytest

from chainrule.api import derive
from chainrule.model import NameParts, Step


def _step_classes() -> list[type[Step]]:
    """chainrule's own step classes (tests define throwaway ones of their own)."""
    found, stack = [], list(Step.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("chainrule.")]


def test_every_step_class_titles_its_own_section() -> None:
    titles = [cls.title for cls in _step_classes()]
    assert len(titles) >= 4 and all(titles)
    assert len(set(titles)) == len(titles)


def test_a_derivation_is_unchecked_until_it_is_checked() -> None:
    assert derive("sin(x)", check=False).verified == "unchecked"
    assert derive("sin(x)").verified == "numeric"


def test_steps_are_frozen() -> None:
    step = derive("sin(x)").steps[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.nodes = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("x", NameParts("x")),
        ("W_1", NameParts("W_1")),
        ("y__hat", NameParts("y", "hat")),
        ("y__hat_1", NameParts("y", "hat", "_1")),
        ("c__2", NameParts("c", version=2)),
        ("W_1__3", NameParts("W_1", version=3)),
        ("theta__dot_2__1", NameParts("theta", "dot", "_2", 1)),
    ],
)
def test_name_parts_take_apart_what_they_put_together(name: str, parts: NameParts) -> None:
    assert NameParts.of(name) == parts
    assert parts.name == name
