"""The drafter's journey in a real browser: create, fill two steps, reload, find the text."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from ..conftest import PASSWORD


def log_in(page, server: str, email: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto(server + "/")
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Je protocollen")).to_be_visible()


def test_create_fill_two_steps_reload_and_find_the_text(live_server, page, drafter, tmp_path):
    log_in(page, live_server, "an.drafter@delinde.be")
    page.get_by_role("link", name="Nieuw protocol").click()
    page.get_by_label("Naam van de organisatie").fill("VZW Het Anker")
    page.get_by_label("Jeugdhulp").check()
    page.get_by_role("button", name="Protocol aanmaken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Organisatieprofiel")
    page.get_by_label("Aantal werknemers").fill("35")
    page.get_by_label("Vestigingen").fill("Dorpsstraat 12, 9000 Gent\nLeopoldlaan 4, 9300 Aalst")
    page.get_by_role("button", name="Volgende").click()

    expect(page.get_by_text("Stap 2 van 10")).to_be_visible()
    first_textarea = page.locator("form.step-form textarea").first
    first_textarea.fill("Onze eigen afspraak: melden binnen 24 uur bij de teamleider.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Je antwoorden zijn bewaard.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "step2.png"), full_page=True)

    page.reload()
    expect(first_textarea).to_have_value("Onze eigen afspraak: melden binnen 24 uur bij de teamleider.")
    page.get_by_role("link", name=re.compile("Organisatieprofiel")).click()
    expect(page.get_by_label("Vestigingen")).to_have_value("Dorpsstraat 12, 9000 Gent\nLeopoldlaan 4, 9300 Aalst")
    expect(page.get_by_label("Aantal werknemers")).to_have_value("35")
