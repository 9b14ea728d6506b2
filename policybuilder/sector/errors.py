"""Errors of the sector templates: each carries the list of problems it found."""
from __future__ import annotations


class ProblemsError(ValueError):
    """Base: ``problems`` lists every problem found, each naming its field or file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class TemplateError(ProblemsError):
    """A template does not fit its JSON Schema or the protocol schema."""


class PackageError(ProblemsError):
    """A template package (.pbt) cannot be exported or was refused on import."""


class MergeError(ProblemsError):
    """A template update cannot be applied: conflicts without a choice, or choices for no conflict."""
