"""Templates in Dutch and French: members' documents in both languages, and versions stored before French."""
from __future__ import annotations

from io import BytesIO

import docx
import pytest

from policybuilder.extensions import db
from policybuilder.federation.store import template_of
from policybuilder.models import Protocol, SectorTemplate, TemplateVersion
from policybuilder.sector import apply_defaults

from ..forms import read_form

NOTICE = "Vul de Franse teksten aan voor je een nieuwe versie publiceert"
# A version published before templates carried French: a locked answer, help and a clause in Dutch only.
DUTCH_ONLY = {
    "release_notes": "Eerste versie.",
    "questions": {"procedure.report_to": {"state": "locked", "default": "de sectorale meldpersoon"},
                  "procedure.stop_criteria": {"state": "open", "help": {"nl": "Overleg met de sector."}}},
    "clauses": {"learning": [{"id": "fed_1", "kind": "paragraph", "heading": {"nl": "Sectorvorming"},
                              "text": {"nl": "Elk jaar volgt het team de sectorvorming."}, "basis": {"kind": "sector"}}]},
}


@pytest.fixture
def member(app, make_org, make_user, make_protocol, client_for):
    """Return a callable: a member organisation's protocol started from a template version; gives (protocol id, drafter's client)."""

    def start(version_id: int, answers: dict | None = None):
        organisation = make_org("VZW De Linde")
        protocol_id = make_protocol(organisation_id=organisation, answers=answers)
        with app.app_context():
            protocol, version = db.session.get(Protocol, protocol_id), db.session.get(TemplateVersion, version_id)
            schema = app.extensions["policybuilder.schema"]
            protocol.answers = apply_defaults(template_of(version, schema), protocol.answers, schema)
            protocol.template_version_id = version_id
            db.session.commit()
        return protocol_id, client_for(make_user("opsteller@linde.be", ("drafter",), organisation))

    return start


def word_text(client, protocol_id: int, lang: str) -> tuple[str, list]:
    """The text of the protocol's Word document in ``lang``, and its runs."""
    response = client.get(f"/protocols/{protocol_id}/download/docx?lang={lang}")
    assert response.status_code == 200, response.status_code
    document = docx.Document(BytesIO(response.data))
    return "\n".join(p.text for p in document.paragraphs), [run for p in document.paragraphs for run in p.runs]


def run_language(run) -> str | None:
    found = run._r.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang")
    return None if found is None else found.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")


def latest_version_id(app, template_id: int) -> int:
    with app.app_context():
        return db.session.get(SectorTemplate, template_id).latest.id


def test_a_published_bilingual_template_gives_the_members_french_document_its_french(app, styled, publish, member):
    assert publish(styled).status_code == 302
    protocol_id, client = member(latest_version_id(app, styled))
    dutch, _ = word_text(client, protocol_id, "nl")
    assert "de teamcoach" in dutch and "Vorming volgens de sectorafspraak." in dutch
    french, _ = word_text(client, protocol_id, "fr")
    assert "le coach d'équipe" in french and "Formation selon l'accord sectoriel." in french
    assert "teamcoach" not in french and "sectorafspraak" not in french


def test_a_template_update_brings_the_new_wording_in_both_languages(app, styled, publish, send, member, token):
    publish(styled)
    protocol_id, client = member(latest_version_id(app, styled))
    send(f"/federation/templates/{styled}/elements/procedure", {"report_to": "de sectorcoach", "fr-report_to": "le coach du secteur"})
    publish(styled, "De sectorcoach ontvangt de meldingen.")
    page = f"/protocols/{protocol_id}/template-update"
    fields = dict(read_form(client.get(page).get_data(as_text=True)))
    assert client.post(page, data=fields).status_code == 302
    assert "le coach du secteur" in word_text(client, protocol_id, "fr")[0]
    assert "de sectorcoach" in word_text(client, protocol_id, "nl")[0]


def test_a_version_stored_before_french_renders_in_both_languages(publish_template, member):
    protocol_id, client = member(publish_template(DUTCH_ONLY))
    dutch, _ = word_text(client, protocol_id, "nl")
    assert "de sectorale meldpersoon" in dutch and "Sectorvorming" in dutch and "Elk jaar volgt het team de sectorvorming." in dutch
    french, runs = word_text(client, protocol_id, "fr")
    # The Dutch answer is never inside a French sentence: it is quoted in a marked note, tagged Dutch.
    answers = [run for run in runs if "sectorale meldpersoon" in run.text]
    assert answers and all(run.text == "de sectorale meldpersoon" and run_language(run) == "nl-BE" for run in answers)
    notes = [line for line in french.replace("\xa0", " ").splitlines() if "meldpersoon" in line]
    assert notes and all(line.endswith("Réponse donnée uniquement en néerlandais : « de sectorale meldpersoon »") for line in notes)
    [clause] = [run for run in runs if "sectorvorming" in run.text.lower()]
    assert clause.text == "Sectorvorming — Elk jaar volgt het team de sectorvorming." and run_language(clause) == "nl-BE"
    assert "Texte du modèle sectoriel, disponible uniquement en néerlandais : « Sectorvorming — Elk jaar" in french.replace("\xa0", " ")


def test_the_editor_opens_a_draft_from_before_french_with_empty_french_fields_and_a_notice(app, publish_template, client_for, make_user):
    version_id = publish_template(DUTCH_ONLY)
    with app.app_context():
        row = db.session.get(TemplateVersion, version_id).template
        row.draft, template_id, federation = row.latest.data, row.id, row.organisation_id
        db.session.commit()
    editor = client_for(make_user("redactie@jeugdhulp.be", ("federation_editor",), federation))
    overview = editor.get(f"/federation/templates/{template_id}").get_data(as_text=True)
    assert NOTICE in overview
    assert f'<a href="/federation/templates/{template_id}/elements/procedure">Procedure bij een incident</a>: teksten zonder Frans: 2' in overview
    assert f'<a href="/federation/templates/{template_id}/elements/learning">Leren uit incidenten</a>: teksten zonder Frans: 2' in overview
    page = f"/federation/templates/{template_id}/elements/procedure"
    html = editor.get(page).get_data(as_text=True)
    shown = dict(read_form(html))
    assert NOTICE in html
    assert shown["report_to"] == "de sectorale meldpersoon" and shown["fr-report_to"] == ""
    assert shown["tpl-stop_criteria-help"] == "Overleg met de sector." and shown["tpl-stop_criteria-help_fr"] == ""
    learning = editor.get(f"/federation/templates/{template_id}/elements/learning").get_data(as_text=True)
    fields = dict(read_form(learning))
    assert fields["clause-fed_1-text"] == "Elk jaar volgt het team de sectorvorming." and fields["clause-fed_1-text_fr"] == ""
    assert "nog geen Franse tekst" in learning

    fields.update({"clause-fed_1-text_fr": "Chaque année, l'équipe suit la formation du secteur.", "clause-fed_1-heading_fr": "Formation du secteur"})
    assert editor.post(f"/federation/templates/{template_id}/elements/learning/clauses/fed_1",
                       data={k: v for k, v in fields.items() if k.startswith("clause-fed_1-")}).status_code == 302
    publish_page = f"/federation/templates/{template_id}"
    overview = editor.get(publish_page).get_data(as_text=True)
    refused = editor.post(f"{publish_page}/publish", data={**dict(read_form(overview)), "release_notes": "Tweede versie."})
    assert refused.status_code == 422  # the procedure's texts still lack French
    assert NOTICE in refused.get_data(as_text=True) and "Procedure bij een incident</a>: teksten zonder Frans: 2" in refused.get_data(as_text=True)
    shown = dict(read_form(editor.get(page).get_data(as_text=True)))  # the page again: the draft's revision moved on
    shown.update({"fr-report_to": "la personne de référence du secteur", "tpl-stop_criteria-help_fr": "Concertez-vous avec le secteur.", "nav": "stay"})
    assert editor.post(page, data=shown).status_code == 302
    overview = editor.get(publish_page).get_data(as_text=True)
    assert NOTICE not in overview
    assert editor.post(f"{publish_page}/publish", data={**dict(read_form(overview)), "release_notes": "Nu ook in het Frans."}).status_code == 302
    with app.app_context():
        data = db.session.get(SectorTemplate, template_id).latest.data
    assert data["questions"]["procedure.report_to"]["default"] == {"nl": "de sectorale meldpersoon", "fr": "la personne de référence du secteur"}
    assert data["clauses"]["learning"][0]["heading"] == {"nl": "Sectorvorming", "fr": "Formation du secteur"}
