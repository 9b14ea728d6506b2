"""The strict Content-Security-Policy in a real browser: Chromium refuses nothing on the pages, the preview keeps its house style."""
from __future__ import annotations

from policybuilder.extensions import db
from policybuilder.models import Protocol

from .test_wizard_journey import log_in

HOUSE_COLOUR = "#7A1F5C"


def test_the_browser_blocks_nothing_and_the_preview_keeps_its_house_style(
    app, live_server, new_page, drafter, org, publish_template, tmp_path
):
    version_id = publish_template({"questions": {}, "style": {"primary_colour": HOUSE_COLOUR, "font": "Arial"}})
    with app.app_context():
        protocol = Protocol(organisation_id=org, answers={"profile": {"name": "VZW De Linde", "sector": "youth_care"}},
                            saved_steps=[], template_version_id=version_id)
        db.session.add(protocol)
        db.session.commit()
        protocol_id = protocol.id
    page = new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, live_server, "an.drafter@delinde.be")
    for path in (f"/protocols/{protocol_id}/preview", f"/protocols/{protocol_id}/steps/profile", f"/organisations/{org}/users",
                 "/invitations", f"/organisations/{org}/audit"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    assert refused == []
    page.goto(f"{live_server}/protocols/{protocol_id}/preview")
    colour = page.evaluate("getComputedStyle(document.querySelector('article.protocol-document')).getPropertyValue('--pb-primary')")
    assert colour.strip().upper() == HOUSE_COLOUR
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=False)
