"""Approval in a real browser: the drafter submits, the approver sees the changes and approves,
the drafter downloads the approved PDF with its approval block."""
from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from .test_wizard_journey import log_in


def test_submit_review_changes_approve_and_download(new_page, live_server, client, approver, submitted, decide, submit, tmp_path):
    decide(submitted, 1)  # version 1 is on record; version 2 will be compared with it
    submit(f"/protocols/{submitted}/steps/learning", {"training": "Tweejaarlijkse vorming voor alle teams."})

    drafter = new_page()
    log_in(drafter, live_server, "an.drafter@delinde.be")
    drafter.goto(f"{live_server}/protocols/{submitted}/review")
    drafter.get_by_role("button", name="Indienen ter goedkeuring").click()
    expect(drafter.get_by_text("Versie 2 is ingediend ter goedkeuring.")).to_be_visible()

    boss = new_page()
    log_in(boss, live_server, "dir@delinde.be")
    boss.get_by_role("link", name="versies").first.click()
    boss.get_by_role("link", name="Versie 2").click()
    expect(boss.get_by_role("heading", name="Wijzigingen sinds de laatst goedgekeurde versie (1)")).to_be_visible()
    expect(boss.locator("ins", has_text="Tweejaarlijkse")).to_be_visible()
    expect(boss.locator("del", has_text="Jaarlijkse")).to_be_visible()
    boss.screenshot(path=str(tmp_path / "approve.png"), full_page=True)
    boss.get_by_label("Je functie").first.fill("Algemeen directeur")
    boss.get_by_role("button", name="Versie 2 goedkeuren").click()
    expect(boss.get_by_text("Versie 2 is goedgekeurd.")).to_be_visible()

    drafter.goto(f"{live_server}/protocols/{submitted}/versions/2")
    with drafter.expect_download() as download:
        drafter.get_by_role("link", name="Download PDF (Nederlands)").click()
    assert download.value.suggested_filename == "protocol-vzw-de-linde-v2.pdf"
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Goedgekeurd door" in text and "Mieke Janssens, Algemeen directeur" in text
    assert "CONCEPT" not in text
