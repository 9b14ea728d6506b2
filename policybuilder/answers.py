"""What an organisation answered: validation, effective values and conditions.

Answers are plain JSON: ``{"profile": {"name": "...", ...}, "procedure": {...}}``.
A question that is absent takes its default wording; a question that is present
but empty is a blank that the document marks as such.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from collections.abc import Callable
from typing import Any

from .schema import Condition, Question, Schema
from .validation import ContentError, capped, content_problems

EMPTY = (None, "", [], {})
# Top-level key: the "element.question" answers the drafter chose to leave blank (the document prints nothing there).
BLANK_KEY = "_blank"
# Top-level key: the drafter's translations of typed answers, language -> key -> text. A key names a text question
# ("element.question") or a text field of a group row ("element.question.row.field", the row counted from 0).
TRANSLATIONS_KEY = "_translations"
# Top-level key kept by the wizard beside each translation: language -> key -> short hash of the answer it translated.
TRANSLATION_SOURCES_KEY = "_translation_sources"
LANGUAGES = ("nl", "fr")
LANGUAGE_QUESTION = "profile.document_language"


class AnswersError(ContentError):
    """The answers do not fit the schema; each problem names the field, in Dutch."""


def answers_json_schema(schema: Schema) -> dict:
    """A JSON Schema for a whole answers document, generated from ``schema``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            element.key: {
                "type": "object",
                "additionalProperties": False,
                "properties": {q.id: _value_schema(q) for q in element.questions},
            }
            for element in schema.elements
        }
        | {BLANK_KEY: {"type": "array", "uniqueItems": True, "maxItems": 200,
                       "items": {"type": "string", "pattern": r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*$"}},
           TRANSLATIONS_KEY: _per_language(_translatable_keys(schema)),
           TRANSLATION_SOURCES_KEY: _per_language(_translatable_keys(schema, {"type": "string", "pattern": "^[0-9a-f]{16}$"}))},
    }


def _per_language(keys: dict) -> dict:
    """An object with one entry per document language, each holding ``keys``."""
    return {"type": "object", "additionalProperties": False, "properties": dict.fromkeys(LANGUAGES, keys)}


def _translatable_keys(schema: Schema, value: dict | None = None) -> dict:
    """The keys a translation may have (text answers and text fields of group rows), each with ``value`` or the
    answer's own rule (a translation may be as long as the answer it translates)."""
    properties, patterns = {}, {}
    for element in schema.elements:
        for question in element.questions:
            ref = f"{element.key}.{question.id}"
            if question.translatable:
                properties[ref] = value or {"type": "string", "maxLength": question.length_limit}
            for field in question.fields if question.type == "group" else ():
                if field.translatable:
                    pattern = rf"^{re.escape(ref)}\.(0|[1-9][0-9]?)\.{re.escape(field.id)}$"
                    patterns[pattern] = value or {"type": "string", "maxLength": field.length_limit}
    return {"type": "object", "additionalProperties": False, "properties": properties, "patternProperties": patterns}


def _value_schema(question: Question) -> dict:
    nullable = {"type": "null"}
    if question.type in ("text", "textarea"):
        value = {"type": "string", "maxLength": question.length_limit}
    elif question.type == "number":
        value = {"type": "integer"}
        if question.min is not None:
            value["minimum"] = question.min
        if question.max is not None:
            value["maximum"] = question.max
    elif question.type == "date":
        value = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif question.type == "yesno":
        value = {"type": "boolean"}
    elif question.type == "choice":
        value = {"enum": [o.value for o in question.options]}
    elif question.type == "multichoice":
        value = {"type": "array", "uniqueItems": True, "items": {"enum": [o.value for o in question.options]}}
    else:  # group
        value = {
            "type": "array",
            "maxItems": question.max_items,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {f.id: _value_schema(f) for f in question.fields},
            },
        }
    return {"anyOf": [value, nullable]}


def validate_answers(schema: Schema, answers: Any) -> dict:
    """Raise AnswersError naming every field that does not fit ``schema`` or the rules for all content; else return
    the answers to store: without the translations of group rows that no longer exist (a stale row never blocks a save)."""
    problems = content_problems(answers, answers_json_schema(schema))
    if problems:
        raise AnswersError(capped(problems))
    return without_missing_rows(schema, answers)


def without_missing_rows(schema: Schema, answers: dict) -> dict:
    """The answers minus the translations (and fingerprints) of group rows that do not exist; the answers stay."""
    groups = {key.rsplit(".", 2)[0] for name in (TRANSLATIONS_KEY, TRANSLATION_SOURCES_KEY)
              for entries in (answers.get(name) or {}).values() for key in entries if key.count(".") == 3}
    for ref in sorted(groups):
        count = len(value(schema, answers, ref) or ())
        answers = renumbered_rows(answers, ref, lambda row, count=count: row if row < count else None)
    return answers


def renumbered_rows(answers: dict, ref: str, new_row: Callable[[int], int | None]) -> dict:
    """The answers with the translations (and fingerprints) of group ``ref``'s rows under their rows' new numbers.

    ``new_row`` maps a row's old index to its new one, or to None for a row that is gone (its translations go too).
    """
    prefix = f"{ref}."
    result = dict(answers)
    for name in (TRANSLATIONS_KEY, TRANSLATION_SOURCES_KEY):
        if name not in answers:
            continue
        per_language = {}
        for lang, entries in answers[name].items():
            moved = {}
            for key, entry in entries.items():
                row, _, field = key.removeprefix(prefix).partition(".")
                if key.startswith(prefix) and (target := new_row(int(row))) is not None:
                    moved[f"{prefix}{target}.{field}"] = entry
                elif not key.startswith(prefix):
                    moved[key] = entry
            if moved:
                per_language[lang] = moved
        if per_language:
            result[name] = per_language
        else:
            del result[name]
    return result


def row_translations(answers: dict, ref: str, row: int) -> dict:
    """The translations (and fingerprints) of one row of group ``ref``: key name -> language -> field -> text."""
    prefix = f"{ref}.{row}."
    found = {name: {lang: {key[len(prefix):]: entry for key, entry in entries.items() if key.startswith(prefix)}
                    for lang, entries in (answers.get(name) or {}).items()}
             for name in (TRANSLATIONS_KEY, TRANSLATION_SOURCES_KEY)}
    return {name: {lang: fields for lang, fields in languages.items() if fields} for name, languages in found.items()}


def with_row_translations(answers: dict, ref: str, row: int, kept: dict) -> dict:
    """The answers with ``kept`` (from ``row_translations``) as the translations of row ``row`` of group ``ref``."""
    result = dict(answers)
    for name, languages in kept.items():
        merged = {lang: dict(entries) for lang, entries in (answers.get(name) or {}).items()}
        for lang, fields in languages.items():
            merged.setdefault(lang, {}).update({f"{ref}.{row}.{field}": entry for field, entry in fields.items()})
        if merged:
            result[name] = merged
    return result


def rows_followed(schema: Schema, before: dict, after: dict) -> dict:
    """``after`` with the translations of every group row found (by its content) in ``before`` under the row's new
    number, and those of rows no longer there dropped: for changes that move rows (a template update)."""
    for element in schema.elements:
        for question in element.questions:
            ref = f"{element.key}.{question.id}"
            if question.type != "group" or (old := value(schema, before, ref) or []) == (new := value(schema, after, ref) or []):
                continue
            free = list(range(len(new)))
            places = {}
            for index, row in enumerate(old):
                places[index] = next((n for n in free if new[n] == row), None)
                if places[index] is not None:
                    free.remove(places[index])
            after = renumbered_rows(after, ref, places.get)
    return after


def answers_language(schema: Schema, answers: dict) -> str:
    """The language the drafter types the answers in (profile.document_language): Dutch unless French is chosen."""
    try:
        chosen = value(schema, answers, LANGUAGE_QUESTION)
    except KeyError:  # a schema without the question
        chosen = None
    return chosen if chosen in LANGUAGES else LANGUAGES[0]


def value(schema: Schema, answers: dict, ref: str, lang: str = "nl") -> Any:
    """The effective answer to ``element.question`` in ``lang``: the answer given, else the default.

    An answer equal to the default wording (white space folded) is the default and comes out in ``lang``; for a
    group, each text cell equal to the same field of a default row is that row's wording in ``lang``.
    """
    element_key, _, question_id = ref.partition(".")
    given = answers.get(element_key, {})
    question = schema.question(ref)
    if question_id not in given:
        return question.default_value(lang)
    answer = given[question_id]
    if not isinstance(question.default, (dict, list)) or is_empty(answer):
        return answer
    if question.type == "group":
        return _default_cells(question, answer, lang, answers_language(schema, answers))
    if isinstance(answer, str) and _folded(answer) in question.derive("wordings", lambda: tuple(
            _folded(question.default_value(other)) for other in LANGUAGES)):
        return question.default_value(lang)
    return answer


def _default_cells(question: Question, rows: list, lang: str, source: str) -> list:
    """Group rows with every text cell that is default wording (in any language) in ``lang``."""
    wording = question.derive(("cells", lang, source), lambda: _cell_wording(question, lang, source))
    if not wording:
        return rows
    return [
        {key: wording.get((key, _folded(cell)), cell) if isinstance(cell, str) else cell for key, cell in row.items()}
        if isinstance(row, dict) else row
        for row in rows
    ]


def _cell_wording(question: Question, lang: str, source: str) -> dict[tuple[str, str], str]:
    """(field id, default cell text folded, in the answers' language first, then any other) -> the cell's text in ``lang``."""
    wording: dict[tuple[str, str], str] = {}
    target = question.default_value(lang) or ()
    for other in dict.fromkeys((source, *LANGUAGES)):
        for default_row, row in zip(question.default_value(other) or (), target):
            for field in question.fields:
                if isinstance(default_row.get(field.id), str) and isinstance(row.get(field.id), str):
                    wording.setdefault((field.id, _folded(default_row[field.id])), row[field.id])
    return wording


def _folded(answer: Any) -> Any:
    """A text with its white space folded to single spaces (other answers as they are)."""
    return " ".join(answer.split()) if isinstance(answer, str) else answer


def source_hash(typed: str) -> str:
    """The short fingerprint, kept beside a translation, of the answer it translates (white space folded)."""
    return hashlib.sha256(_folded(typed).encode()).hexdigest()[:16]


def translation(answers: dict, key: str, lang: str, typed: str | None = None) -> str:
    """The drafter's translation into ``lang`` of the answer ``key`` ("" when there is none).

    With ``typed``: "" as well when the translation was made of another text (its recorded fingerprint differs:
    the answer was edited since, or a group row moved), so that no document shows a translation of something else.
    """
    found = ((answers.get(TRANSLATIONS_KEY) or {}).get(lang) or {}).get(key)
    if not isinstance(found, str):
        return ""
    recorded = ((answers.get(TRANSLATION_SOURCES_KEY) or {}).get(lang) or {}).get(key)
    if typed is not None and recorded and recorded != source_hash(typed):
        return ""
    return found.strip()


def localised(schema: Schema, answers: dict, ref: str, lang: str) -> tuple[Any, dict[str, str]]:
    """The answer to ``ref`` for a document in ``lang``, and the texts in it typed in the other language only.

    Default wording comes out in ``lang`` (it is ours: a translation of it is not needed), a translation replaces
    the typed answer it translates; every other typed text answer (not ``translate: false``) is still in the
    answers' language: its translation key maps to the text as typed, and it stays in the answer as typed.
    """
    answer = value(schema, answers, ref, lang)
    source = answers_language(schema, answers)
    question = schema.question(ref)
    if lang == source or is_empty(answer):
        return answer, {}
    if question.type != "group":
        if not question.translatable or not isinstance(answer, str) or answer == question.default_value(lang):
            return answer, {}
        if translated := translation(answers, ref, lang, answer):
            return translated, {}
        return answer, {ref: answer}
    defaults = question.derive(("rows", lang), lambda: {
        (field.id, _folded(row.get(field.id))) for row in question.default_value(lang) or () for field in question.fields})
    rows, foreign = [], {}
    for index, row in enumerate(answer):
        row = dict(row)
        for field in question.fields:
            cell, key = row.get(field.id), f"{ref}.{index}.{field.id}"
            if not field.translatable or not isinstance(cell, str) or is_empty(cell) or (field.id, _folded(cell)) in defaults:
                continue
            if translated := translation(answers, key, lang, cell):
                row[field.id] = translated
            else:
                foreign[key] = cell
        rows.append(row)
    return rows, foreign


def typed_texts(schema: Schema, answers: dict, lang: str) -> dict[str, str]:
    """Every typed text a document in ``lang`` needs a translation of (translated already or not): key -> text as typed."""
    untranslated = {key: entries for key, entries in answers.items() if key != TRANSLATIONS_KEY}
    found: dict[str, str] = {}
    for element in schema.elements:
        for question in element.questions:
            found.update(localised(schema, untranslated, f"{element.key}.{question.id}", lang)[1])
    return found


def is_empty(answer: Any) -> bool:
    """True for an unanswered value (None, empty text, empty list)."""
    if isinstance(answer, str):
        return not answer.strip()
    return answer in EMPTY


def holds(schema: Schema, answers: dict, condition: Condition) -> bool:
    """Whether ``condition`` holds for these answers; an unanswered value fails every comparison."""
    answer = value(schema, answers, condition.question)
    if condition.op == "answered":
        return not is_empty(answer)
    if condition.op == "empty":
        return is_empty(answer)
    if is_empty(answer):
        return condition.op == "ne"
    expected = condition.value
    try:
        return {
            "eq": lambda: answer == expected,
            "ne": lambda: answer != expected,
            "lt": lambda: answer < expected,
            "lte": lambda: answer <= expected,
            "gt": lambda: answer > expected,
            "gte": lambda: answer >= expected,
            "in": lambda: answer in expected,
            "contains": lambda: expected in answer,
        }[condition.op]()
    except TypeError:
        return False


def applies(schema: Schema, answers: dict, conditions) -> bool:
    """True when every condition holds (no conditions: always)."""
    return all(holds(schema, answers, c) for c in conditions)


@dataclass(frozen=True)
class Gap:
    """A required answer still missing; for a group, the rows (from 1) lacking a required field."""

    question: Question
    rows: tuple[int, ...] = ()


def missing(schema: Schema, answers: dict, element_key: str) -> list[Gap]:
    """The required answers of one element that are still empty (defaults count as answers)."""
    gaps = []
    for question in schema.element(element_key).questions:
        answer = value(schema, answers, f"{element_key}.{question.id}")
        if question.required and is_empty(answer):
            gaps.append(Gap(question))
        elif question.type == "group" and answer:
            required = [f.id for f in question.fields if f.required]
            rows = tuple(n for n, row in enumerate(answer, 1) if any(is_empty(row.get(f)) for f in required))
            if rows:
                gaps.append(Gap(question, rows))
    return gaps


YES_NO = {"nl": ("Ja", "Nee"), "fr": ("Oui", "Non")}


def format_date(day: date | str | None) -> str:
    """A date the Belgian way: dd/mm/yyyy (ISO strings are accepted)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.strftime("%d/%m/%Y") if day else ""


def answer_text(question: Question, answer: Any, lang: str = "nl") -> str:
    """An answer as plain text: option labels, Ja/Nee, dates as dd/mm/yyyy, group rows joined; "" when empty."""
    if is_empty(answer):
        return ""
    if question.type == "yesno":
        return YES_NO.get(lang, YES_NO["nl"])[0 if answer else 1]
    if question.type == "choice":
        return question.option_label(answer, lang)
    if question.type == "multichoice":
        return ", ".join(question.option_label(item, lang) for item in answer)
    if question.type == "date":
        return format_date(answer)
    if question.type == "group":
        rows = (", ".join(filter(None, (answer_text(f, row.get(f.id), lang) for f in question.fields))) for row in answer)
        return "; ".join(filter(None, rows))
    return str(answer).strip()
