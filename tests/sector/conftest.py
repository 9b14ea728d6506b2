"""A small protocol schema of our own, so that content edits never break the template tests."""
from __future__ import annotations

import copy
import shutil

import pytest
import yaml

from policybuilder.schema import ELEMENT_ORDER, SCHEMA_DIR, load_schema
from policybuilder.sector import template_from_json

FONTS = ("Liberation Sans", "Open Sans")


def _element(key: str, order: int, questions: list[dict], clauses: list[dict] = ()) -> dict:
    return {
        "key": key,
        "order": order,
        "title": {"nl": key.title(), "fr": key.title()},
        "guidance": {"nl": "Uitleg.", "fr": "Explication."},
        "questions": questions,
        "clauses": list(clauses),
    }


def _textarea(qid: str, default: str | None = None) -> dict:
    question = {"id": qid, "type": "textarea", "label": {"nl": qid, "fr": qid}, "max_length": 500}
    if default is not None:
        question["default"] = {"nl": default, "fr": default + " (fr)"}
    return question


ELEMENTS = {
    "profile": [
        {"id": "name", "type": "text", "label": {"nl": "Naam", "fr": "Nom"}, "required": True, "max_length": 100, "translate": False},
        {
            "id": "sector",
            "type": "choice",
            "label": {"nl": "Sector", "fr": "Secteur"},
            "options": [{"value": "youth_care", "label": {"nl": "Jeugdhulp", "fr": "Aide à la jeunesse"}},
                        {"value": "disability", "label": {"nl": "Handicap", "fr": "Handicap"}}],
        },
        {
            "id": "document_language",
            "type": "choice",
            "label": {"nl": "Taal van de antwoorden", "fr": "Langue des réponses"},
            "options": [{"value": "nl", "label": {"nl": "Nederlands", "fr": "Nederlands"}}, {"value": "fr", "label": {"nl": "Français", "fr": "Français"}}],
            "default": "nl",
        },
    ],
    "procedure": [
        _textarea("first_step", "Meld het aan je leidinggevende."),
        _textarea("aftercare"),
        {"id": "report_days", "type": "number", "label": {"nl": "Dagen", "fr": "Jours"}, "min": 1, "max": 30},
        {"id": "notify_police", "type": "yesno", "label": {"nl": "Politie", "fr": "Police"}},
    ],
    "external_support": [
        {
            "id": "support_list",
            "type": "group",
            "label": {"nl": "Externe hulp", "fr": "Aide externe"},
            "max_items": 4,
            "fields": [
                {"id": "name", "type": "text", "label": {"nl": "Dienst", "fr": "Service"}, "required": True},
                {"id": "reach", "type": "text", "label": {"nl": "Bereik", "fr": "Joignable"}, "translate": False},
            ],
            "default": {"nl": [{"name": "1712", "reach": "telefoon 1712"}], "fr": [{"name": "1712 (en néerlandais)", "reach": "telefoon 1712"}]},
        },
        {"id": "edpb_contact", "type": "text", "label": {"nl": "EDPB", "fr": "SEPPT"}, "translate": False},
    ],
}


@pytest.fixture(scope="session")
def schema(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemas")
    shutil.copy(SCHEMA_DIR / "element.schema.json", folder / "element.schema.json")
    (folder / "elements").mkdir()
    for order, key in enumerate(ELEMENT_ORDER):
        questions = ELEMENTS.get(key, [_textarea("notes")])
        clauses = [{"id": "intro", "kind": "paragraph", "text": {"nl": "Eerst: {procedure.first_step}", "fr": "D'abord : {procedure.first_step}"}}] if key == "procedure" else []
        data = _element(key, order, questions, clauses)
        (folder / "elements" / f"{key}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_schema(folder)


TEMPLATE_JSON = {
    "format": 1,
    "name": "Protocol jeugdhulp",
    "federation": "Sectorfederatie Jeugd",
    "version": 1,
    "release_notes": "Eerste versie.",
    "questions": {
        "procedure.first_step": {
            "state": "open",
            "default": {"nl": "Meld het aan de teamcoach.", "fr": "Signalez-le au coach d'équipe."},
            "suggestion": {"nl": "Noem de teamcoach bij naam.", "fr": "Nommez le coach."},
            "help": {"nl": "De sector raadt de teamcoach aan.", "fr": "Le secteur recommande le coach d'équipe."},
        },
        "procedure.aftercare": {"state": "locked", "default": {"nl": "Nazorg volgens de sectorafspraak.", "fr": "Suivi selon l'accord sectoriel."}},
        "procedure.report_days": {"state": "hidden", "default": 5},
        "procedure.notify_police": {"state": "open", "help": {"nl": "Bij twijfel: ja.", "fr": "En cas de doute : oui."}},
    },
    "clauses": {
        "procedure": [
            {
                "id": "sector_rule",
                "kind": "paragraph",
                "text": {"nl": "Binnen {procedure.report_days} dagen, zie <b>{{ config }}</b>.",
                         "fr": "Dans les {procedure.report_days} jours, voir <b>{{ config }}</b>."},
                "when": [{"q": "procedure.notify_police", "op": "eq", "value": True}],
                "basis": {"kind": "sector", "ref": "Sectorakkoord 2024"},
            }
        ]
    },
    "contacts_target": "external_support.support_list",
    "contacts": [{"name": {"nl": "Sectorhulplijn", "fr": "Ligne d'aide du secteur"}, "reach": "0800 00 000"}],
    "style": {"primary_colour": "#12AB34", "font": "Open Sans", "cover_text": "Sectorfederatie Jeugd", "footer_text": "Gebaseerd op het sectorsjabloon"},
}


@pytest.fixture
def template_json():
    return copy.deepcopy(TEMPLATE_JSON)


@pytest.fixture
def template(schema, template_json):
    return template_from_json(template_json, schema, FONTS)
