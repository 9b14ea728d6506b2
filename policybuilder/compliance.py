"""Compliance warnings on a protocol's answers: rules, absent roles and Netherlands terms (no Flask).

The checks are data: ``schemas/compliance.yaml`` (rules and role words) and ``schemas/terms.yaml``
(Netherlands terms with their Belgian suggestion). Each warning names the question it is about, so the
wizard can show it beside the field and the review and approval pages can link to the step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .answers import holds, is_empty, value
from .document.facts import Facts, derive_facts
from .recent import Recent
from .schema import SCHEMA_DIR, TEXT_TYPES, Condition, Schema, SchemaError, text, validated_yaml


@dataclass(frozen=True)
class Finding:
    """One warning: which check, about which question (``element.question``), in the drafter's language."""

    check: str
    field: str
    message: str


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern
    label: str
    suggestion: dict[str, str]
    answers: bool = True
    lang: str | None = None  # the language whose texts the rule applies to; None: both


@dataclass(frozen=True)
class Rule:
    id: str
    field: str
    when: tuple[dict, ...]
    message: dict[str, str]


@dataclass(frozen=True)
class Checks:
    rules: tuple[Rule, ...]
    roles: tuple[dict, ...]
    term_message: dict[str, str]
    terms: tuple[Term, ...]
    # typed text -> the terms found in it: the same answers are checked again at every build and page
    found: Recent = field(default_factory=lambda: Recent(4096), compare=False, repr=False)


def load_terms(schema_dir: Path = SCHEMA_DIR) -> tuple[Term, ...]:
    """The terms to avoid (Netherlands and France) of ``schemas/terms.yaml``, validated and compiled."""
    terms = []
    for index, item in enumerate(validated_yaml("terms", schema_dir)["avoid"]):
        try:
            pattern = re.compile(item["pattern"], 0 if item.get("case_sensitive") else re.I)
        except re.error as exc:
            raise SchemaError(f"terms.yaml: field avoid/{index}/pattern: {exc}") from None
        terms.append(Term(pattern, item["label"], item["suggestion"], item.get("answers", True), item.get("lang")))
    return tuple(terms)


@lru_cache(maxsize=4)
def load_checks(schema_dir: Path = SCHEMA_DIR) -> Checks:
    """The checks of ``schemas/compliance.yaml`` and ``schemas/terms.yaml``, read and validated once."""
    data = validated_yaml("compliance", schema_dir)
    rules = tuple(Rule(r["id"], r["field"], tuple(r["when"]), r["message"]) for r in data["rules"])
    return Checks(rules, tuple(data["roles"]), data["term_message"], load_terms(schema_dir))


def check_references(schema: Schema, checks: Checks) -> None:
    """Every question a rule names must exist; SchemaError names the rule."""
    for rule in checks.rules:
        for ref in (rule.field, *(c["q"] for c in rule.when)):
            try:
                schema.question(ref)
            except KeyError:
                raise SchemaError(f"compliance.yaml: field rules/{rule.id}: unknown question {ref!r}") from None


def findings(schema: Schema, answers: dict, lang: str = "nl", today: date | None = None,
             in_force: date | None = None, facts: Facts | None = None) -> list[Finding]:
    """Every warning for ``answers``: rules first, then absent roles and Netherlands terms in question order.

    Date rules compare with ``today`` and ``in_force`` when given (a document passes its own date, not the clock);
    ``facts``: the answers' facts in ``lang`` when the caller has them already.
    """
    checks = load_checks()
    context = {"today": today, "in_force": in_force}
    result = [
        Finding(rule.id, rule.field, text(rule.message, lang))
        for rule in checks.rules
        if all(_holds(schema, answers, condition, context) for condition in rule.when)
    ]
    return result + text_findings(schema, answers, lang, facts)


def text_findings(schema: Schema, answers: dict, lang: str = "nl", facts: Facts | None = None) -> list[Finding]:
    """Warnings on the drafter's own free text: Netherlands terms and roles the organisation does not have.

    ``facts``: the answers' facts in ``lang`` (derived here when not given; only the roles in them count).
    """
    checks = load_checks()
    absent = absent_roles(facts or derive_facts(answers, lang, schema))
    result = []
    for ref, typed in _free_texts(schema, answers, lang):
        result += term_findings(typed, ref, lang, checks)
        if _is_default(schema, ref, typed, lang):
            continue
        result += [
            Finding(f"role_{role['word']['nl']}", ref, text(role["message"], lang))
            for role in absent
            if names_role(role, typed) and ref != "profile.management"
        ]
    return result


def absent_roles(facts: Facts) -> list[dict]:
    """The roles of compliance.yaml the organisation lacks (each with its word in both languages)."""
    return [role for role in load_checks().roles if _role_absent(role, facts)]


def names_role(role: dict, wording: str) -> bool:
    """True when ``wording`` names the role in either language (typed answers keep the answers' language)."""
    return any(word.lower() in wording.lower() for word in role["word"].values())


def _role_absent(role: dict, facts: Facts) -> bool:
    """Whether the organisation lacks the role: no vertrouwenspersoon, or a management that is not the directie."""
    if role["absent"] == "no_vertrouwenspersoon":
        return not facts.has_vertrouwenspersoon
    return not names_role(role, facts.management)


def term_findings(typed: str, ref: str, lang: str = "nl", checks: Checks | None = None) -> list[Finding]:
    """The Netherlands terms in ``typed``, each with its Belgian suggestion (one warning per place in the text)."""
    checks = checks or load_checks()
    return [
        Finding("term", ref, text(checks.term_message, lang).format(term=words, suggestion=text(term.suggestion, lang)))
        for term, words in checks.found.get(typed, lambda: _terms_in(typed, checks.terms))
    ]


def _terms_in(typed: str, terms: tuple[Term, ...]) -> tuple[tuple[Term, str], ...]:
    """(term, the words found) for each place in ``typed`` with a term to avoid; a place two terms match is the first's."""
    found, taken = [], []
    for term in terms:
        if not term.answers:
            continue
        for match in term.pattern.finditer(typed):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            found.append((term, match.group()))
    return tuple(found)


def field_findings(schema: Schema, answers: dict, element_key: str, lang: str = "nl") -> dict[str, list[str]]:
    """The warnings of one wizard step, by question id, for showing beside each field."""
    by_field: dict[str, list[str]] = {}
    for finding in findings(schema, answers, lang):
        element, _, question_id = finding.field.partition(".")
        if element == element_key:
            by_field.setdefault(question_id, []).append(finding.message)
    return by_field


def _holds(schema: Schema, answers: dict, condition: dict, context: dict) -> bool:
    answer = value(schema, answers, condition["q"])
    if condition["op"] == "before":
        limit = context.get(condition["than"])
        return limit is not None and not is_empty(answer) and date.fromisoformat(str(answer)) < limit
    if condition["op"] == "count_lt":
        return len(answer or ()) < condition["value"]
    return holds(schema, answers, Condition(condition["q"], condition["op"], condition.get("value")))


def _free_texts(schema: Schema, answers: dict, lang: str):
    """(element.question, text) for every text answer, group text fields included."""
    for element in schema.elements:
        for question in element.questions:
            ref = f"{element.key}.{question.id}"
            answer = value(schema, answers, ref, lang)
            if question.type in TEXT_TYPES and isinstance(answer, str) and answer.strip():
                yield ref, answer
            elif question.type == "group" and answer:
                for row in answer:
                    for f in question.fields:
                        if f.type in TEXT_TYPES and isinstance(row.get(f.id), str) and row[f.id].strip():
                            yield ref, row[f.id]


def _is_default(schema: Schema, ref: str, typed: str, lang: str) -> bool:
    """True when ``typed`` is (part of) the question's default wording, which the document tailors itself."""
    question = schema.question(ref)
    wording, cells = question.derive(("default_texts", lang), lambda: _default_texts(question.default_value(lang)))
    return " ".join(typed.split()) == wording if wording is not None else typed in cells


def _default_texts(default: Any) -> tuple[str | None, tuple]:
    """(the default wording folded, ()) for a text default; (None, every cell of the default rows) otherwise."""
    if isinstance(default, str):
        return " ".join(default.split()), ()
    if isinstance(default, list):
        return None, tuple(cell for row in default if isinstance(row, dict) for cell in row.values())
    return None, ()
