"""Editing a template draft (template JSON): pure functions that return a changed copy, no Flask, no database."""
from __future__ import annotations

import copy
from typing import Any

from ..answers import is_empty
from ..schema import Question, Schema
from ..sector import template_from_json, template_to_json
from .store import FONTS

CONTACTS_TARGET = "external_support.support_list"
CLAUSE_FIELDS = {"text": "text", "heading": "heading", "basis": "reference"}  # clause JSON -> the clause form's field


def new_draft(name: str, federation: str) -> dict:
    """The draft of a fresh template: no overlays, no clauses, no style."""
    return {"format": 1, "name": name, "federation": federation, "version": 1, "questions": {}}


def shown_value(draft: dict, ref: str, question: Question, lang: str = "nl") -> Any:
    """The answer the editor sees for ``ref``: the draft's default, else the product's."""
    overlay = draft["questions"].get(ref, {})
    return copy.deepcopy(overlay["default"]) if "default" in overlay else question.default_value(lang)


def question_entry(question: Question, state: str, value: Any, suggestion: str, help_text: str, old: dict) -> dict | None:
    """The draft's entry for one question, holding only what differs from the product (None: nothing does).

    Locked and hidden questions always keep ``value`` as their default; a French text already in ``old`` stays.
    """
    entry: dict[str, Any] = {"state": state}
    product = question.default_value("nl")
    if state != "open" or not (value == product or (is_empty(value) and is_empty(product))):
        entry["default"] = value
    for key, typed in (("suggestion", suggestion), ("help", help_text)):
        if typed.strip():
            entry[key] = {**(old.get(key) or {}), "nl": typed}
    return entry if len(entry) > 1 or state != "open" else None


def with_questions(draft: dict, entries: dict[str, dict | None]) -> dict:
    """``draft`` with the given question entries set (None removes an entry)."""
    changed = copy.deepcopy(draft)
    for ref, entry in entries.items():
        if entry is None:
            changed["questions"].pop(ref, None)
        else:
            changed["questions"][ref] = entry
    return changed


def with_clause(draft: dict, schema: Schema, key: str, text: str, basis: str, reference: str = "", heading: str = "") -> dict:
    """``draft`` with a paragraph added at the end of element ``key``, under a new id fed_<n>."""
    element = schema.element(key)
    taken = {c["id"] for clauses in draft.get("clauses", {}).values() for c in clauses}
    taken |= {q.id for q in element.questions} | {c.id for c in element.clauses}
    number = next(n for n in range(1, len(taken) + 2) if f"fed_{n}" not in taken)
    clause = {"id": f"fed_{number}", "kind": "paragraph", "text": {"nl": text}, "basis": {"kind": basis}}
    if heading.strip():
        clause["heading"] = {"nl": heading}
    if reference.strip():
        clause["basis"]["ref"] = reference
    changed = copy.deepcopy(draft)
    changed.setdefault("clauses", {}).setdefault(key, []).append(clause)
    return changed


def without_clause(draft: dict, key: str, clause_id: str) -> dict:
    """``draft`` without the clause ``clause_id`` of element ``key`` (an element left without clauses disappears)."""
    changed = copy.deepcopy(draft)
    clauses = [c for c in changed.get("clauses", {}).get(key, []) if c["id"] != clause_id]
    if clauses:
        changed["clauses"][key] = clauses
    else:
        changed.get("clauses", {}).pop(key, None)
    if not changed.get("clauses"):
        changed.pop("clauses", None)
    return changed


def with_contacts(draft: dict, rows: list[dict]) -> dict:
    """``draft`` with these sector contacts added to the external support list (none: no contacts)."""
    changed = copy.deepcopy(draft)
    changed.pop("contacts", None)
    changed.pop("contacts_target", None)
    if rows:
        changed.update(contacts_target=CONTACTS_TARGET, contacts=rows)
    return changed


def with_style(draft: dict, **style: str | None) -> dict:
    """``draft`` with its house style set to ``style`` (empty values are left out)."""
    changed = copy.deepcopy(draft)
    changed["style"] = {key: value for key, value in style.items() if value}
    return changed


def problem_fields(problems: list[str]) -> dict[str, list[str]]:
    """The problems of a refused draft that belong to one editor field, keyed by that field's name.

    A question's default goes to the question's own field, the sector contacts to their group,
    a clause's text, heading and reference to the clause form's fields.
    """
    fields: dict[str, list[str]] = {}
    for problem in problems:
        where, _, why = problem.partition(": ")
        parts = where.split("/")
        if parts[0] == "questions" and parts[2:3] == ["default"]:
            name = parts[1].partition(".")[2]
        elif parts[0] == "contacts":
            name, why = CONTACTS_TARGET.partition(".")[2], problem
        elif parts[0] == "clauses" and len(parts) > 3:
            name = CLAUSE_FIELDS.get(parts[3])
        else:
            name = None
        if name:
            fields.setdefault(name, []).append(why)
    return fields


def content_of(data: dict, schema: Schema) -> dict:
    """The canonical content of template JSON, without its version number and release notes."""
    return template_to_json(template_from_json({**data, "version": 1, "release_notes": ""}, schema, FONTS))
