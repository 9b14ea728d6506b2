"""The translations page's data: every typed answer a document in the other language needs translated, with its
stored translation and whether that translation still fits the answer.

Which answers need a translation is the document's own rule (``answers.typed_texts``); translations live in the
answers (``_translations``: language -> key -> text, keys "element.question" or "element.question.row.field",
the row counted from 0).

Whether a translation still fits its answer: beside each translation we keep a short SHA-256 of the answer it
translated (``_translation_sources``: language -> key -> hash). When the answer is edited later, its hash no longer
matches and the page says "gewijzigd sinds de vertaling" until the translation is edited, or confirmed as still right
(a saved page never clears the mark of a translation nobody looked at). A hash rather than
the text itself: the answers stay small, and nothing but "same or not" is ever shown. A translation without a hash
(from an answers file or a template) is taken as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..answers import TRANSLATION_SOURCES_KEY, TRANSLATIONS_KEY, source_hash, typed_texts
from ..schema import Question, Schema, text
from .forms import row_label


@dataclass(frozen=True)
class Translation:
    """One typed answer and its translation into the other language ("" when there is none)."""

    key: str
    question: Question  # the question, or the group's field
    label: str
    source: str
    translation: str
    stale: bool  # the answer changed since it was translated
    stored_hash: str | None = None  # the hash of the answer it translated, as stored

    @property
    def field_name(self) -> str:
        """The form field's name: the key with hyphens for dots (element and question ids have no hyphens)."""
        return "tr-" + self.key.replace(".", "-")

    @property
    def confirm_name(self) -> str:
        """The name of the "still right" checkbox of a stale translation."""
        return "ok-" + self.key.replace(".", "-")


def translations(schema: Schema, answers: dict, target_lang: str, label_lang: str) -> list[Translation]:
    """Every typed answer a document in ``target_lang`` needs translated, in document order, with its translation."""
    stored = (answers.get(TRANSLATIONS_KEY) or {}).get(target_lang) or {}
    hashes = (answers.get(TRANSLATION_SOURCES_KEY) or {}).get(target_lang) or {}
    found = []
    for key, source in typed_texts(schema, answers, target_lang).items():
        question, label = _question(schema, key, label_lang)
        translation = stored.get(key) or ""
        stale = bool(translation) and key in hashes and hashes[key] != source_hash(source)
        found.append(Translation(key, question, label, source, translation, stale, hashes.get(key)))
    return found


def _question(schema: Schema, key: str, label_lang: str) -> tuple[Question, str]:
    """The question (or group field) a translation key names, and its label: "Interne contactpersonen, rij 2: Rol"."""
    element_key, question_id, *cell = key.split(".")
    question = schema.question(f"{element_key}.{question_id}")
    label = text(question.label, label_lang)
    if not cell:
        return question, label
    field = next(f for f in question.fields if f.id == cell[1])
    return field, row_label(label, int(cell[0]) + 1, text(field.label, label_lang))


def with_translations(answers: dict, lang: str, typed: list[Translation], posted: dict[str, str], confirmed: set[str]) -> dict:
    """The answers with the translations into ``lang`` replaced by ``posted`` (key -> text; empty means none).

    A stale translation posted unchanged keeps its old hash (still stale) unless its key is ``confirmed``.
    Translations of answers no longer typed are dropped with them; the other language's translations stay.
    """
    kept = {item.key: posted.get(item.key, "").strip() for item in typed}
    kept = {key: value for key, value in kept.items() if value}
    hashes = {
        item.key: item.stored_hash if item.stale and kept[item.key] == item.translation and item.key not in confirmed
        else source_hash(item.source)
        for item in typed if item.key in kept
    }
    result = dict(answers)
    for name, values in ((TRANSLATIONS_KEY, kept), (TRANSLATION_SOURCES_KEY, hashes)):
        others = {other: entries for other, entries in (answers.get(name) or {}).items() if other != lang}
        merged = {**others, lang: values} if values else others
        if merged:
            result[name] = merged
        else:
            result.pop(name, None)
    return result
