"""Documents per language: ?lang= on every download and preview, the buttons in the answers' language first, the
cache and the waiting page keep the languages apart, and renders ahead of need make the languages people ask for."""
from __future__ import annotations

import html as htmllib
import re
from io import BytesIO

import pikepdf
import pytest
from docx import Document as WordDocument

from policybuilder.documents import files, jobs
from policybuilder.extensions import db
from policybuilder.models import Protocol

from .test_jobs import wait_ready

TYPED = {"learning": {"training": "Jaarlijkse vorming voor alle teams."}}


def word_language(data: bytes) -> str:
    return WordDocument(BytesIO(data)).core_properties.language


def pdf_language(data: bytes) -> str:
    with pikepdf.open(BytesIO(data)) as pdf:
        return str(pdf.Root.Lang)


def word_text(data: bytes) -> str:
    return "\n".join(p.text for p in WordDocument(BytesIO(data)).paragraphs)


def profile(**answers) -> dict:
    return {"profile": {"name": "VZW De Linde", "sector": "youth_care", **answers}}


@pytest.fixture
def protocol_id(make_protocol):
    return make_protocol(answers=TYPED)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_draft_downloads_in_each_language(client, protocol_id, lang):
    word = client.get(f"/protocols/{protocol_id}/download/docx?lang={lang}")
    assert word.status_code == 200 and word_language(word.data) == f"{lang}-BE"
    suffix = "" if lang == "nl" else "-fr"
    assert word.headers["Content-Disposition"] == f"attachment; filename=protocol-vzw-de-linde-concept{suffix}.docx"
    pdf = client.get(f"/protocols/{protocol_id}/download/pdf?lang={lang}")
    assert pdf.status_code == 200 and pdf_language(pdf.data).startswith(lang)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_a_version_downloads_in_each_language(client, submitted, lang):
    word = client.get(f"/protocols/{submitted}/versions/1/download/docx?lang={lang}")
    assert word.status_code == 200 and word_language(word.data) == f"{lang}-BE"
    assert client.get(f"/protocols/{submitted}/versions/1/download/docx?lang={lang}").data == word.data  # byte-stable


def test_without_lang_the_document_is_in_the_answers_language(client, make_protocol):
    dutch = make_protocol(answers=profile())
    french = make_protocol(answers=profile(document_language="fr"))
    assert word_language(client.get(f"/protocols/{dutch}/download/docx").data) == "nl-BE"
    assert word_language(client.get(f"/protocols/{french}/download/docx").data) == "fr-BE"
    assert 'lang="fr"' in client.get(f"/protocols/{french}/preview").get_data(as_text=True)


@pytest.mark.parametrize("value", ["de", "", "NL", "fr-BE", "x" * 300, "nl,fr"])
@pytest.mark.parametrize("path", ["download/docx", "download/pdf", "preview", "versions/1/download/pdf", "versions/1/preview"])
def test_an_unknown_language_is_a_dutch_404_never_a_500(client, submitted, path, value):
    answer = client.get(f"/protocols/{submitted}/{path}", query_string={"lang": value})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert "Dit document bestaat niet in de taal" in page and "Nederlands (nl), Français (fr)" in page
    message = re.search(r'<p class="error-message">(.*?)</p>', page, re.S)[1]
    assert "x" * 21 not in message  # the value is shortened (and escaped like every text)


def test_a_card_in_a_language_outside_the_staff_languages_says_which_there_are(client, protocol_id):
    answer = client.get(f"/protocols/{protocol_id}/card/fr/pdf")
    assert answer.status_code == 404 and "Het bestaat in: Nederlands (nl)." in answer.get_data(as_text=True)


def test_another_organisations_protocol_is_404_in_every_language(client, make_org, make_protocol):
    other = make_protocol(organisation_id=make_org(name="Andere VZW"))
    for lang in ("nl", "fr", "de"):
        answer = client.get(f"/protocols/{other}/download/docx?lang={lang}")
        assert answer.status_code == 404 and "Dit document bestaat niet" not in answer.get_data(as_text=True)


def test_the_cache_keeps_the_languages_apart(client, protocol_id, app, tmp_path):
    dutch = client.get(f"/protocols/{protocol_id}/download/docx?lang=nl")
    french = client.get(f"/protocols/{protocol_id}/download/docx?lang=fr")
    assert dutch.headers["ETag"] != french.headers["ETag"]
    again = client.get(f"/protocols/{protocol_id}/download/docx")  # the answers' language: Dutch, from the cache
    assert again.data == dutch.data and again.data != french.data and word_language(again.data) == "nl-BE"
    assert word_language(client.get(f"/protocols/{protocol_id}/download/docx?lang=fr").data) == "fr-BE"
    assert len(list((tmp_path / "cache").glob("*/*.docx"))) == 2


def test_the_preview_switches_language(client, protocol_id):
    dutch = client.get(f"/protocols/{protocol_id}/preview").get_data(as_text=True)
    assert '<div class="document-preview" lang="nl">' in dutch
    assert f'href="/protocols/{protocol_id}/preview?lang=fr"' in dutch
    french = client.get(f"/protocols/{protocol_id}/preview?lang=fr").get_data(as_text=True)
    assert '<div class="document-preview" lang="fr">' in french
    assert f'href="/protocols/{protocol_id}/preview?lang=nl"' in french


def buttons(page: str) -> list[str]:
    return [htmllib.unescape(re.sub(r"\s+", " ", label)).strip() for label in re.findall(r'<a class="button [a-z]+"[^>]*>([^<]+)</a>', page)]


def test_the_buttons_offer_the_answers_language_first(client, make_protocol):
    dutch = make_protocol(answers={**profile(staff_languages=["nl", "fr"]), **TYPED})
    labels = buttons(client.get(f"/protocols/{dutch}/review").get_data(as_text=True))
    assert labels[labels.index("Download Word (Nederlands)"):][:8] == [  # one labelled group per language
        "Download Word (Nederlands)", "Download PDF (Nederlands)",
        "Kaart voor medewerkers (Nederlands, Word)", "Kaart voor medewerkers (Nederlands, PDF)",
        "Download Word (Français)", "Download PDF (Français)",
        "Kaart voor medewerkers (Français, Word)", "Kaart voor medewerkers (Français, PDF)"]
    page = client.get(f"/protocols/{dutch}/review").get_data(as_text=True)
    groups = re.findall(r'<span class="download-group" role="group" aria-labelledby="downloads-(\w+)"><span[^>]*id="downloads-\1"[^>]*>([^<]+)</span>', page)
    assert groups == [("nl", "Nederlands"), ("fr", "Français")]
    assert f'class="button primary" hreflang="nl" href="/protocols/{dutch}/download/docx?lang=nl"' in page
    assert f'class="button secondary" hreflang="fr" href="/protocols/{dutch}/download/docx?lang=fr"' in page
    french = make_protocol(answers=profile(document_language="fr"))
    labels = buttons(client.get(f"/protocols/{french}/review").get_data(as_text=True))
    start = labels.index("Download Word (Français)")
    assert labels[start:start + 4] == [
        "Download Word (Français)", "Download PDF (Français)", "Download Word (Nederlands)", "Download PDF (Nederlands)"]


def test_the_version_page_offers_both_languages(client, submitted):
    page = client.get(f"/protocols/{submitted}/versions/1").get_data(as_text=True)
    assert f"/protocols/{submitted}/versions/1/download/pdf?lang=nl" in page
    assert f"/protocols/{submitted}/versions/1/download/pdf?lang=fr" in page


def test_the_waiting_page_asks_for_the_language_it_was_made_for(app, client, protocol_id):
    app.config["RENDER_WAIT"] = 0
    url = f"/protocols/{protocol_id}/download/pdf"
    page = client.get(f"{url}?lang=fr")
    assert page.status_code == 202
    again = htmllib.unescape(re.search(r'href="([^"]+)">Opnieuw proberen', page.get_data(as_text=True))[1])
    assert again.startswith(f"{url}?v=") and again.endswith("&lang=fr")
    signed = again.split("?v=")[1].split("&")[0]
    wait_ready(client, again)
    assert pdf_language(client.get(again).data).startswith("fr")
    # The French key signed for lang=fr is not handed out for lang=nl: that asks for the Dutch file.
    swapped = client.get(f"{url}?v={signed}&lang=nl&status")
    assert swapped.status_code == 202


@pytest.mark.parametrize("answers, version_languages, card_languages", [
    (profile(), ["nl"], ["nl"]),
    (profile(staff_languages=["nl", "fr"]), ["nl", "fr"], ["nl", "fr"]),
    (profile(document_language="fr"), ["fr", "nl"], ["nl"]),
])
def test_renders_ahead_make_the_languages_people_ask_for(app, make_protocol, monkeypatch, answers, version_languages, card_languages):
    queued = []
    monkeypatch.setattr(jobs, "render_ahead", lambda renders, delay=0, group=None: queued.extend(spec for _key, spec in renders))
    app.config["RENDER_AHEAD"] = True
    protocol_id = make_protocol(answers=answers)
    with app.test_request_context():
        files.render_ahead_of(db.session.get(Protocol, protocol_id))
        # A draft changes with every save: only its answers' language is made ahead; a version gets both where French matters.
        assert list(files.render_ahead_languages(answers)) == version_languages
    assert [s.lang for s in queued if s.part == "protocol"] == version_languages[:1]
    assert [s.lang for s in queued if s.part == "card"] == card_languages
    assert {s.fmt for s in queued} == {"pdf"}


def test_a_staff_card_keeps_its_file_when_a_save_changes_nothing_on_it(app, make_protocol):
    protocol_id = make_protocol(answers=profile(staff_languages=["nl", "fr"]))
    with app.test_request_context():
        protocol = db.session.get(Protocol, protocol_id)
        meta = files.protocol_meta(protocol)
        before = {part: files.render_request(protocol.answers, meta, "pdf", None, "fr", part)[0] for part in ("protocol", "card")}
        elsewhere = {**protocol.answers, "learning": {"training": "Een vorming voor elk team, elk jaar."}}
        after = {part: files.render_request(elsewhere, meta, "pdf", None, "fr", part)[0] for part in ("protocol", "card")}
        service = {**protocol.answers, "profile": {**protocol.answers["profile"], "external_service": "Mensura"}}
        changed_card = files.render_request(service, meta, "pdf", None, "fr", "card")[0]
    assert after["protocol"] != before["protocol"]
    assert after["card"] == before["card"]
    assert changed_card != before["card"]


def test_an_approved_versions_files_are_kept_in_both_languages(app, client, submitted, decide, tmp_path):
    assert decide(submitted, 1).status_code == 302
    for lang in ("nl", "fr"):
        assert client.get(f"/protocols/{submitted}/versions/1/download/docx?lang={lang}").status_code == 200
    kept = list((tmp_path / "cache" / "keep").glob("*/*.docx"))
    assert sorted(word_language(path.read_bytes()) for path in kept) == ["fr-BE", "nl-BE"]
