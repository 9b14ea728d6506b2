"""A French-speaking drafter in a real browser: switch to French, walk the wizard, download the French PDF."""
from __future__ import annotations

import re
import subprocess

from playwright.sync_api import expect

from policybuilder.schema_store import get_schema

from ..conftest import PASSWORD


def test_a_french_speaker_walks_the_wizard_and_downloads_the_french_pdf(app, live_server, page, drafter, tmp_path):
    # The browser says Dutch (nl-BE): the login page is Dutch until the person picks French in the header.
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr-BE")
    page.get_by_label("Adresse e-mail").fill("an.drafter@delinde.be")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("heading", name="Vos protocoles")).to_be_visible()
    expect(page.get_by_role("button", name="Français")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("link", name="Nouveau protocole").click()
    page.locator('input[name="name"]').fill("ASBL Les Tilleuls")
    page.locator('input[name="sector"]').first.check()
    page.get_by_role("button", name="Créer le protocole").click()
    expect(page.get_by_text("Protocole créé. Commencez par le profil de votre organisation.")).to_be_visible()

    with app.app_context():
        schema = get_schema()
        steps = len(schema.elements)
        titles = [element.title for element in schema.elements if element.key != "profile"]  # the eight chapters
    # The profile: the answers' language is French; Enter in a field saves and stays on the step.
    expect(page.get_by_text(f"Étape 1 sur {steps + 1}")).to_be_visible()
    page.locator('input[name="document_language"][value="fr"]').check()
    page.locator('input[name="worker_count"]').fill("35")
    page.locator('input[name="worker_count"]').press("Enter")
    expect(page.get_by_text("Vos réponses sont enregistrées.")).to_be_visible()
    expect(page.locator('input[name="document_language"][value="fr"]')).to_be_checked()

    # Every step with "Suivant" (reached with Tab from the last field would be the same button), then the review.
    for number in range(2, steps + 1):
        page.get_by_role("button", name="Suivant").click()
        expect(page.get_by_text(f"Étape {number} sur {steps + 1}")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fr-BE")
    page.get_by_role("button", name="Vers le récapitulatif").click()
    expect(page.get_by_role("button", name="Soumettre pour approbation")).to_be_visible()
    page.screenshot(path=str(tmp_path / "review-fr-1280.png"), full_page=True)

    # The French PDF, offered first because the answers are French.
    link = page.get_by_role("link", name="Télécharger PDF (Français)")
    expect(link).to_have_attribute("href", re.compile(r"[?&]lang=fr"))
    with page.expect_download() as download:
        link.click()
    pdf = tmp_path / "protocole-fr.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    def flat(words: str) -> str:
        return " ".join(words.replace("’", "'").split())  # any space (also a no-break one before "?") as one

    for title in titles:
        assert flat(title["fr"]) in flat(text), title["fr"]
        if title["nl"] != title["fr"]:
            assert flat(title["nl"]) not in flat(text), title["nl"]


def test_french_pages_at_desktop_and_phone_width(app, live_server, new_page, drafter, tmp_path):
    """Screenshots of French pages at 1280 and 390 px (looked at by hand); the header's switch stays reachable."""
    for width in (1280, 390):
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/login")
        page.get_by_role("button", name="Français").click()
        page.screenshot(path=str(tmp_path / f"login-fr-{width}.png"), full_page=True)
        page.get_by_label("Adresse e-mail").fill("an.drafter@delinde.be")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Vos protocoles")).to_be_visible()
        page.screenshot(path=str(tmp_path / f"dashboard-fr-{width}.png"), full_page=True)
        page.get_by_role("link", name="Nouveau protocole").click()
        page.locator('input[name="name"]').fill("ASBL Les Tilleuls")
        page.locator('input[name="sector"]').first.check()
        page.get_by_role("button", name="Créer le protocole").click()
        expect(page.get_by_text(f"Étape 1 sur")).to_be_visible()
        page.screenshot(path=str(tmp_path / f"step-fr-{width}.png"), full_page=True)
        # Back to Dutch from the header, on the same page.
        page.get_by_role("button", name="Nederlands").click()
        expect(page.get_by_text("Stap 1 van")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
