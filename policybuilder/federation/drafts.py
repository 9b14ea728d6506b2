"""Editing a template draft (template JSON): pure functions that return a changed copy, no Flask, no database."""
from __future__ import annotations

import copy
from typing import Any

from ..answers import is_empty
from ..schema import Question, Schema
from ..sector import TemplateError, in_language, template_from_json, template_to_json
from ..sector.template import LANGS
from .store import FONTS

CONTACTS_TARGET = "external_support.support_list"
CLAUSE_FIELDS = {"text": "text", "heading": "heading", "basis": "reference"}  # clause JSON -> the clause form's field


def new_draft(name: str, federation: str) -> dict:
    """The draft of a fresh template: no overlays, no clauses, no style."""
    return {"format": 1, "name": name, "federation": federation, "version": 1, "questions": {}}


def shown_value(draft: dict, ref: str, question: Question, lang: str = "nl") -> Any:
    """The answer the editor sees for ``ref`` in ``lang``: the draft's default, else the product's.

    Wording stored before French shows an empty French field.
    """
    overlay = draft["questions"].get(ref, {})
    if "default" not in overlay:
        return question.default_value(lang)
    return copy.deepcopy(in_language(question, overlay["default"], lang, fallback=False))


def shown_contacts(draft: dict, group: Question, lang: str) -> list[dict]:
    """The sector contacts in ``lang`` (French left empty where none was stored)."""
    return in_language(group, copy.deepcopy(draft.get("contacts", [])), lang, fallback=False)


def with_french(question: Question, data: Any, french: Any) -> Any:
    """Form data of ``question`` with each non-empty translated text paired with the French typed for it: {nl, fr}.

    ``french`` is the French form's data: a text, or rows by position (the French rows follow the Dutch ones).
    """
    if question.translatable:
        return _pair(data, french)
    if question.type != "group" or not isinstance(data, list):
        return data
    translated = {f.id for f in question.fields if f.translatable}
    rows = french if isinstance(french, list) else []
    return [{key: _pair(value, rows[n].get(key) if n < len(rows) else None) if key in translated else value for key, value in row.items()}
            for n, row in enumerate(data)]


def _pair(dutch: Any, french: Any) -> Any:
    return {"nl": dutch, "fr": french or ""} if isinstance(dutch, str) and dutch.strip() else dutch


def pair(dutch: str | None, french: str | None) -> dict[str, str]:
    """A text typed in two fields as {nl, fr}, an empty language left out."""
    return {lang: typed for lang, typed in (("nl", dutch or ""), ("fr", french or "")) if typed.strip()}


def is_product(question: Question, value: Any) -> bool:
    """True when ``value`` says in both languages what the product says."""
    for lang in LANGS:
        shown, product = in_language(question, value, lang), question.default_value(lang)
        if not (shown == product or (is_empty(shown) and is_empty(product))):
            return False
    return True


def question_entry(question: Question, state: str, value: Any, texts: dict[str, dict[str, str]]) -> dict | None:
    """The draft's entry for one question, holding only what differs from the product (None: nothing does).

    ``value`` holds its wording as {nl, fr}; ``texts`` are the suggestion and help, each {nl, fr} (empty ones left out).
    Locked and hidden questions always keep ``value`` as their default.
    """
    entry: dict[str, Any] = {"state": state}
    if state != "open" or not is_product(question, value):
        entry["default"] = value
    entry.update((key, wording) for key, wording in texts.items() if wording)
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


def with_clause(draft: dict, schema: Schema, key: str, text: dict, basis: str, reference: str = "", heading: dict | None = None) -> dict:
    """``draft`` with a paragraph added at the end of element ``key``, under a new id fed_<n>; texts are {nl, fr}."""
    element = schema.element(key)
    taken = {c["id"] for clauses in draft.get("clauses", {}).values() for c in clauses}
    taken |= {q.id for q in element.questions} | {c.id for c in element.clauses}
    number = next(n for n in range(1, len(taken) + 2) if f"fed_{n}" not in taken)
    changed = copy.deepcopy(draft)
    changed.setdefault("clauses", {}).setdefault(key, []).append(_clause_wording({"id": f"fed_{number}", "kind": "paragraph"}, text, basis, reference, heading))
    return changed


def with_clause_changed(draft: dict, key: str, clause_id: str, text: dict, basis: str, reference: str = "", heading: dict | None = None) -> dict:
    """``draft`` with the wording and basis of clause ``clause_id`` of element ``key`` replaced (its kind, items and conditions stay)."""
    changed = copy.deepcopy(draft)
    clauses = changed.get("clauses", {}).get(key, [])
    for index, clause in enumerate(clauses):
        if clause["id"] == clause_id:
            kept = {name: value for name, value in clause.items() if name not in ("text", "heading", "basis")}
            clauses[index] = _clause_wording(kept, text, basis, reference, heading)
    return changed


def _clause_wording(clause: dict, text: dict, basis: str, reference: str, heading: dict | None) -> dict:
    clause = {**clause, "text": text, "basis": {"kind": basis}}
    if heading:
        clause["heading"] = heading
    if reference.strip():
        clause["basis"]["ref"] = reference
    return clause


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


def missing_french(draft: dict, schema: Schema) -> list[str]:
    """What keeps the draft from being published, each naming its place: in a saved draft, the texts without French."""
    try:
        template_from_json(draft, schema, FONTS, complete=True)
    except TemplateError as exc:
        return exc.problems
    return []


def content_of(data: dict, schema: Schema) -> dict:
    """The canonical content of template JSON, without its version number and release notes."""
    return template_to_json(template_from_json({**data, "version": 1, "release_notes": ""}, schema, FONTS))
