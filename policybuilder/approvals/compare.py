"""What changed between two versions, per element and per question, word by word."""
from __future__ import annotations

from dataclasses import dataclass

from ..answers import LANGUAGES, TRANSLATIONS_KEY, answer_text, value
from ..schema import Element, Question, Schema
from ..textdiff import word_diff


@dataclass(frozen=True)
class Change:
    """One changed answer, or (with ``language``) a changed translation of one: of a group row's ``field`` at ``row``."""

    question: Question
    before: str
    after: str
    diff: list[tuple[str, str]]
    language: str | None = None
    row: int | None = None
    field: Question | None = None


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
        changes += _translation_changes(element, before, after)
        if changes:
            result.append((element, changes))
    return result


def _translation_changes(element: Element, before: dict, after: dict) -> list[Change]:
    """The drafter's translations of this element's answers that differ (they are content the approver signs too)."""
    changes = []
    for lang in LANGUAGES:
        old, new = (((answers.get(TRANSLATIONS_KEY) or {}).get(lang) or {}) for answers in (before, after))
        for question in element.questions:
            ref = f"{element.key}.{question.id}"
            keys = sorted({key for key in (*old, *new) if key == ref or key.startswith(f"{ref}.")}, key=_row_order)
            for key in keys:
                if (was := old.get(key, "")) != (now := new.get(key, "")):
                    row, _, field_id = key[len(ref) + 1:].partition(".")
                    field = next((f for f in question.fields if f.id == field_id), None) if row else None
                    changes.append(Change(question, was, now, word_diff(was, now), lang, int(row) if row else None, field))
    return changes


def _row_order(key: str) -> tuple[int, str]:
    """A translation key's place: the question's own first, then group rows in order."""
    parts = key.split(".")
    return (int(parts[2]), parts[3]) if len(parts) == 4 else (-1, "")
