"""Starting from what the organisation already has: another protocol's profile and contacts, the profile's advisors as contacts."""
from __future__ import annotations

import copy

from .answers import is_empty, value
from .models import Organisation, Protocol
from .schema import Schema
from .sector import Template, apply_defaults

COPIED_STEPS = ("profile", "contacts")
CONTACTS = "contacts.internal_contacts"
# The contact rows the profile can fill: the row whose role contains these words gets the profile's answer.
FROM_PROFILE = (
    ("interne preventieadviseur", "name", "profile.internal_advisor"),
    ("preventieadviseur psychosociale aspecten", "function", "profile.external_service"),
)


def latest_protocol(organisation: Organisation) -> Protocol | None:
    """The organisation's most recently saved protocol, if it has one."""
    return max(organisation.protocols, key=lambda p: p.updated_at, default=None)


def start_answers(name: str, sector: str, schema: Schema, source: Protocol | None = None, template: Template | None = None) -> dict:
    """A new protocol's answers: the profile and contacts of ``source``, under the new name and sector, then the template.

    The template's locked and hidden questions keep the template's value; open ones keep what was copied.
    """
    answers = {step: copy.deepcopy(source.answers[step]) for step in COPIED_STEPS if source and step in source.answers}
    answers["profile"] = {**answers.get("profile", {}), "name": name, "sector": sector}
    return apply_defaults(template, answers, schema) if template else answers


def copied_steps(answers: dict, source: Protocol | None) -> list[str]:
    """The copied steps that were saved in ``source``: they count as saved in the new protocol too."""
    return [step for step in COPIED_STEPS if source and step in source.saved_steps and step in answers]


def with_profile_contacts(schema: Schema, answers: dict, lang: str = "nl") -> dict:
    """``answers`` with the contacts table prefilled from the profile, as long as the table was never saved."""
    element_key, _, question_id = CONTACTS.partition(".")
    if question_id in answers.get(element_key, {}):
        return answers
    rows = copy.deepcopy(value(schema, answers, CONTACTS, lang) or [])
    for words, field, ref in FROM_PROFILE:
        offered = value(schema, answers, ref, lang)
        row = next((r for r in rows if words in (r.get("role") or "").casefold()), None)
        if row is not None and not is_empty(offered) and is_empty(row.get(field)):
            row[field] = offered
    return {**answers, element_key: {**answers.get(element_key, {}), question_id: rows}}
