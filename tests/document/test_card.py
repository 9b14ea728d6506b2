"""The staff card on its own: one A4 page in PDF and Word, acute danger first, routes by severity, per language."""
from __future__ import annotations

import copy
import dataclasses
import shutil
from io import BytesIO

import docx
import pypdf
import pytest

from policybuilder.document import build_staff_card, render_docx, render_pdf, Style
from policybuilder.document.card import card_languages
from policybuilder.document.facts import derive_facts

from .conftest import META, example, normalise, pdf_text, word_as_pdf

SITES = ["Antwerpen", "Mechelen", "Lier", "Turnhout", "Geel"]


def many_contacts() -> dict:
    """The full example with seven contacts and five sites, each with its own contact and on-call number."""
    answers = copy.deepcopy(example("full"))
    answers["contacts"]["internal_contacts"].append({
        "role": "Coördinator van de nachtpermanentie (alle vestigingen)", "name": "Eva Van den Broeck",
        "function": "coördinator", "phone": "0478 12 34 56", "email": "nachtpermanentie@deklimop.be",
    })
    answers["contacts"]["site_contacts"] = [
        {"site": f"Vestiging {site}", "contact": f"Teamcoach {site}, coördinator", "phone": f"03 2{n}0 11 22",
         "on_call": f"047{n} 11 22 3{n}"}
        for n, site in enumerate(SITES)
    ]
    return answers


PROFILES = {"full": lambda: example("full"), "minimal": lambda: example("minimal"), "many": many_contacts}


@pytest.fixture(scope="module", params=list(PROFILES))
def card(request, schema):
    """(profile, answers, card document, pdf, docx) for each profile."""
    answers = PROFILES[request.param]()
    doc = build_staff_card(schema, answers, META)
    return request.param, answers, doc, render_pdf(doc, Style()), render_docx(doc, Style())


def test_card_is_one_page_in_the_pdf(card):
    assert len(pypdf.PdfReader(BytesIO(card[3])).pages) == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_card_is_one_page_in_word(card, tmp_path):
    name, _, _, _, data = card
    assert len(pypdf.PdfReader(word_as_pdf(data, tmp_path, name)).pages) == 1


def test_card_opens_with_acute_danger(card, tmp_path):
    _, _, doc, pdf, data = card
    lines = [line for line in pdf_text(pdf, tmp_path)[0].splitlines() if line.strip() and doc.header_text not in line]
    assert lines[0] == doc.title
    assert lines[1].startswith("Acuut gevaar? Bel 101 (politie) of 112")
    body = [p.text for p in docx.Document(BytesIO(data)).paragraphs if p.text.strip()]
    assert body[0] == doc.title and body[1].startswith("Acuut gevaar? Bel 101")


def test_card_routes_by_severity_and_keeps_evidence_on_a_work_device(card, schema, tmp_path):
    _, answers, _, pdf, _ = card
    text = normalise(" ".join(pdf_text(pdf, tmp_path)))
    facts = derive_facts(answers, "nl", schema)
    assert "Bel nu" in text and "doxing" in text
    for fact in ("report_deadline", "report_deadline_high", "out_of_hours", "evidence_access"):
        if getattr(facts, fact):
            assert normalise(getattr(facts, fact)) in text, fact
    assert "werktoestel" in text and "privétoestel" in text


def test_every_contact_and_site_is_on_the_card(card, tmp_path):
    name, answers, _, pdf, data = card
    text = normalise(" ".join(pdf_text(pdf, tmp_path)))
    word = "\n".join(cell.text for table in docx.Document(BytesIO(data)).tables for row in table.rows for cell in row.cells)
    rows = answers.get("contacts", {}).get("internal_contacts", []) + answers.get("contacts", {}).get("site_contacts", [])
    for row in rows:
        assert normalise(row.get("name") or row["contact"]) in text
        assert (row.get("name") or row["contact"]) in word
    if name == "many":
        assert all(f"Vestiging {site}" in text for site in SITES)


def test_an_approved_card_carries_no_draft_mark(schema, tmp_path):
    meta = dataclasses.replace(META, status="approved", version_label="2", content_hash="ab" * 32)
    doc = build_staff_card(schema, example("full"), meta)
    header = docx.Document(BytesIO(render_docx(doc, Style()))).sections[0].header.paragraphs[0].text
    assert "CONCEPT" not in " ".join(pdf_text(render_pdf(doc, Style()), tmp_path)) and "CONCEPT" not in header
    draft = build_staff_card(schema, example("full"), META)
    assert "CONCEPT" in " ".join(pdf_text(render_pdf(draft, Style()), tmp_path))


def test_one_card_per_staff_language_dutch_first(schema):
    assert card_languages(schema, example("full")) == ("nl", "fr")
    assert card_languages(schema, example("minimal")) == ("nl",)
    french = build_staff_card(schema, example("full"), META, "fr")
    assert french.lang == "fr" and french.title == "Fiche pour le personnel"
    with pikepdf_open(render_pdf(french, Style())) as pdf:
        assert str(pdf.Root.Lang) == "fr-BE"


def pikepdf_open(data: bytes):
    import pikepdf

    return pikepdf.open(BytesIO(data))


# -- downloads ------------------------------------------------------------------------------------
@pytest.fixture
def protocol_id(make_protocol):
    return make_protocol(name="vzw De Klimop", answers=example("full"))


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("fmt, mime", [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_a_member_downloads_the_card(client, protocol_id, lang, fmt, mime):
    response = client.get(f"/protocols/{protocol_id}/card/{lang}/{fmt}")
    assert response.status_code == 200 and response.mimetype == mime
    assert response.headers["Content-Disposition"] == f"attachment; filename=kaart-vzw-de-klimop-concept-{lang}.{fmt}"
    assert client.get(f"/protocols/{protocol_id}/card/{lang}/{fmt}").data == response.data  # from the cache


def test_review_and_preview_offer_the_card_in_each_staff_language(client, protocol_id):
    for url in (f"/protocols/{protocol_id}/review", f"/protocols/{protocol_id}/preview"):
        html = client.get(url).get_data(as_text=True)
        for lang in ("nl", "fr"):
            assert f"/protocols/{protocol_id}/card/{lang}/pdf" in html and f"/protocols/{protocol_id}/card/{lang}/docx" in html


def test_card_of_another_organisation_or_language_is_404(client, protocol_id, make_org, make_protocol):
    other = make_protocol(name="vzw Elders", organisation_id=make_org("vzw Elders"))
    assert client.get(f"/protocols/{other}/card/nl/pdf").status_code == 404
    assert client.get(f"/protocols/{protocol_id}/card/en/pdf").status_code == 404
    assert client.get(f"/protocols/{protocol_id}/card/nl/odt").status_code == 404


def test_a_versions_card_is_offered_on_its_page(client, submitted):
    page = client.get(f"/protocols/{submitted}/versions/1").get_data(as_text=True)
    assert f"/protocols/{submitted}/versions/1/card/nl/pdf" in page
    response = client.get(f"/protocols/{submitted}/versions/1/card/nl/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert client.get(f"/protocols/{submitted}/versions/1/card/fr/pdf").status_code == 404  # Dutch staff only


def test_a_card_with_dozens_of_contacts_still_fits_one_page(schema, tmp_path):
    answers = many_contacts()
    first = answers["contacts"]["internal_contacts"][0]
    answers["contacts"]["internal_contacts"] += [{**first, "name": f"Persoon {n}", "role": f"Coördinator team {n}"} for n in range(23)]
    answers["contacts"]["site_contacts"] = [
        {"site": f"Vestiging {n}", "contact": f"Coach {n}", "phone": "03 200 11 22", "on_call": "0470 11 22 33"} for n in range(30)
    ]
    doc = build_staff_card(schema, answers, META)
    pdf = render_pdf(doc, Style())
    assert len(pypdf.PdfReader(BytesIO(pdf)).pages) == 1
    text = normalise(" ".join(pdf_text(pdf, tmp_path)))
    assert "Acuut gevaar?" in text and "zie het protocol, hoofdstuk Contactpersonen" in text  # the rest is in the protocol
    if shutil.which("soffice"):
        assert len(pypdf.PdfReader(word_as_pdf(render_docx(doc, Style()), tmp_path)).pages) == 1
