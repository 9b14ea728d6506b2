"""URL rules whose URL builders are compiled when first used, not all at start-up; ids in URLs the database can hold."""
from __future__ import annotations

from typing import Any, Callable

from werkzeug.routing import IntegerConverter, Map, Rule

from .models import LARGEST_INTEGER


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number above the largest id the database can hold names no row, so the URL matches
    nothing (404), where the database driver would fail on it (500)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST_INTEGER,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class LazyBuilderRule(Rule):
    """A werkzeug Rule that generates its two URL builders (Python code compiled per rule) at its first ``url_for``.

    Werkzeug compiles them for every rule when it is added: about a millisecond each, most of ``create_app``'s own
    time, paid again by every command and worker that never builds a URL.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        attribute = "_build_unknown" if append_unknown else "_build"

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            builder = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # two threads may both compile it: the same function either way
            return builder(*args, **kwargs)

        return build
