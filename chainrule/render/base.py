"""The base of every renderer, modelled on sympy's ``Printer`` (``sympy/printing/printer.py``).

A renderer turns a ``Derivation`` into one format.  ``render`` takes one derivation or several;
each is rendered by ``render_one`` and the results are put together by ``join``.  Inside,
``_render(step)`` dispatches on the step's class, walking its class hierarchy: for a step of
class ``ChainRule`` it calls ``_render_ChainRule``, failing that a method named after a base
class of it, and when there is none it raises ``NotImplementedError`` naming the renderer and
the step (sympy falls back to ``emptyPrinter``; a derivation shown without one of its steps
would be wrong, so we refuse).

To add a step type: one ``_render_<StepClass>`` method in every renderer.  To add a format:
subclass ``Renderer``, write ``render_one``, ``join`` and the step methods, and list the
options it takes in ``_default_settings``.

>>> from chainrule import derive
>>> from chainrule.render.text import TextRenderer
>>> d = derive("sin(x**2)")
>>> [title for title, steps in TextRenderer().sections(d)]
['Intermediates', 'Local derivatives', 'Chain rule']
>>> TextRenderer(standalone=True)
Traceback (most recent call last):
...
ValueError: TextRenderer takes no setting 'standalone' (it takes no settings)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from chainrule.model import Adjoint, Derivation, Step, Verdict

One = TypeVar("One")  # what render_one makes of one derivation
Out = TypeVar("Out")  # what render returns


def show_backprop(d: Derivation) -> bool:
    """Whether the reverse pass is shown: several variables, omitted paths, or reused gradients.

    Args:
        d: the derivation.

    Returns:
        True when the Backpropagation section belongs in a readable output (JSON lists the
        reverse pass always).
    """
    return len(d.wrt) > 1 or any(c.paths is None or not c.expanded for c in d.chain_rules)


class Renderer(Generic[One, Out]):
    """Renders derivations in one format; subclasses are the formats."""

    # The options this renderer takes and their defaults; anything else is refused.
    _default_settings: ClassVar[dict[str, Any]] = {}

    def __init__(self, **settings: Any) -> None:
        unknown = sorted(set(settings) - set(self._default_settings))
        if unknown:
            name = type(self).__name__
            takes = ", ".join(sorted(self._default_settings))
            takes = f"it takes {takes}" if takes else "it takes no settings"
            raise ValueError(
                f"{name} takes no setting {', '.join(repr(k) for k in unknown)} ({takes})"
            )
        self._settings: dict[str, Any] = {**self._default_settings, **settings}

    def render(self, d: Derivation | Sequence[Derivation]) -> Out:
        """Render one derivation, or several one after another.

        Args:
            d: a derivation, or a sequence of them (one per input line).

        Returns:
            The output of this renderer's format.

        Raises:
            NotImplementedError: a step of a class this renderer has no method for.
        """
        items = [d] if isinstance(d, Derivation) else list(d)
        return self.join([self.render_one(one) for one in items])

    def render_one(self, d: Derivation) -> One:
        """One derivation in this format (each format writes this)."""
        raise NotImplementedError(f"{type(self).__name__} does not define render_one")

    def join(self, rendered: list[One]) -> Out:
        """The outputs of ``render_one`` for several derivations, put together."""
        raise NotImplementedError(f"{type(self).__name__} does not define join")

    def _render(self, step: Step, *args: Any) -> Any:
        for cls in type(step).__mro__:
            method = getattr(self, f"_render_{cls.__name__}", None)
            if method is not None:
                return method(step, *args)
        kind = type(step).__name__
        raise NotImplementedError(
            f"{type(self).__name__} cannot render a {kind} step: it has no _render_{kind} method"
        )

    def verdict_first(self, d: Derivation) -> list[Any]:
        """The rendered verdicts on a learner's answer, which every format shows first.

        Args:
            d: the derivation.

        Returns:
            What ``_render`` made of each Verdict step (none for a plain derivation).
        """
        return [self._render(step) for step in d.steps if isinstance(step, Verdict)]

    def sections(self, d: Derivation) -> Iterator[tuple[str, list[Step]]]:
        """The steps a reader sees, grouped into sections headed by their class's ``title``.

        Args:
            d: the derivation.

        Returns:
            (title, steps) in order; the reverse pass only when ``show_backprop``.
        """
        backprop = show_backprop(d)
        title, group = "", list[Step]()
        # A verdict comes before the heading (``verdict_first``); under a correct one, nothing.
        shown = not any(isinstance(s, Verdict) and s.correct for s in d.steps)
        for step in d.steps if shown else ():
            if isinstance(step, Verdict) or (isinstance(step, Adjoint) and not backprop):
                continue
            if type(step).title != title and group:
                yield title, group
                group = []
            title = type(step).title
            group.append(step)
        if group:
            yield title, group
