"""In Chromium: the preview loads WOFF2 subsets (no TTF) and a second visit takes every static file from the browser's cache."""
from __future__ import annotations

import json
from pathlib import Path

from flask import request

from policybuilder.document.html import ASSETS

from .test_wizard_journey import log_in

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def test_the_preview_loads_small_web_fonts_and_a_second_visit_asks_only_for_the_page(
    app, live_server, new_page, drafter, make_protocol, tmp_path
):
    protocol_id = make_protocol(answers=json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8")))
    asked: list[str] = []
    app.before_request(lambda: asked.append(request.path) and None)
    page = new_page()
    log_in(page, live_server, "an.drafter@delinde.be")
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    preview = f"{live_server}/protocols/{protocol_id}/preview"
    page.goto(preview)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    fonts = [url for url in sizes if "/fonts/" in url]
    assert fonts and all(url.endswith(".woff2") for url in fonts)
    used = sum(sizes[url] for url in fonts)
    as_ttf = sum((ASSETS / "fonts" / (url.rsplit("/", 1)[1].split(".")[0] + ".ttf")).stat().st_size for url in fonts)
    print(f"\npreview of examples/full.json: {sum(sizes.values())} bytes in all; fonts {used} bytes as WOFF2 "
          f"({len(fonts)} faces), the same faces as TTF {as_ttf} bytes")
    assert used * 10 < as_ttf
    page.screenshot(path=str(tmp_path / "preview.png"))

    asked.clear()
    page.goto(preview)
    page.wait_for_load_state("networkidle")
    assert asked == [f"/protocols/{protocol_id}/preview"]
