"""A PDF not made yet: the waiting page in a real browser, which then delivers the file by itself."""
from __future__ import annotations

import io
import os

from playwright.sync_api import expect
from pypdf import PdfReader

from .pages import log_in


def test_the_waiting_page_delivers_the_pdf_by_itself(app, live_server, browser, page, submitted, tmp_path):
    app.config["RENDER_WAIT"] = 0
    url = f"{live_server}/protocols/{submitted}/versions/1/download/pdf"
    log_in(page, live_server, "an.drafter@delinde.be")
    cookies = page.context.cookies()
    for width in (1280, 390):  # without JavaScript: what it says and the link to ask again
        context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 700}, java_script_enabled=False)
        context.add_cookies(cookies)
        still = context.new_page()
        assert still.goto(url).status == 202
        expect(still.get_by_role("heading", name="Je document wordt gemaakt …")).to_be_visible()
        expect(still.get_by_role("link", name="Opnieuw proberen")).to_be_visible()
        assert still.evaluate("document.documentElement.scrollWidth") <= width
        still.screenshot(path=str(tmp_path / f"pending-{width}.png"), full_page=True)
        if os.environ.get("SCREENSHOTS"):
            still.screenshot(path=f"{os.environ['SCREENSHOTS']}/pending-{width}.png", full_page=True)
        context.close()
    with page.expect_download(timeout=120_000) as download:
        page.goto(f"{live_server}/protocols/{submitted}/versions/1/card/nl/pdf", wait_until="commit")
    assert download.value.suggested_filename == "kaart-vzw-de-linde-v1-nl.pdf"
    assert len(PdfReader(io.BytesIO(download.value.path().read_bytes())).pages) == 1
