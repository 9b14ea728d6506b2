"""What an organisation answered: validation, effective values and conditions.

Answers are plain JSON: ``{"profile": {"name": "...", ...}, "procedure": {...}}``.
A question that is absent takes its default wording; a question that is present
but empty is a blank that the document marks as such.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .schema import Condition, Question, Schema
from .validation import ContentError, capped, content_problems

EMPTY = (None, "", [], {})
# Top-level key: the "element.question" answers the drafter chose to leave blank (the document prints nothing there).
BLANK_KEY = "_blank"


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
                       "items": {"type": "string", "pattern": r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*$"}}},
    }


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


def validate_answers(schema: Schema, answers: Any) -> None:
    """Raise AnswersError naming every field that does not fit ``schema`` or the rules for all content."""
    problems = content_problems(answers, answers_json_schema(schema))
    if problems:
        raise AnswersError(capped(problems))


def value(schema: Schema, answers: dict, ref: str, lang: str = "nl") -> Any:
    """The effective answer to ``element.question``: the answer given, else the default."""
    element_key, _, question_id = ref.partition(".")
    given = answers.get(element_key, {})
    if question_id in given:
        return given[question_id]
    return schema.question(ref).default_value(lang)


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
