"""build_document: clauses, conditions, placeholders and answer formatting, without rendering."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from policybuilder.document import DocumentMeta, TemplateError, build_document
from policybuilder.document.model import BulletList, NoteBox, NumberedList, Paragraph, Table, plain
from policybuilder.document.texts import load_texts

from .conftest import META, example


def all_text(doc) -> str:
    """Every string in the document, control block and cover included."""
    chunks = [doc.title, doc.header_text]
    chunks += [plain(value) for _, value in (*doc.cover_lines, *doc.control.rows)]
    for section in doc.sections:
        chunks.append(section.title)
        for block in section.blocks:
            if isinstance(block, (Paragraph, NoteBox)):
                chunks.append(plain(block.runs))
            elif isinstance(block, (BulletList, NumberedList)):
                chunks += [plain(item) for item in block.items]
            elif isinstance(block, Table):
                chunks += list(block.headers) + [plain(cell) for row in block.rows for cell in row]
            else:
                chunks.append(block.text)
    return "\n".join(chunks)


def test_chapters_follow_the_schema(schema):
    doc = build_document(schema, example("full"), META)
    chapters = [s.title for s in doc.sections if s.kind == "chapter"]
    assert chapters == [e.title["nl"] for e in schema.elements if e.key != "profile"]
    assert doc.sections[0].kind == "intro" and [s.kind for s in doc.sections[-3:]] == ["annex"] * 3


def test_minimal_example_renders_every_chapter_with_marked_placeholders(schema):
    doc = build_document(schema, example("minimal"), META)
    text = all_text(doc)
    assert "[bewaarplaats bewijsmateriaal]" in text
    assert "[naam en functie goedkeurder]" in text
    assert "vzw Het Anker" in doc.header_text
    assert len([s for s in doc.sections if s.kind == "chapter"]) == 8
    assert isinstance(doc.sections[0].blocks[0], NoteBox)  # "text between brackets is not filled in yet"


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_no_none_or_template_syntax_anywhere(schema, name):
    text = all_text(build_document(schema, example(name), META))
    for marker in ("None", "{{", "}}", "{profile.", "**"):
        assert marker not in text


def test_full_example_fills_every_chapter(schema):
    doc = build_document(schema, example("full"), META)
    runs = [run for section in doc.sections for block in section.blocks for run in getattr(block, "runs", ())]
    cells = [run for section in doc.sections for block in section.blocks if isinstance(block, Table) for row in block.rows for cell in row for run in cell]
    assert not [run.text for run in runs + cells if run.placeholder]


def test_failed_condition_leaves_the_clause_out(schema):
    answers = example("full")
    youth = all_text(build_document(schema, answers, META))
    answers["profile"]["sector"] = "childcare"
    childcare = all_text(build_document(schema, answers, META))
    assert "In de jeugdhulp zijn cliënten vaak minderjarig" in youth
    assert "In de jeugdhulp zijn cliënten vaak minderjarig" not in childcare
    assert "In de kinderopvang" in childcare


def test_answers_are_formatted_the_belgian_way(schema):
    doc = build_document(schema, example("full"), META)
    rows = dict((label, plain(value)) for label, value in doc.control.rows)
    assert rows["Volgende evaluatie"] == "30/06/2027"
    assert rows["Datum"] == "14/03/2025"
    assert rows["Advies gevraagd aan"] == "het Comité voor Preventie en Bescherming op het Werk (CPBW) op [datum]."
    external = next(b for s in doc.sections for b in s.blocks if isinstance(b, Table) and "Laatst nagekeken" in b.headers)
    assert plain(external.rows[0][-1]) == "24/11/2026"


def test_group_table_has_field_labels_as_headers_and_one_row_per_answer(schema):
    doc = build_document(schema, example("full"), META)
    contacts = next(s for s in doc.sections if s.anchor == "ch-contacts")
    table = next(b for b in contacts.blocks if isinstance(b, Table))
    group = schema.question("contacts.internal_contacts")
    assert table.headers == tuple(f.label["nl"] for f in group.fields)
    assert [plain(row[1]) for row in table.rows][:2] == ["Jan Peeters", "Nadia El Amrani"]


def test_empty_group_gives_one_row_of_placeholders(schema):
    doc = build_document(schema, {"profile": {"name": "X"}, "contacts": {"internal_contacts": []}}, META)
    contacts = next(s for s in doc.sections if s.anchor == "ch-contacts")
    table = next(b for b in contacts.blocks if isinstance(b, Table))
    assert all(run.placeholder for cell in table.rows[0] for run in cell)


def test_hostile_answers_stay_plain_text(schema):
    hostile = '<img src="http://example.com/x.png"> file:///etc/passwd {{ 7*7 }} **bold?** <script>alert(1)</script>'
    doc = build_document(schema, {"profile": {"name": hostile}}, META)
    assert hostile in doc.header_text
    assert "49" not in all_text(doc)


def test_unknown_placeholder_in_document_texts_is_named(schema):
    texts = load_texts()
    broken = dataclasses.replace(texts.intro.blocks[0], text={"nl": "{profile.nope}"})
    intro = dataclasses.replace(texts.intro, blocks=(broken,))
    with pytest.raises(TemplateError, match="profile.nope"):
        build_document(schema, {}, META, template=dataclasses.replace(texts, intro=intro))


def test_approved_version_is_not_marked_as_draft(schema):
    meta = DocumentMeta(organisation="vzw X", version_label="1.0", status="approved", approved_by_name="An", approved_by_function="directeur")
    doc = build_document(schema, {"profile": {"name": "vzw X"}}, meta)
    assert "CONCEPT" not in doc.header_text
    assert dict((label, plain(value)) for label, value in doc.control.rows)["Goedgekeurd door"] == "An, directeur"


def test_french_falls_back_to_dutch_where_the_schema_has_no_french(schema):
    doc = build_document(schema, example("full"), META, lang="fr")
    assert doc.title.startswith("Protocole")
    assert doc.labels["contents"] == "Table des matières"


def test_consultation_line_is_composed_from_its_parts(schema):
    meta = DocumentMeta(organisation="vzw X", version_label="1", status="approved", approved_by_name="An",
                        approved_by_function="directeur", consultation_body="gunstig.", consultation_date=date(2026, 11, 25))
    doc = build_document(schema, {"profile": {"name": "vzw X", "has_cpbw": True}}, meta)
    rows = dict((label, plain(value)) for label, value in doc.control.rows)
    assert rows["Advies gevraagd aan"] == "het Comité voor Preventie en Bescherming op het Werk (CPBW) op 25/11/2026: gunstig."


def test_answer_at_the_start_of_a_sentence_gets_a_capital(schema):
    doc = build_document(schema, {"profile": {"name": "vzw X", "management": "de coördinator"}}, META)
    text = all_text(doc)
    assert "De coördinator keurt het protocol en elke nieuwe versie goed." in text
    assert "de directie" not in text.lower().replace("de directie,", "")  # no board: never "de directie"


def test_unknown_fact_in_document_texts_is_named():
    from policybuilder.document.texts import parse_texts
    from policybuilder.schema import SCHEMA_DIR, read_yaml

    data = read_yaml(SCHEMA_DIR / "document.yaml")
    data["intro"]["blocks"][0]["text"]["nl"] = "Meld het aan {facts.chef}."
    with pytest.raises(TemplateError, match=r"document.yaml: field intro/blocks/0/text/nl: unknown fact 'chef'"):
        parse_texts(data)


def test_left_blank_answers_print_nothing_and_approved_documents_carry_no_drafting_note(schema):
    answers = {"profile": {"name": "vzw X"}, "_blank": ["procedure.evidence_location"]}
    draft = all_text(build_document(schema, answers, META))
    assert "[bewaarplaats bewijsmateriaal]" not in draft and "Tekst tussen vierkante haken" in draft
    approved = DocumentMeta(organisation="vzw X", version_label="1", status="approved", approved_by_name="An", approved_by_function="directeur")
    assert "Tekst tussen vierkante haken" not in all_text(build_document(schema, answers, approved))


def test_french_contracts_a_preposition_with_the_article_of_a_fact(schema):
    answers = {"profile": {"name": "ASBL X", "external_service": "Mensura"}, "contacts": {"has_vertrouwenspersoon": False}}
    text = all_text(build_document(schema, answers, META, lang="fr"))
    assert "directement au conseiller en prévention aspects psychosociaux du service externe Mensura." in text
    assert "à le " not in text


def test_the_contraction_keeps_the_space_before_a_lone_preposition_between_two_facts():
    from policybuilder.document.build import _contract_fr
    from policybuilder.document.model import Run

    assert _contract_fr(Run(" à "), (Run("le responsable"),)) == (Run(" au "), (Run("responsable"),))
    assert _contract_fr(Run("signalez-le à "), (Run("les parents"),)) == (Run("signalez-le aux "), (Run("parents"),))


def test_composed_facts_never_carry_a_placeholder(schema):
    from policybuilder.document.facts import derive_facts

    facts = derive_facts({"profile": {"management": "", "external_service": ""}, "contacts": {"has_vertrouwenspersoon": False}}, "nl", schema)
    assert facts.confidant == "de preventieadviseur psychosociale aspecten"
    assert facts.report_standin.endswith("de leiding van de organisatie")
    assert "management" in facts.missing and not any("[" in text for text in facts.values.values())
