"""The protocol's wording: Flemish terms, sound defaults, honest legal bases, tailoring conditions."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from policybuilder.answers import applies, missing, validate_answers
from policybuilder.compliance import load_terms
from policybuilder.document.facts import derive_facts
from policybuilder.schema import ELEMENT_ORDER, PLACEHOLDER, SCHEMA_DIR, load_schema, read_yaml

# Netherlands terms and claims that must not appear as Flemish/Belgian wording: one list, schemas/terms.yaml.
FORBIDDEN = [(term.pattern, term.label) for term in load_terms()]
MARKUP = re.compile(r"\{\{|\{%|\*\*|__|\]\(|^\s*#", re.M)

# Organisation facts a protocol cannot work without: required, and no default wording.
ORG_FACTS = [
    "profile.name",
    "procedure.evidence_location",
    "contacts.out_of_hours_route",
    "external_support.edpb_contact",
    "communication.spokesperson",
    "monitoring.protocol_owner",
    "monitoring.next_review",
]


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def raw():
    return {key: read_yaml(SCHEMA_DIR / "elements" / f"{key}.yaml") for key in ELEMENT_ORDER}


def strings(node, path=""):
    """Every string (keys included) in a parsed YAML document, with where it is."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}/{key}", str(key)
            yield from strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}/{index}")


def clause(schema, ref):
    element_key, _, clause_id = ref.partition(".")
    for candidate in schema.element(element_key).clauses:
        if candidate.id == clause_id:
            return candidate
    raise KeyError(ref)


def shows(schema, ref, answers):
    return applies(schema, answers, clause(schema, ref).when)


def profile(**values):
    return {"profile": values}


# --- wording ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_no_netherlands_terms(raw, key):
    hits = [
        f"{path}: {label}"
        for path, value in strings(raw[key])
        for pattern, label in FORBIDDEN
        if pattern.search(value)
    ]
    assert hits == []


@pytest.mark.parametrize("name", ["traceability.yaml", "document.yaml", "compliance.yaml"])
def test_no_netherlands_terms_in_other_schema_files(name):
    data = read_yaml(SCHEMA_DIR / name)
    hits = [f"{path}: {label}" for path, value in strings(data) for pattern, label in FORBIDDEN if pattern.search(value)]
    assert hits == []


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_no_netherlands_terms_in_the_examples(name):
    data = json.loads((SCHEMA_DIR.parent / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    hits = [f"{path}: {label}" for path, value in strings(data) for pattern, label in FORBIDDEN if pattern.search(value)]
    assert hits == []


def test_forbidden_scan_really_finds_terms():
    sample = {"text": {"nl": "Doe aangifte en vraag de arbodienst of de OR."}}
    found = {label for _, value in strings(sample) for pattern, label in FORBIDDEN if pattern.search(value)}
    assert {"aangifte: say 'klacht indienen bij de politie'", "arbodienst (NL)", "OR (NL)"} <= found
    assert not {label for pattern, label in FORBIDDEN if pattern.search("Klacht bij de politie, vraag het CPBW.")}


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_only_placeholder_braces_and_no_markup(raw, key):
    bad = []
    for path, value in strings(raw[key]):
        rest = PLACEHOLDER.sub("", value)
        if "{" in rest or "}" in rest or MARKUP.search(value):
            bad.append(f"{path}: {value[:80]}")
    assert bad == []


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_placeholders_only_in_clauses(raw, key):
    """Guidance and defaults are shown as they are; only clause and intro text is filled in."""
    data = dict(raw[key])
    data.pop("clauses")
    data.pop("intro")
    assert [path for path, value in strings(data) if PLACEHOLDER.search(value)] == []


def test_every_placeholder_has_a_blank_or_a_default(schema):
    lacking = set()
    for element in schema.elements:
        for c in element.clauses:
            shown_only_when_answered = {cond.question for cond in c.when if cond.op == "answered"}
            for wording in (c.text, c.heading, *c.items):
                for value in (wording or {}).values():
                    for e, q in PLACEHOLDER.findall(value):
                        if e == "facts":
                            continue  # facts name their own blank (policybuilder/document/facts.py)
                        question = schema.question(f"{e}.{q}")
                        if f"{e}.{q}" in shown_only_when_answered:
                            continue
                        if not question.blank and question.default is None:
                            lacking.add(f"{e}.{q}")
    assert lacking == set()


def test_police_complaint_uses_klacht(schema):
    assert "klacht indient bij de politie" in clause(schema, "procedure.police").text["nl"]
    assert "proces-verbaal" in " ".join(i["nl"] for i in clause(schema, "procedure.police_support").items)


def test_every_element_has_titles_intro_and_guidance(schema):
    assert [e.key for e in schema.elements] == list(ELEMENT_ORDER)
    for element in schema.elements:
        assert element.title.get("nl") and element.title.get("fr"), element.key
        assert element.intro.get("nl"), element.key
        assert element.guidance.get("nl"), element.key


def test_text_questions_have_a_max_length(schema):
    unbounded = []
    for element in schema.elements:
        for q in element.questions:
            if q.type in ("text", "textarea") and not q.max_length:
                unbounded.append(f"{element.key}.{q.id}")
            for f in q.fields:
                if f.type in ("text", "textarea") and not f.max_length:
                    unbounded.append(f"{element.key}.{q.id}.{f.id}")
    assert unbounded == []


def test_profile_keeps_its_questions_and_purpose_first(schema):
    ids = [q.id for q in schema.element("profile").questions]
    for kept in ("name", "sector", "worker_count", "sites", "has_cpbw", "has_union_delegation",
                 "external_service", "internal_advisor", "staff_languages", "drafted_by"):
        assert kept in ids
    assert schema.element("profile").clauses[0].id == "purpose"


# --- defaults ----------------------------------------------------------------------------


def test_defaults_are_valid_answers(schema):
    answers = {
        element.key: {q.id: q.default_value() for q in element.questions if q.default is not None}
        for element in schema.elements
    }
    validate_answers(schema, answers)


def test_severity_scale_has_at_least_three_levels_with_actions(schema):
    question = schema.question("procedure.severity_levels")
    assert question.type == "group"
    assert [f.id for f in question.fields] == ["level", "description", "actions"]
    rows = question.default
    assert len(rows) >= 3
    for row in rows:
        assert row["level"].strip() and row["description"].strip() and row["actions"].strip()
    assert clause(schema, "procedure.severity_table").source == "procedure.severity_levels"
    assert "101" in rows[-1]["actions"]


def test_external_support_rows_are_dated_and_flemish(schema):
    question = schema.question("external_support.support_list")
    rows = question.default
    for row in rows:
        dt.date.fromisoformat(row["last_checked"])
        assert row["name"] and row["purpose"] and row["reach"]
    names = " | ".join(row["name"] for row in rows)
    for expected in ("Slachtofferhulp", "Vlaams Meldpunt Grensoverschrijdend Gedrag", "1712", "Politie",
                     "Unia", "Vlaams Mensenrechteninstituut", "IGVM", "Tele-Onthaal"):
        assert expected in names
    reach = {row["name"]: row["reach"] for row in rows}
    assert "0800 12 800" in reach["Unia"]
    assert "106" in reach["Tele-Onthaal"]
    # The Meldpunt's phone number is unchecked: the default must not give one.
    assert not re.search(r"\d{3}", reach["Vlaams Meldpunt Grensoverschrijdend Gedrag"])
    edpb = clause(schema, "external_support.edpb").text["nl"]
    assert "{profile.external_service}" in edpb


def test_organisation_facts_are_required_without_default(schema):
    for ref in ORG_FACTS:
        question = schema.question(ref)
        assert question.required, ref
        assert question.default is None, ref
    flagged = {f"{key}.{gap.question.id}" for key in ELEMENT_ORDER for gap in missing(schema, {}, key)}
    assert set(ORG_FACTS) <= flagged


def test_internal_contacts_group(schema):
    question = schema.question("contacts.internal_contacts")
    assert [f.id for f in question.fields] == ["role", "name", "function", "phone", "email", "out_of_hours"]
    roles = " ".join(row["role"] for row in question.default).lower()
    for role in ("leidinggevende", "vervanger", "vertrouwenspersoon", "preventieadviseur psychosociale aspecten"):
        assert role in roles
    assert all(set(row) == {"role"} for row in question.default), "names and numbers have no default"


def test_support_talk_timings_are_good_practice(schema):
    assert "72 uur" in schema.question("recovery.first_talk").default["nl"]
    assert "2 weken" in schema.question("recovery.followup_first").default["nl"]
    assert "6 tot 8 weken" in schema.question("recovery.followup_second").default["nl"]
    assert clause(schema, "recovery.talks").basis["kind"] == "good_practice"


# --- legal basis ---------------------------------------------------------------------------


def test_every_law_basis_has_a_reference(schema):
    for element in schema.elements:
        for c in element.clauses:
            if c.basis and c.basis["kind"] == "law":
                assert c.basis.get("ref", "").strip(), f"{element.key}.{c.id}"


def test_criminal_law_is_never_marked_as_checked_law(schema):
    """Offences are named without article numbers and only as good practice wording."""
    for ref in ("profile.offences", "procedure.police_doubt"):
        assert clause(schema, ref).basis["kind"] == "good_practice"
    for element in schema.elements:
        for c in element.clauses:
            if c.basis and c.basis["kind"] == "law":
                assert "Strafwetboek" not in c.basis["ref"]
                assert not re.search(r"\bart(ikel)?\.? *\d+ *Sw", c.basis["ref"])


def test_law_clauses_cover_the_checked_facts(schema):
    law = {f"{e.key}.{c.id}" for e in schema.elements for c in e.clauses if c.basis and c.basis["kind"] == "law"}
    for ref in ("profile.legal_frame", "procedure.register", "procedure.evidence_privacy",
                "contacts.vp_required_50", "contacts.pa_psy"):
        assert ref in law
    assert "5 jaar" in clause(schema, "procedure.register").text["nl"]
    assert "instemt" in clause(schema, "procedure.register").text["nl"]


# --- tailoring -------------------------------------------------------------------------------


def test_vertrouwenspersoon_rules_follow_size(schema):
    assert shows(schema, "contacts.vp_required_50", profile(worker_count=60))
    assert shows(schema, "contacts.vp_required_50", profile(worker_count=50))
    assert not shows(schema, "contacts.vp_required_50", profile(worker_count=49))
    assert not shows(schema, "contacts.vp_required_50", profile(worker_count=10))
    assert not shows(schema, "contacts.vp_required_50", {})

    without = {"contacts": {"has_vertrouwenspersoon": False}}
    assert shows(schema, "contacts.vp_none_20_49", {**profile(worker_count=30), **without})
    assert not shows(schema, "contacts.vp_none_20_49", profile(worker_count=30))  # default: there is one
    assert not shows(schema, "contacts.vp_none_20_49", {**profile(worker_count=10), **without})
    assert not shows(schema, "contacts.vp_none_20_49", {**profile(worker_count=60), **without})

    external = {"contacts": {"vp_is_external": True}}
    assert shows(schema, "contacts.vp_external_small", {**profile(worker_count=12), **external})
    assert not shows(schema, "contacts.vp_external_small", {**profile(worker_count=25), **external})
    assert shows(schema, "contacts.vp_external_50", {**profile(worker_count=80), **external})


def test_under_50_rule_depends_on_union_delegation(schema):
    with_union = profile(worker_count=30, has_union_delegation=True)
    without_union = profile(worker_count=30, has_union_delegation=False)
    assert shows(schema, "contacts.vp_under_50_delegation", with_union)
    assert not shows(schema, "contacts.vp_under_50_workers", with_union)
    assert shows(schema, "contacts.vp_under_50_workers", without_union)
    assert not shows(schema, "contacts.vp_under_50_delegation", without_union)
    assert not shows(schema, "contacts.vp_under_50_delegation", profile(worker_count=60, has_union_delegation=True))


def test_consultation_follows_cpbw_then_union_then_workers(schema):
    cases = {
        "monitoring.consult_cpbw": profile(has_cpbw=True, has_union_delegation=True),
        "monitoring.consult_union": profile(has_cpbw=False, has_union_delegation=True),
        "monitoring.consult_workers": profile(has_cpbw=False, has_union_delegation=False),
    }
    for expected, answers in cases.items():
        shown = [ref for ref in cases if shows(schema, ref, answers)]
        assert shown == [expected]


def test_sector_clauses(schema):
    by_sector = [
        (f"{e.key}.{c.id}")
        for e in schema.elements
        for c in e.clauses
        if any(cond.question == "profile.sector" for cond in c.when)
    ]
    assert len(by_sector) >= 2
    assert shows(schema, "profile.sector_youth_care", profile(sector="youth_care"))
    assert not shows(schema, "profile.sector_youth_care", profile(sector="education"))
    assert shows(schema, "procedure.client_measures_minor", profile(sector="education"))
    assert shows(schema, "procedure.client_measures_childcare", profile(sector="childcare"))
    assert shows(schema, "procedure.client_measures_support_plan", profile(sector="disability_care"))
    assert not shows(schema, "procedure.client_measures_minor", profile(sector="welfare"))
    assert shows(schema, "external_support.caw_staff", {})  # default sector: welfare
    assert not shows(schema, "external_support.caw_staff", profile(sector="youth_care"))


def test_staff_card_languages(schema):
    assert shows(schema, "communication.staff_card_fr", profile(staff_languages=["nl", "fr"]))
    assert not shows(schema, "communication.staff_card_fr", {})  # default: Dutch only
    assert "français" in clause(schema, "communication.staff_card_fr").text["fr"]


def test_register_keeper_is_never_an_absent_vertrouwenspersoon(schema):
    assert "{facts.register_keeper}" in clause(schema, "procedure.register").text["nl"]
    for keeper in ("vertrouwenspersoon", "pa_psy"):
        for has_vp in (True, False):
            answers = {"procedure": {"register_keeper": keeper}, "contacts": {"has_vertrouwenspersoon": has_vp}}
            chosen = derive_facts(answers, "nl", schema).register_keeper
            expected = "de vertrouwenspersoon" if has_vp and keeper == "vertrouwenspersoon" else "de preventieadviseur psychosociale aspecten"
            assert chosen == expected, (keeper, has_vp)


def test_police_clause_follows_the_organisations_choice(schema):
    refs = {"worker_only": "procedure.police_org_none", "org_with_consent": "procedure.police_org_consent",
            "org_when_danger": "procedure.police_org_danger"}
    for choice, expected in refs.items():
        answers = {"procedure": {"complaint_by_org": choice}}
        assert [ref for ref in refs.values() if shows(schema, ref, answers)] == [expected]
