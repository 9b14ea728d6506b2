"""Approved means finished: the answers the document still shows as [placeholders], and the drafter's
choice to leave some of them blank (stored under ``_blank`` in the answers; the document then prints nothing)."""
from __future__ import annotations

from .answers import BLANK_KEY
from .document.build import open_placeholders
from .schema import Schema

__all__ = ["open_placeholders", "with_blanks"]


def with_blanks(schema: Schema, answers: dict, refs: list[str], lang: str = "nl") -> dict:
    """``answers`` with the open placeholders among ``refs`` added to the left-blank list (others ignored)."""
    still_open = {ref for ref, _ in open_placeholders(schema, answers, lang)}
    chosen = sorted(set(answers.get(BLANK_KEY) or ()) | (set(refs) & still_open))
    return {**answers, BLANK_KEY: chosen} if chosen else dict(answers)
