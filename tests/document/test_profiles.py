"""Contrasting organisations: tailoring, one wording per fact, compliance warnings and clean approved documents."""
from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter
from datetime import date
from difflib import SequenceMatcher

import pytest

from policybuilder.answers import BLANK_KEY
from policybuilder.compliance import findings
from policybuilder.document import DocumentMeta, build_document
from policybuilder.document.build import open_placeholders
from policybuilder.document.model import NoteBox, Paragraph, plain

from .conftest import example
from .test_build import all_text

FLAGS = [
    {"level": "groen", "description": "Een onbeleefd bericht.", "actions": "Bewijs bewaren en melden."},
    {"level": "geel", "description": "Herhaald gedrag.", "actions": "Team schat in."},
    {"level": "rood", "description": "Bedreiging of seksuele beelden.", "actions": "Contact stopzetten."},
    {"level": "zwart", "description": "Acuut gevaar.", "actions": "Bel 101 of 112."},
]
SITES = [
    {"site": f"Vestiging {name}", "contact": f"{name} coördinator", "phone": f"09 22{n} 11 00", "on_call": f"0470 1{n} 22 33"}
    for n, name in enumerate(["Gent", "Aalst", "Eeklo", "Deinze", "Lokeren"], start=1)
]


def profile(name, sector, workers, has_vp, external=False, cpbw=False, union=False, management="de directie", **extra):
    answers = {
        "profile": {"name": name, "sector": sector, "has_cpbw": cpbw, "has_union_delegation": union,
                    "external_service": "Mensura", "internal_advisor": "An Peeters", "management": management},
        "contacts": {"has_vertrouwenspersoon": has_vp, "vp_is_external": external, "out_of_hours_route": "de permanentie, 0470 00 11 22"},
        "procedure": {"evidence_location": "de beveiligde map Incidenten"},
        "external_support": {"edpb_contact": "Mensura, 02 549 71 00"},
        "communication": {"spokesperson": "de directeur"},
        "monitoring": {"protocol_owner": "de interne preventieadviseur", "next_review": "2027-11-30"},
    }
    if workers is not None:
        answers["profile"]["worker_count"] = workers
    for ref, value in extra.items():
        element, _, question = ref.partition("__")
        answers.setdefault(element, {})[question] = value
    return answers


PROFILES = {
    # 14 workers, no board, no vertrouwenspersoon, no consultation body, its own four flags and deadlines
    "childcare_14": profile("Kinderdagverblijf Het Nest", "childcare", 14, has_vp=False, management="de verantwoordelijke van de opvang",
                            procedure__severity_levels=FLAGS, procedure__report_deadline="binnen 12 uur",
                            procedure__report_deadline_high="onmiddellijk, telefonisch", procedure__assessment_deadline="binnen drie werkdagen",
                            procedure__assessment_deadline_high="binnen vier uur"),
    # 420 workers on five sites without a vertrouwenspersoon: not compliant
    "caw_420": profile("CAW Oost", "welfare", 420, has_vp=False, cpbw=True, union=True, contacts__site_contacts=SITES),
    # 35 workers with an external vertrouwenspersoon: not compliant; a union delegation and no CPBW
    "disability_35": profile("vzw Horizon", "disability_care", 35, has_vp=True, external=True, union=True),
    # 60 workers, own vertrouwenspersoon, CPBW
    "education_60": profile("Sint-Jozefscollege", "education", 60, has_vp=True, cpbw=True, union=True),
    # 12 workers, an external vertrouwenspersoon is allowed, nobody to consult but the workers
    "other_12": profile("Praktijk De Brug", "other", 12, has_vp=True, external=True),
    # worker count unknown: a warning, and a placeholder in the document
    "youth_unknown": profile("vzw Kompas", "youth_care", None, has_vp=True, cpbw=True, union=True),
    "full": example("full"),
}
NON_COMPLIANT = {
    "caw_420": {"vp_missing_50"},
    "disability_35": {"vp_external_20_49"},
    "youth_unknown": {"worker_count_missing"},
}
DRAFT = DocumentMeta(organisation="", version_label="concept", date=date(2026, 12, 1))


def approved_meta(consultation_note="gunstig"):
    return DocumentMeta(organisation="", version_label="1", date=date(2026, 12, 1), status="approved", approved_by_name="Eva Maes",
                        approved_by_function="directeur", consultation_body=consultation_note, consultation_date=date(2026, 11, 25),
                        in_force_date=date(2027, 1, 1), next_review_date=date(2027, 11, 30))


@pytest.fixture(scope="module", params=sorted(PROFILES))
def built(request, schema):
    answers = PROFILES[request.param]
    return request.param, answers, all_text(build_document(schema, answers, DRAFT))


def sentences(text: str) -> list[str]:
    return [s.strip() for line in text.split("\n") for s in re.split(r"(?<=[.!?])\s+", line) if s.strip()]


def test_no_sentence_names_a_role_the_organisation_does_not_have(built):
    name, answers, text = built
    if answers["contacts"].get("has_vertrouwenspersoon") is False:
        leaks = [s for s in sentences(text) if re.search(r"\bde vertrouwenspersoon|^vertrouwenspersoon\b", s, re.I)]
        assert leaks == []
        assert "Mensura" in text  # the confidential talk goes to the PA-PSY of the external service
    if "directie" not in answers["profile"].get("management", "de directie"):
        assert [s for s in sentences(text) if "directie" in s.lower()] == []
        assert answers["profile"]["management"] in text.lower()


def test_client_nouns_follow_the_sector(built):
    name, answers, text = built
    sector = answers["profile"]["sector"]
    if sector != "youth_care":
        assert "de jongere" not in text
    if sector == "childcare":
        assert "de ouders en kinderen" in text
    if sector == "disability_care":
        assert "wettelijke vertegenwoordiger" in text and "ondersteuningsplan" in text


def test_every_level_reference_uses_the_organisations_own_level_names(built, schema):
    name, answers, text = built
    rows = answers.get("procedure", {}).get("severity_levels") or schema.question("procedure.severity_levels").default_value("nl")
    own = {row["level"] for row in rows}
    named = set(re.findall(r"“([^”]+)”", " ".join(re.findall(r"niveaus? “[^”]+”(?: of “[^”]+”)*", text))))
    assert named and named <= own
    bare = re.findall(r"\bniveaus? \d\b|\bniveau \d of \d", text)
    assert bare == []


def test_each_deadline_is_the_organisations_own_wherever_it_appears(schema):
    text = all_text(build_document(schema, PROFILES["childcare_14"], DRAFT))
    for default in ("24 uur", "binnen de week", "meteen en telefonisch", "twee werkdagen", "dezelfde dag"):
        assert default not in text, default
    for own in ("binnen 12 uur", "onmiddellijk, telefonisch", "binnen drie werkdagen", "binnen vier uur"):
        assert text.count(own) >= 2, own  # the chapter and the card or checklist say the same
    assert "niveau “rood” of “zwart”" in text


def test_no_sentence_is_repeated(schema):
    """Within the protocol itself; the staff card is a summary of it, printed and handed out on its own."""
    for answers in PROFILES.values():
        doc = build_document(schema, answers, DRAFT)
        body = dataclasses.replace(doc, sections=tuple(s for s in doc.sections if s.anchor != "annex-staff_card"))
        counted = Counter(s for s in sentences(all_text(body)) if len(s) > 60)
        assert [s for s, n in counted.items() if n > 1] == []


def test_no_two_neighbouring_paragraphs_say_nearly_the_same(schema):
    """A chapter's introduction and its first clause, for example, do not repeat each other."""
    for answers in PROFILES.values():
        for section in build_document(schema, answers, DRAFT).sections:
            texts = [plain(b.runs) for b in section.blocks if isinstance(b, (Paragraph, NoteBox))]
            for first, second in zip(texts, texts[1:]):
                assert SequenceMatcher(None, first, second).ratio() < 0.6, (first, second)



def test_compliance_warnings_exactly_for_the_non_compliant_profiles(built, schema):
    name, answers, text = built
    found = {f.check for f in findings(schema, answers, today=date(2026, 12, 1))}
    assert found == NON_COMPLIANT.get(name, set())
    doc = build_document(schema, answers, DRAFT)
    attention = [value for label, value in doc.control.rows if label.startswith("Aandachtspunt")]
    assert len(attention) == len(found)


def test_several_sites_each_with_their_own_contact_and_on_call_number(schema):
    text = all_text(build_document(schema, PROFILES["caw_420"], DRAFT))
    for row in SITES:
        assert row["site"] in text and row["on_call"] in text


def test_netherlands_terms_typed_by_the_drafter_reach_the_draft_control_block(schema):
    answers = copy.deepcopy(PROFILES["education_60"])
    answers["external_support"]["extra_support"] = "Bij langdurige stress: de bedrijfsarts. Aangifte doen kan altijd."
    doc = build_document(schema, answers, DRAFT)
    attention = " ".join(str(value) for label, value in doc.control.rows if label.startswith("Aandachtspunt"))
    assert "arbeidsarts" in attention and "klacht indienen bij de politie" in attention


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_approved_document_has_no_placeholder_and_no_drafting_note(schema, name):
    answers = copy.deepcopy(PROFILES[name])
    answers[BLANK_KEY] = [ref for ref, _ in open_placeholders(schema, answers)]
    text = all_text(build_document(schema, answers, approved_meta()))
    assert "[" not in text
    assert "Tekst tussen vierkante haken" not in text
    assert "Aandachtspunt" not in text
    assert "Advies gevraagd" not in text or "op 25/11/2026: gunstig." in text


def test_open_placeholders_name_the_questions_still_missing(schema):
    missing = dict(open_placeholders(schema, PROFILES["youth_unknown"]))
    assert missing["profile.worker_count"] == "aantal werknemers"
    draft = all_text(build_document(schema, PROFILES["youth_unknown"], DRAFT))
    assert "[aantal werknemers]" in draft
    blanked = {**PROFILES["youth_unknown"], BLANK_KEY: ["profile.worker_count"]}
    assert "profile.worker_count" not in dict(open_placeholders(schema, blanked))


def test_the_registration_form_has_one_name(built):
    name, answers, text = built
    assert "incidentformulier" not in text.lower()
    assert "registratieformulier" in text.lower()
