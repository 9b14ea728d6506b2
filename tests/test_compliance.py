"""Compliance checks: the rules in schemas/compliance.yaml, absent roles and Netherlands terms in answers."""
from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
import yaml

from policybuilder.compliance import check_references, field_findings, findings, load_checks, load_terms, term_findings
from policybuilder.schema import SCHEMA_DIR, SchemaError, load_schema

from .forms import submission


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def answers(worker_count=None, has_vp=True, external=False, cpbw=True, union=True, **extra):
    profile = {"name": "vzw Test", "has_cpbw": cpbw, "has_union_delegation": union}
    if worker_count is not None:
        profile["worker_count"] = worker_count
    result = {"profile": profile, "contacts": {"has_vertrouwenspersoon": has_vp, "vp_is_external": external}}
    for ref, value in extra.items():
        element, _, question = ref.partition("__")
        result.setdefault(element, {})[question] = value
    return result


def checks_of(schema, given, **context):
    return sorted({f.check for f in findings(schema, given, **context)})


def test_shipped_checks_are_valid_and_name_real_questions(schema):
    check_references(schema, load_checks())


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (answers(420, has_vp=False), ["vp_missing_50"]),
        (answers(50, has_vp=False), ["vp_missing_50"]),
        (answers(49, has_vp=False), []),  # under 50 only required on request
        (answers(12, has_vp=False, cpbw=False, union=False), []),
        (answers(86, external=True), ["vp_external_50"]),
        (answers(35, external=True), ["vp_external_20_49"]),
        (answers(14, external=True, cpbw=False, union=False), []),  # under 20 the vertrouwenspersoon may be external
        (answers(86), []),
    ],
)
def test_vertrouwenspersoon_size_rules(schema, given, expected):
    assert checks_of(schema, given) == expected


def test_missing_worker_count_and_consultation_body(schema):
    assert checks_of(schema, answers(None)) == ["worker_count_missing"]
    assert checks_of(schema, answers(30, cpbw=None)) == ["consultation_cpbw_unknown"]
    assert checks_of(schema, answers(30, cpbw=False, union=None)) == ["consultation_union_unknown"]
    assert checks_of(schema, answers(30, cpbw=False, union=False)) == []


def test_review_date_against_today_and_in_force(schema):
    given = answers(30, monitoring__next_review="2027-01-15")
    assert checks_of(schema, given, today=date(2026, 12, 1)) == []
    assert checks_of(schema, given, today=date(2027, 2, 1)) == ["next_review_past"]
    assert checks_of(schema, given, today=date(2026, 12, 1), in_force=date(2027, 3, 1)) == ["next_review_before_in_force"]
    assert checks_of(schema, given) == []  # no dates given: no date checks


def test_a_scale_of_two_levels_is_flagged(schema):
    rows = [{"level": "groen", "description": "a", "actions": "b"}, {"level": "rood", "description": "c", "actions": "d"}]
    assert checks_of(schema, answers(30, procedure__severity_levels=rows)) == ["few_levels"]


def test_own_wording_naming_an_absent_role_is_flagged_default_wording_is_not(schema):
    without = answers(30, has_vp=False)
    assert checks_of(schema, without) == []  # the defaults name the vertrouwenspersoon; the document tailors them
    typed = answers(30, has_vp=False, recovery__support_talk_by="de vertrouwenspersoon of een collega")
    found = [f for f in findings(schema, typed) if f.check == "role_vertrouwenspersoon"]
    assert [f.field for f in found] == ["recovery.support_talk_by"]
    board = answers(14, profile__management="de coördinator", procedure__end_guidance_by="de directie, na overleg")
    assert [f.field for f in findings(schema, board) if f.check == "role_directie"] == ["procedure.end_guidance_by"]


@pytest.mark.parametrize("term", [t for t in load_terms() if t.answers], ids=lambda t: t.label)
def test_every_netherlands_term_is_caught_in_an_answer(schema, term):
    sample = {
        "meldcode (NL)": "volgens de meldcode",
        "vertrouwenscontactpersoon (NL)": "de vertrouwenscontactpersoon",
        "arbodienst (NL)": "bel de arbodienst",
        "arboarts (NL)": "de arboarts",
        "arbo/arbo-adviseur (NL)": "de arbo-adviseur",
        "bedrijfsarts (NL)": "de bedrijfsarts van IDEWE",
        "ondernemingsraad (NL)": "besproken in de ondernemingsraad",
        "OR (NL)": "advies van de OR",
        "RI&E (NL)": "opgenomen in de RI&E",
        "aangifte: say 'klacht indienen bij de politie'": "aangifte doen bij de politie",
        "1 juli 2024 (NL Wet seksuele misdrijven)": "strafbaar sinds 1 juli 2024",
        "#datmeenjeniet (NL project)": "zie #datmeenjeniet",
        "Movisie (NL)": "een gids van Movisie",
    }[term.label]
    given = answers(30, external_support__extra_support=sample)
    messages = [f.message for f in findings(schema, given) if f.field == "external_support.extra_support"]
    assert messages and "In Vlaanderen zeg je:" in messages[0]
    assert term.pattern.search(sample)


def test_term_warning_names_the_belgian_word_once_per_place():
    found = term_findings("Vraag het aan de arbodienst.", "x.y")
    assert len(found) == 1
    assert "externe dienst voor preventie en bescherming op het werk (EDPB)" in found[0].message
    assert term_findings("Klacht indienen bij de politie; vraag het aan de arbeidsarts.", "x.y") == []


def test_full_example_passes_and_field_warnings_are_grouped_by_step(schema):
    import json

    full = json.loads((SCHEMA_DIR.parent / "examples" / "full.json").read_text(encoding="utf-8"))
    assert findings(schema, full, today=date(2026, 12, 1)) == []
    full["external_support"]["extra_support"] = "de bedrijfsarts van IDEWE"
    by_field = field_findings(schema, full, "external_support")
    assert list(by_field) == ["extra_support"]
    assert "arbeidsarts" in by_field["extra_support"][0]


def test_broken_compliance_file_is_named(tmp_path):
    target = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, target)
    data = yaml.safe_load((target / "compliance.yaml").read_text(encoding="utf-8"))
    data["rules"][0]["when"][0]["op"] = "almost"
    (target / "compliance.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"compliance.yaml: field rules/0/when/0"):
        load_checks(target)


# Words that only Dutch has: a French warning holding one of them reached the reader in Dutch.
DUTCH_WORDS = re.compile(r"\b(het|een|van|niet|met|voor|zijn|wordt|bij|ook|geen|werknemers|vertrouwenspersoon|directie|profiel|zeg)\b", re.I)


def test_every_warning_comes_out_in_french_for_a_french_reader(schema):
    given = answers(None, has_vp=False, cpbw=None, monitoring__next_review="2026-01-15",
                    procedure__severity_levels=[{"level": "vert", "description": "a", "actions": "b"}],
                    recovery__support_talk_by="la personne de confiance ou un collègue",
                    external_support__extra_support="le bedrijfsarts de Mensura")
    given["profile"]["management"] = "le coordinateur"
    given["procedure"]["end_guidance_by"] = "la direction, après concertation avec l'équipe"
    found = findings(schema, given, "fr", today=date(2026, 12, 1), in_force=date(2027, 3, 1))
    assert {f.check for f in found} >= {"worker_count_missing", "consultation_cpbw_unknown", "next_review_past",
                                        "next_review_before_in_force", "few_levels", "role_vertrouwenspersoon",
                                        "role_directie", "term"}
    for finding in found:
        assert not DUTCH_WORDS.search(finding.message.replace("bedrijfsarts", "")), finding
    by_check = {f.check: f.message for f in found}
    assert by_check["role_vertrouwenspersoon"].startswith("Ce texte mentionne la personne de confiance")
    assert by_check["term"].startswith("« bedrijfsarts » n'est pas le terme en usage en Belgique.")
    assert "conseiller en prévention-médecin du travail" in by_check["term"]
    rules = {rule.id: rule for rule in load_checks().rules}
    assert by_check["few_levels"] == rules["few_levels"].message["fr"]


def test_a_management_named_in_either_language_is_no_absent_role(schema):
    dutch = answers(30, procedure__end_guidance_by="de directie, na overleg met het team")  # management: the default
    assert checks_of(schema, dutch, lang="fr") == [] and checks_of(schema, dutch, lang="nl") == []
    french = answers(30, profile__management="la direction", procedure__end_guidance_by="la direction, après concertation avec l'équipe")
    assert checks_of(schema, french, lang="fr") == [] and checks_of(schema, french, lang="nl") == []
    french["profile"]["management"] = "le coordinateur"
    assert checks_of(schema, french, lang="fr") == ["role_directie"]


@pytest.mark.parametrize("where", [("rules", 0, "message"), ("roles", 1, "message"), ("roles", 0, "word"), ("term_message",)])
def test_a_warning_without_french_is_refused(tmp_path, where):
    target = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, target)
    data = yaml.safe_load((target / "compliance.yaml").read_text(encoding="utf-8"))
    node = data
    for key in where:
        node = node[key]
    del node["fr"]
    (target / "compliance.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchemaError, match="compliance.yaml: field " + "/".join(map(str, where)) + ": 'fr' is a required property"):
        load_checks(target)


# --- where the drafter and the approver see the warnings ------------------------------------------


def test_review_page_lists_warnings_and_the_step_shows_the_term_beside_its_field(client, make_protocol):
    protocol_id = make_protocol(answers={
        "profile": {"name": "CAW Oost", "worker_count": 420, "has_cpbw": True, "has_union_delegation": True},
        "contacts": {"has_vertrouwenspersoon": False},
        "external_support": {"extra_support": "Bij langdurige stress: de bedrijfsarts van Mensura."},
    })
    review = client.get(f"/protocols/{protocol_id}/review").get_data(as_text=True)
    assert "Aandachtspunten voor de inhoud" in review
    assert "Met 50 of meer werknemers is een vertrouwenspersoon verplicht" in review
    assert f"/protocols/{protocol_id}/steps/external_support#q-extra_support" in review
    step = client.get(f"/protocols/{protocol_id}/steps/external_support").get_data(as_text=True)
    field = step[step.index('id="q-extra_support"'):]
    assert "“bedrijfsarts” is een Nederlandse term. In Vlaanderen zeg je: arbeidsarts" in field[:field.index("</div>", field.index("warning"))]


def test_leaving_open_placeholders_blank_on_submit_reaches_the_version_and_the_approver(app, client, approver_client, make_protocol, token):
    protocol_id = make_protocol(answers={"profile": {"name": "Praktijk De Brug", "worker_count": 12, "has_cpbw": False, "has_union_delegation": False}})
    review_url = f"/protocols/{protocol_id}/review"
    review = client.get(review_url).get_data(as_text=True)
    assert "Open plaatsen in het document" in review and 'value="profile.drafted_by"' in review
    response = client.post(f"/protocols/{protocol_id}/submit",
                           data={"csrf_token": token(client, review_url), "leave_blank": ["profile.drafted_by", "nope.nope"]})
    assert response.status_code == 302 and response.location.endswith(review_url)  # other places are still open
    review = client.get(review_url).get_data(as_text=True)
    assert "open plaatsen tussen vierkante haken" in review
    assert 'value="profile.drafted_by"' not in review  # the ticked choice was kept
    with app.app_context():
        from policybuilder.extensions import db
        from policybuilder.models import Protocol

        assert db.session.get(Protocol, protocol_id).versions == []
    assert client.post(f"/protocols/{protocol_id}/submit", data=submission(client, protocol_id)).status_code == 302
    with app.app_context():
        version = db.session.get(Protocol, protocol_id).versions[-1]
        assert "profile.drafted_by" in version.answers["_blank"]
    page = approver_client.get(f"/protocols/{protocol_id}/versions/1").get_data(as_text=True)
    assert "Nog open in het document" not in page  # every place was filled in or left blank on purpose
    assert "naam en functie opsteller" not in page  # left blank on purpose: not open, and not printed
