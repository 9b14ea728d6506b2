"""Sector templates in a real browser: the federation publishes, a member starts from it,
the federation publishes version 2, the member takes the update and resolves one conflict."""
from __future__ import annotations

from playwright.sync_api import expect

from policybuilder.extensions import db
from policybuilder.models import Protocol

from .test_wizard_journey import log_in


def set_learning_training(page, server: str, template_id: int, text: str, state: str) -> None:
    """On the editor's 'Leren uit incidenten' page: the training default and its state."""
    page.goto(f"{server}/federation/templates/{template_id}/elements/learning")
    page.locator("#section-training > summary").click()  # each question is a section that opens
    page.locator("#training").fill(text)
    section = page.locator(".question", has=page.locator("#training"))
    section.get_by_label(state).check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Het concept is bewaard.")).to_be_visible()


def publish(page, server: str, template_id: int, notes: str) -> None:
    page.goto(f"{server}/federation/templates/{template_id}")
    page.locator("#release_notes").fill(notes)
    page.get_by_role("button", name="Publiceren").click()


def test_publish_start_update_and_resolve(app, new_page, live_server, make_org, make_user, drafter):
    federation = make_org(name="Federatie Jeugdhulp", sector="youth_care", kind="federation")
    make_user("redactie@federatie.be", ("federation_editor",), federation, name="Redactie")

    editor = new_page()
    log_in(editor, live_server, "redactie@federatie.be")
    editor.get_by_role("link", name="Sjablonen van de federatie").click()
    editor.get_by_label("Naam").fill("Sjabloon jeugdhulp")
    editor.get_by_role("button", name="Sjabloon aanmaken").click()
    template_id = int(editor.url.rstrip("/").split("/")[-1])
    set_learning_training(editor, live_server, template_id, "Vorming A voor alle teams.", "Open")
    publish(editor, live_server, template_id, "Eerste versie.")
    expect(editor.get_by_text("Versie 1 is gepubliceerd.")).to_be_visible()

    member = new_page()
    log_in(member, live_server, "an.drafter@delinde.be")
    member.get_by_role("link", name="Nieuw protocol").click()
    member.get_by_label("Sjabloon jeugdhulp van Federatie Jeugdhulp (versie 1)").check()
    member.get_by_role("button", name="Protocol aanmaken").click()
    protocol_url = member.url.rsplit("/steps/", 1)[0]
    member.goto(protocol_url + "/steps/learning")
    expect(member.locator("#training")).to_have_value("Vorming A voor alle teams.")
    member.locator("#training").fill("Vorming A en C voor alle teams.")
    member.get_by_role("button", name="Opslaan").click()

    set_learning_training(editor, live_server, template_id, "Vorming B voor alle teams.", "Open")
    publish(editor, live_server, template_id, "Nieuwe vorming B.")
    expect(editor.get_by_text("Versie 2 is gepubliceerd.")).to_be_visible()

    member.goto(protocol_url + "/review")
    expect(member.get_by_role("heading", name="Nieuwe sjabloonversie beschikbaar")).to_be_visible()
    member.get_by_role("link", name="Bekijk en neem de update over").click()
    conflict = member.locator("fieldset.merge-choice")
    expect(conflict).to_contain_text("Vorming A en C voor alle teams.")
    expect(conflict.locator("ins")).to_contain_text("B")
    conflict.get_by_label("Zelf een tekst maken:").check()
    conflict.locator("textarea").fill("Vorming B en C voor alle teams.")
    member.get_by_role("button", name="Versie 2 overnemen").click()
    expect(member.get_by_text("Versie 2 van het sjabloon is overgenomen.")).to_be_visible()

    with app.app_context():
        protocol = db.session.query(Protocol).one()
        assert protocol.answers["learning"]["training"] == "Vorming B en C voor alle teams."
        assert protocol.template_version.number == 2
