"""What changed between two versions, per element and per question, word by word."""
from __future__ import annotations

from dataclasses import dataclass

from ..answers import answer_text, value
from ..schema import Element, Question, Schema
from ..textdiff import word_diff


@dataclass(frozen=True)
class Change:
    question: Question
    before: str
    after: str
    diff: list[tuple[str, str]]


def compare(schema: Schema, before: dict, after: dict, lang: str = "nl") -> list[tuple[Element, list[Change]]]:
    """The questions whose effective answer differs, grouped by element in wizard order."""
    result = []
    for element in schema.elements:
        changes = []
        for question in element.questions:
            ref = f"{element.key}.{question.id}"
            old, new = value(schema, before, ref, lang), value(schema, after, ref, lang)
            if old != new:
                old_text, new_text = answer_text(question, old, lang), answer_text(question, new, lang)
                changes.append(Change(question, old_text, new_text, word_diff(old_text, new_text)))
        if changes:
            result.append((element, changes))
    return result
