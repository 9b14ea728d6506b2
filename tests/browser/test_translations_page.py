"""The translations page with a keyboard, in Chromium."""
from __future__ import annotations

from playwright.sync_api import expect

from ..wizard.test_steps import stored
from ..wizard.test_translations import TYPED, url
from .test_wizard_journey import log_in


def test_enter_in_a_translation_field_saves_like_the_button(app, live_server, page, drafter, make_protocol):
    protocol_id = make_protocol(answers=TYPED)
    log_in(page, live_server, "an.drafter@delinde.be")
    page.goto(f"{live_server}{url(protocol_id)}")
    field = page.get_by_label("Interne contactpersonen, rij 1: Rol")
    field.fill("Coach d'équipe")
    field.press("Enter")
    expect(page.get_by_text("Je vertalingen zijn bewaard.")).to_be_visible()
    assert stored(app, protocol_id).answers["_translations"]["fr"] == {"contacts.internal_contacts.0.role": "Coach d'équipe"}
