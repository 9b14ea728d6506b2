"""The translations page: every typed answer with a field for the other language, saved like a wizard step."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from docx import Document as WordDocument
from werkzeug.datastructures import MultiDict

from policybuilder.answers import source_hash, translation
from policybuilder.wizard import routes

from ..forms import read_form
from .test_steps import step_url, stored

TRAINING = "Jaarlijkse vorming voor alle teams."
FORMATION = "Une formation annuelle pour toutes les équipes."
TYPED = {
    "learning": {"training": TRAINING},
    "contacts": {"internal_contacts": [{"role": "Teamcoach", "name": "Els Maes", "function": "coach", "phone": "011 22 33 44"}]},
}
TRAINING_FIELD = "tr-learning-training"


@pytest.fixture
def protocol_id(make_protocol):
    return make_protocol(answers=TYPED)


def url(protocol_id: int) -> str:
    return f"/protocols/{protocol_id}/translations"


def french_word(client, protocol_id: int) -> WordDocument:
    answer = client.get(f"/protocols/{protocol_id}/download/docx?lang=fr")
    assert answer.status_code == 200
    return WordDocument(BytesIO(answer.data))


def language_notes(document: WordDocument) -> str:
    return "\n".join(p.text for p in document.paragraphs if p.style.name == "Taalnoot")


def test_the_page_lists_every_typed_answer_with_its_label_and_a_field(client, protocol_id):
    page = client.get(url(protocol_id)).get_data(as_text=True)
    fields = dict(read_form(page))
    assert TRAINING in page and TRAINING_FIELD in fields
    # Text fields of a group row, named to the row; names and phone numbers are language-neutral and not asked.
    assert "tr-contacts-internal_contacts-0-role" in fields and "tr-contacts-internal_contacts-0-function" in fields
    assert not any(name.endswith(("-name", "-phone")) for name in fields)
    assert "rij 1: " in page
    # Default wording is ours and exists in both languages; the profile's name is language-neutral.
    assert "tr-learning-reflection_within" not in fields and "tr-profile-name" not in fields
    assert f'lang="nl">{TRAINING}</blockquote>' in page and f'id="{TRAINING_FIELD}"' in page and 'lang="fr"' in page


def test_a_saved_translation_appears_inline_in_the_french_document(app, client, submit, protocol_id):
    assert TRAINING in language_notes(french_word(client, protocol_id))  # before: a marked note quoting the Dutch
    response = submit(url(protocol_id), {TRAINING_FIELD: FORMATION}, nav=None)
    assert response.status_code == 302 and response.headers["Location"].endswith(url(protocol_id))
    answers = stored(app, protocol_id).answers
    assert answers["_translations"] == {"fr": {"learning.training": FORMATION}}
    assert answers["learning"]["training"] == TRAINING  # the answer itself stays as typed
    document = french_word(client, protocol_id)
    text = "\n".join(p.text for p in document.paragraphs)
    assert FORMATION in text and TRAINING not in text
    dutch = client.get(f"/protocols/{protocol_id}/download/docx?lang=nl").data
    assert FORMATION not in "\n".join(p.text for p in WordDocument(BytesIO(dutch)).paragraphs)
    assert FORMATION in client.get(url(protocol_id)).get_data(as_text=True)  # shown again, to edit


def test_an_emptied_translation_is_none(app, client, submit, protocol_id):
    submit(url(protocol_id), {TRAINING_FIELD: FORMATION}, nav=None)
    submit(url(protocol_id), {TRAINING_FIELD: "  "}, nav=None)
    answers = stored(app, protocol_id).answers
    assert "_translations" not in answers and "_translation_sources" not in answers
    assert TRAINING in language_notes(french_word(client, protocol_id))


def test_a_translation_whose_answer_changed_says_so_until_edited_or_confirmed(client, submit, protocol_id):
    submit(url(protocol_id), {TRAINING_FIELD: FORMATION}, nav=None)
    assert "Gewijzigd sinds de vertaling" not in client.get(url(protocol_id)).get_data(as_text=True)
    assert submit(step_url(protocol_id, "learning"), {"training": "Tweejaarlijkse vorming voor alle teams."}).status_code == 302
    page = client.get(url(protocol_id)).get_data(as_text=True)
    assert "Gewijzigd sinds de vertaling" in page and FORMATION in page
    assert re.search(rf'aria-describedby="{TRAINING_FIELD}-source {TRAINING_FIELD}-target {TRAINING_FIELD}-stale"', page)
    # Saving the page for another translation leaves the mark: nobody looked at this one.
    submit(url(protocol_id), {"tr-contacts-internal_contacts-0-role": "Coach d'équipe"}, nav=None)
    assert "Gewijzigd sinds de vertaling" in client.get(url(protocol_id)).get_data(as_text=True)
    # Confirmed as still right, or edited: the mark goes.
    submit(url(protocol_id), {"ok-learning-training": "y"}, nav=None)
    assert "Gewijzigd sinds de vertaling" not in client.get(url(protocol_id)).get_data(as_text=True)
    submit(step_url(protocol_id, "learning"), {"training": "Driejaarlijkse vorming."})
    assert "Gewijzigd sinds de vertaling" in client.get(url(protocol_id)).get_data(as_text=True)
    submit(url(protocol_id), {TRAINING_FIELD: "Une formation tous les trois ans."}, nav=None)
    assert "Gewijzigd sinds de vertaling" not in client.get(url(protocol_id)).get_data(as_text=True)


def test_white_space_alone_does_not_make_a_translation_stale(client, submit, protocol_id):
    submit(url(protocol_id), {TRAINING_FIELD: FORMATION}, nav=None)
    submit(step_url(protocol_id, "learning"), {"training": f"  {TRAINING.replace(' ', '  ')}\n"})
    assert "Gewijzigd sinds de vertaling" not in client.get(url(protocol_id)).get_data(as_text=True)


def test_a_stale_form_is_a_dutch_409_showing_what_was_typed(app, client, submit, protocol_id):
    page = client.get(url(protocol_id)).get_data(as_text=True)
    assert submit(step_url(protocol_id, "learning"), {"training": "Iets anders."}).status_code == 302  # meanwhile
    fields = [(k, v) for k, v in read_form(page) if k != TRAINING_FIELD] + [(TRAINING_FIELD, FORMATION)]
    answer = client.post(url(protocol_id), data=MultiDict(fields))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "Iemand anders was je voor" in text and FORMATION in text
    assert "_translations" not in stored(app, protocol_id).answers


def test_a_too_long_translation_is_refused_at_its_field_and_kept(app, client, submit, make_protocol):
    protocol_id = make_protocol(answers=TYPED)
    too_long = "Équipe " * 40  # the role is a one-line answer of at most 200 characters
    answer = submit(url(protocol_id), {"tr-contacts-internal_contacts-0-role": too_long, TRAINING_FIELD: FORMATION}, nav=None)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Niet bewaard: controleer deze velden" in page
    assert 'id="tr-contacts-internal_contacts-0-role-error"' in page and too_long.strip() in page and FORMATION in page
    assert "_translations" not in stored(app, protocol_id).answers


def test_an_expired_form_keeps_the_typed_translation(app, client, protocol_id):
    fields = [(k, v) for k, v in read_form(client.get(url(protocol_id)).get_data(as_text=True)) if k not in ("csrf_token", TRAINING_FIELD)]
    answer = client.post(url(protocol_id), data=MultiDict(fields + [(TRAINING_FIELD, FORMATION)]))
    assert answer.status_code == 422 and FORMATION in answer.get_data(as_text=True)
    assert "Dit formulier was verlopen" in answer.get_data(as_text=True)


def test_another_organisations_protocol_is_404(client, make_org, make_protocol):
    other = make_protocol(answers=TYPED, organisation_id=make_org(name="Andere VZW"))
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other), data={TRAINING_FIELD: FORMATION}).status_code == 404


def test_only_drafters_translate(approver_client, protocol_id):
    assert approver_client.get(url(protocol_id)).status_code in (403, 404)


def test_linked_from_the_review_page_and_the_steps_only_with_typed_answers(client, protocol_id, make_protocol):
    for page_url in (f"/protocols/{protocol_id}/review", step_url(protocol_id, "learning")):
        assert f'href="{url(protocol_id)}"' in client.get(page_url).get_data(as_text=True)
    untyped = make_protocol()
    assert f'href="{url(untyped)}"' not in client.get(f"/protocols/{untyped}/review").get_data(as_text=True)
    assert "Er zijn geen getypte antwoorden om te vertalen" in client.get(url(untyped)).get_data(as_text=True)


def test_answers_typed_in_french_are_translated_into_dutch(app, client, submit, make_protocol):
    protocol_id = make_protocol(answers={"profile": {"name": "ASBL Le Tilleul", "sector": "youth_care", "document_language": "fr"},
                                         "learning": {"training": FORMATION}})
    page = client.get(url(protocol_id)).get_data(as_text=True)
    assert f'lang="fr">{FORMATION}</blockquote>' in page and 'lang="nl"' in page
    submit(url(protocol_id), {TRAINING_FIELD: TRAINING}, nav=None)
    assert stored(app, protocol_id).answers["_translations"] == {"nl": {"learning.training": TRAINING}}


ROWS = [{"role": "Teamcoach", "name": "Els Maes", "phone": "011 22 33 44"},
        {"role": "Onthaalmedewerker", "name": "Jan Peeters", "phone": "011 22 33 45"},
        {"role": "Nachtverantwoordelijke", "name": "Mia Wouters", "phone": "011 22 33 46"}]
FRENCH_ROLES = ["Coach d'équipe", "Collaborateur d'accueil", "Responsable de nuit"]


def test_translations_follow_their_rows_when_a_row_is_removed_and_come_back_with_it(app, client, submit, make_protocol):
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": [dict(row) for row in ROWS]}})
    submit(url(protocol_id), {f"tr-contacts-internal_contacts-{n}-role": role for n, role in enumerate(FRENCH_ROLES)}, nav=None)
    contacts = step_url(protocol_id, "contacts")
    assert submit(contacts, nav="remove:internal_contacts:0").status_code == 302
    answers = stored(app, protocol_id).answers
    assert {key: text for key, text in answers["_translations"]["fr"].items() if ".internal_contacts." in key} == {
        "contacts.internal_contacts.0.role": FRENCH_ROLES[1], "contacts.internal_contacts.1.role": FRENCH_ROLES[2]}
    # The later rows' translations still apply, and the translations page still saves.
    document = french_word(client, protocol_id)
    text = "\n".join([p.text for p in document.paragraphs] + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert FRENCH_ROLES[2] in text and "Nachtverantwoordelijke" not in text
    # Undo puts the row back with its translations; the translations page still saves.
    page = client.get(contacts).get_data(as_text=True)
    fields = dict(read_form(page))
    client.post(contacts + "/undo-remove", data={"csrf_token": fields["csrf_token"], "revision": fields["revision"]})
    translated = stored(app, protocol_id).answers["_translations"]["fr"]
    assert translated == {**translated, **{f"contacts.internal_contacts.{n}.role": role for n, role in enumerate(FRENCH_ROLES)}}
    assert stored(app, protocol_id).answers["_translation_sources"]["fr"]["contacts.internal_contacts.0.role"] == source_hash(ROWS[0]["role"])
    assert submit(url(protocol_id), nav=None).status_code == 302


def test_an_emptied_row_takes_its_translations_with_it(app, client, submit, make_protocol):
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": [dict(row) for row in ROWS]}})
    submit(url(protocol_id), {f"tr-contacts-internal_contacts-{n}-role": role for n, role in enumerate(FRENCH_ROLES)}, nav=None)
    emptied = {f"internal_contacts-1-{field}": "" for field in ("role", "name", "phone", "function")}
    assert submit(step_url(protocol_id, "contacts"), emptied).status_code == 302
    translated = stored(app, protocol_id).answers["_translations"]["fr"]
    assert translated["contacts.internal_contacts.1.role"] == FRENCH_ROLES[2] and "contacts.internal_contacts.2.role" not in translated


@pytest.mark.parametrize(("answers_lang", "expected", "other"), [
    ("nl", "binnen een maand na het afsluiten van het incident", "dans le mois qui suit la clôture"),
    ("fr", "dans le mois qui suit la clôture de l'incident", "binnen een maand na het afsluiten"),
])
def test_default_wording_in_answer_fields_is_in_the_answers_language_whatever_the_interface(client, make_protocol, answers_lang, expected, other):
    protocol_id = make_protocol(answers={"profile": {"name": "VZW De Linde", "sector": "youth_care", "document_language": answers_lang}})
    for interface in ("nl", "fr"):
        page = client.get(step_url(protocol_id, "learning"), headers={"Accept-Language": interface}).get_data(as_text=True)
        fields = dict(read_form(page))
        assert fields["reflection_within"] == expected and other not in fields["reflection_within"]


def test_the_page_keeps_the_fingerprint_the_documents_check(app, submit, protocol_id):
    submit(url(protocol_id), {TRAINING_FIELD: FORMATION}, nav=None)
    answers = stored(app, protocol_id).answers
    assert answers["_translation_sources"]["fr"]["learning.training"] == source_hash(f"  {TRAINING}\n")
    assert translation(answers, "learning.training", "fr", TRAINING) == FORMATION


def test_the_count_of_typed_answers_is_worked_out_once_per_draft_revision(client, submit, protocol_id, monkeypatch):
    calls = []
    monkeypatch.setattr(routes, "typed_texts", lambda *args: calls.append(args) or {"learning.training": TRAINING})
    for page in ("review", "steps/learning", "review"):
        assert "Vertalingen" in client.get(f"/protocols/{protocol_id}/{page}").get_data(as_text=True)
    assert len(calls) == 1  # the review page asks twice, every page once: one count for the revision
    submit(step_url(protocol_id, "learning"), {"training": "Tweejaarlijkse vorming."})
    client.get(f"/protocols/{protocol_id}/review")
    assert len(calls) == 2  # a save makes a new revision, counted again
