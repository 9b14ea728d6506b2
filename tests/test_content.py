"""The protocol's wording: Belgian terms in both languages, sound defaults, honest legal bases, tailoring conditions."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from policybuilder.answers import applies, missing, validate_answers
from policybuilder.compliance import load_terms
from policybuilder.document.facts import derive_facts
from policybuilder.schema import ELEMENT_ORDER, PLACEHOLDER, SCHEMA_DIR, TEXT_TYPES, load_schema, read_yaml

LANGS = ("nl", "fr")
# The terms to avoid (Netherlands, France, tutoiement) and the Flemish <-> Belgian French pairs: schemas/terms.yaml.
AVOID = load_terms()
PAIRS = [
    (re.compile(pair["pattern"]["nl"], re.I), re.compile(pair["pattern"]["fr"], re.I), pair["term"]["fr"])
    for pair in read_yaml(SCHEMA_DIR / "terms.yaml")["pairs"]
]
# Every schema file with wording (the term list itself names the terms it forbids).
SCHEMA_FILES = sorted(path.relative_to(SCHEMA_DIR).as_posix() for path in SCHEMA_DIR.rglob("*.yaml") if path.name != "terms.yaml")
CATALOGUE = SCHEMA_DIR.parent / "policybuilder" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
MARKUP = re.compile(r"\{\{|\{%|\*\*|__|\]\(|^\s*#", re.M)
EMPHASIS = re.compile(r"\*\*|\*")
# Answers that are the same in every language: never wording to translate.
NEUTRAL_IDS = re.compile(r"^(name|phone|email|e_mail|url|website|address)$")

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


def strings(node, path="", lang=None):
    """Every string (keys included) in a parsed YAML/JSON document: (where, its language or None, the string)."""
    if isinstance(node, str):
        yield path, lang, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}/{key}", lang, str(key)
            yield from strings(value, f"{path}/{key}", key if key in LANGS else lang)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}/{index}", lang)


def translations(node, path=""):
    """(where, Dutch, French) for every text object with both languages, group-default cells included."""
    if isinstance(node, dict):
        if set(node) == set(LANGS) and all(isinstance(node[lang], str) for lang in LANGS):
            yield path, node["nl"], node["fr"]
            return
        if set(node) == set(LANGS) and all(isinstance(node[lang], list) for lang in LANGS):
            for index, (nl_row, fr_row) in enumerate(zip(node["nl"], node["fr"])):
                for key, value in nl_row.items():
                    if isinstance(value, str) and isinstance(fr_row.get(key), str):
                        yield f"{path}/{index}/{key}", value, fr_row[key]
            return
        for key, value in node.items():
            yield from translations(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from translations(value, f"{path}/{index}")


def avoided(value: str, lang: str | None) -> list[str]:
    """The labels of the terms to avoid in ``value``, a text in ``lang`` (None: not wording of one language)."""
    return [term.label for term in AVOID if term.lang in (None, lang or "nl") and term.pattern.search(value)]


def avoided_in(data) -> list[str]:
    return [f"{path}: {label}" for path, lang, value in strings(data) for label in avoided(value, lang)]


def unpaired(data) -> list[str]:
    """Texts whose Dutch names a Flemish term while the French does not use its Belgian French pair."""
    return [
        f"{path}: {french[:70]!r} should say {term!r}"
        for path, dutch, french in translations(data)
        for nl_term, fr_term, term in PAIRS
        if nl_term.search(dutch) and not fr_term.search(french)
    ]


def avoided_in_catalogue(path: Path) -> list[str]:
    """The terms to avoid in an interface catalogue: msgids are Dutch, msgstrs French."""
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    hits = []
    for message in catalogue:
        for lang, wording in (("nl", message.id), ("fr", message.string)):
            for value in wording if isinstance(wording, (tuple, list)) else (wording,):
                hits += [f"{message.id!r}: {label}" for label in avoided(value or "", lang)]
    return hits


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


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_no_avoided_terms_in_the_schema_files(name):
    assert avoided_in(read_yaml(SCHEMA_DIR / name)) == []


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_no_avoided_terms_in_the_examples(name):
    data = json.loads((SCHEMA_DIR.parent / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    assert avoided_in(data) == []


def test_no_avoided_terms_in_the_interface_catalogue():
    assert CATALOGUE.exists()
    assert avoided_in_catalogue(CATALOGUE) == []


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_french_uses_the_belgian_pair_of_each_flemish_term(name):
    assert unpaired(read_yaml(SCHEMA_DIR / name)) == []


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_french_keeps_the_placeholders_and_emphasis(name):
    bad = [
        path
        for path, dutch, french in translations(read_yaml(SCHEMA_DIR / name))
        if Counter(PLACEHOLDER.findall(dutch)) != Counter(PLACEHOLDER.findall(french))
        or len(EMPHASIS.findall(dutch)) != len(EMPHASIS.findall(french))
    ]
    assert bad == []


def test_the_scan_really_finds_terms_in_both_languages():
    bad = {
        "text": {"nl": "Doe aangifte en vraag de arbodienst of de OR.", "fr": "Parlez-en au CHSCT ou au médecin du travail ; tu peux appeler le 3919."},
        "help": {"nl": "Zie het Code du travail.", "fr": "Voir le règlement intérieur et l'inspection du travail."},
    }
    found = {hit.partition(": ")[2] for hit in avoided_in(bad)}
    assert {"aangifte: say 'klacht indienen bij de politie'", "arbodienst (NL)", "OR (NL)", "CHSCT (FR)",
            "médecin du travail alone (say conseiller en prévention-médecin du travail)", "tutoiement in a formal French text",
            "3919 (FR violence helpline)", "règlement intérieur (FR)", "inspection du travail (FR)"} <= found
    assert "Code du travail (FR)" not in found  # a French rule is not applied to Dutch wording
    good = {
        "text": {"nl": "Klacht bij de politie, vraag het CPBW om te helpen.",
                 "fr": "Vous pouvez porter plainte ; le conseiller en prévention-médecin du travail et le CPPT vous aident. Le ton du message compte."},
    }
    assert avoided_in(good) == []


def test_the_pair_check_really_finds_a_loose_rendering():
    loose = {"clauses": [{"text": {"nl": "Spreek de vertrouwenspersoon aan.", "fr": "Adressez-vous au confident."}}],
             "default": {"nl": [{"role": "Vertrouwenspersoon"}], "fr": [{"role": "Confident"}]}}
    assert len(unpaired(loose)) == 2
    assert unpaired({"text": {"nl": "Spreek de vertrouwenspersoon aan.", "fr": "Adressez-vous à la personne de confiance."}}) == []


def test_the_catalogue_scan_really_finds_terms(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Vraag het aan de arbodienst."\nmsgstr "Demandez au service externe."\n\n'
                  'msgid "Bel de vertrouwenspersoon."\nmsgstr "Appelle ta personne de confiance."\n', encoding="utf-8")
    hits = avoided_in_catalogue(po)
    assert any("arbodienst (NL)" in hit for hit in hits)
    assert [hit for hit in hits if "tutoiement" in hit] == ["'Bel de vertrouwenspersoon.': tutoiement in a formal French text"]
    assert not [hit for hit in hits if "service externe" in hit]


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_only_placeholder_braces_and_no_markup(raw, key):
    bad = []
    for path, _, value in strings(raw[key]):
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
    assert [path for path, _, value in strings(data) if PLACEHOLDER.search(value)] == []


def test_language_neutral_answers_are_not_translated(schema):
    """Names, phone numbers, e-mail and web addresses are shown as typed in every language."""
    translatable = [
        f"{element.key}.{question.id}{'.' + f.id if f is not question else ''}"
        for element in schema.elements
        for question in element.questions
        for f in (question, *question.fields)
        if f.type in TEXT_TYPES and NEUTRAL_IDS.match(f.id) and f.translate
    ]
    assert translatable == []
    assert not schema.question("external_support.edpb_contact").translate


def test_group_defaults_per_language_have_the_same_rows(schema):
    for element in schema.elements:
        for question in element.questions:
            if question.type != "group" or not isinstance(question.default, dict):
                continue
            nl, fr = question.default["nl"], question.default["fr"]
            assert len(nl) == len(fr), question.id
            for nl_row, fr_row in zip(nl, fr):
                assert set(nl_row) == set(fr_row), question.id
                for f in question.fields:
                    if f.type not in TEXT_TYPES:
                        assert nl_row.get(f.id) == fr_row.get(f.id), (question.id, f.id)


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


@pytest.mark.parametrize("lang", LANGS)
def test_defaults_are_valid_answers(schema, lang):
    answers = {
        element.key: {q.id: q.default_value(lang) for q in element.questions if q.default is not None}
        for element in schema.elements
    }
    validate_answers(schema, answers)


@pytest.mark.parametrize("lang", LANGS)
def test_severity_scale_has_at_least_three_levels_with_actions(schema, lang):
    question = schema.question("procedure.severity_levels")
    assert question.type == "group"
    assert [f.id for f in question.fields] == ["level", "description", "actions"]
    rows = question.default_value(lang)
    assert len(rows) >= 3
    for row in rows:
        assert row["level"].strip() and row["description"].strip() and row["actions"].strip()
    assert clause(schema, "procedure.severity_table").source == "procedure.severity_levels"
    assert "101" in rows[-1]["actions"]


@pytest.mark.parametrize("lang, police, tele", [("nl", "Politie", "Tele-Onthaal"), ("fr", "Police", "Télé-Accueil")])
def test_external_support_rows_are_dated_and_belgian(schema, lang, police, tele):
    rows = schema.question("external_support.support_list").default_value(lang)
    for row in rows:
        dt.date.fromisoformat(row["last_checked"])
        assert row["name"] and row["purpose"] and row["reach"]
    names = " | ".join(row["name"] for row in rows)
    for expected in ("Slachtofferhulp", "Vlaams Meldpunt Grensoverschrijdend Gedrag", "1712", police,
                     "Unia", "Vlaams Mensenrechteninstituut", ("IGVM" if lang == "nl" else "IEFH"), tele):
        assert expected in names
    reach = {next(name for name in (police, "Unia", tele, "Meldpunt") if name in row["name"]): row["reach"]
             for row in rows if any(name in row["name"] for name in (police, "Unia", tele, "Meldpunt"))}
    assert "0800 12 800" in reach["Unia"]
    assert "101" in reach[police] and "112" in reach[police]
    assert ("106" if lang == "nl" else "107") in reach[tele]
    # The Meldpunt's phone number is unchecked: the default must not give one.
    assert not re.search(r"\d{3}", reach["Meldpunt"])
    assert "{profile.external_service}" in clause(schema, "external_support.edpb").text[lang]


def test_flemish_services_say_they_answer_in_dutch(schema):
    rows = schema.question("external_support.support_list").default_value("fr")
    by_name = {row["name"]: row["purpose"] for row in rows}
    for name in ("Vlaams Meldpunt Grensoverschrijdend Gedrag", "1712"):
        assert "répond en néerlandais" in by_name[name].lower()
    assert "Télé-Accueil" in clause(schema, "external_support.not_emergency").text["fr"]


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
    roles = " ".join(row["role"] for row in question.default_value("nl")).lower()
    for role in ("leidinggevende", "vervanger", "vertrouwenspersoon", "preventieadviseur psychosociale aspecten"):
        assert role in roles
    assert all(set(row) == {"role"} for row in question.default_value("nl")), "names and numbers have no default"


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
